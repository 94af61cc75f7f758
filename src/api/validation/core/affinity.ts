// Scheduling constraints of a pod spec: affinity and topology spread (upstream's validateAffinity
// and validateTopologySpreadConstraints), so the scheduler can trust their shape.
import { FieldError, fieldErrors } from '../../errors.js';
import { validateLabelName, validateLabelSelector } from '../common.js';
import { arr, isObj, s, type J } from '../value.js';

function validateNodeSelectorRequirement(r: unknown, p: string): FieldError[] {
  if (!isObj(r)) return [fieldErrors.typeInvalid(p, r, 'must be an object')];
  const errs: FieldError[] = [];
  const values = arr(r.values) ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldErrors.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(fieldErrors.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(fieldErrors.required(`${p}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(fieldErrors.invalid(`${p}.operator`, s(r.operator), 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(s(r.key), `${p}.key`));
  return errs;
}

function validateNodeSelectorTerm(value: unknown, p: string): FieldError[] {
  const term = value === undefined || value === null ? {} : value;
  if (!isObj(term)) return [fieldErrors.typeInvalid(p, term, 'must be an object')];
  const errs: FieldError[] = [];
  (arr(term.matchExpressions) ?? []).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, `${p}.matchExpressions[${i}]`)));
  (arr(term.matchFields) ?? []).forEach((r, i) => {
    const rp = `${p}.matchFields[${i}]`;
    if (!isObj(r)) return;
    if (s(r.key) !== 'metadata.name') errs.push(fieldErrors.invalid(`${rp}.key`, s(r.key), 'not a valid field selector key'));
    if ((r.operator === 'In' || r.operator === 'NotIn') && (arr(r.values) ?? []).length !== 1) {
      errs.push(fieldErrors.required(`${rp}.values`, 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
    } else if (r.operator !== 'In' && r.operator !== 'NotIn') {
      errs.push(fieldErrors.invalid(`${rp}.operator`, s(r.operator), 'not a valid selector operator'));
    }
  });
  return errs;
}

function validateWeight(w: unknown, p: string): FieldError[] {
  return typeof w === 'number' && w >= 1 && w <= 100 ? [] : [fieldErrors.invalid(p, w ?? 0, 'must be in the range 1-100')];
}

function validatePodAffinityTerm(value: unknown, p: string): FieldError[] {
  const term = value === undefined || value === null ? {} : value;
  if (!isObj(term)) return [fieldErrors.typeInvalid(p, term, 'must be an object')];
  const errs = validateLabelSelector(term.labelSelector, `${p}.labelSelector`, { allowInvalidLabelValue: true });
  errs.push(...validateLabelSelector(term.namespaceSelector, `${p}.namespaceSelector`, { allowInvalidLabelValue: true }));
  if (!s(term.topologyKey)) errs.push(fieldErrors.required(`${p}.topologyKey`, 'can not be empty'));
  else errs.push(...validateLabelName(s(term.topologyKey), `${p}.topologyKey`));
  return errs;
}

function validatePodAffinity(pa: unknown, p: string): FieldError[] {
  if (!isObj(pa)) return [];
  const errs: FieldError[] = [];
  (arr(pa.requiredDuringSchedulingIgnoredDuringExecution) ?? []).forEach((t, i) => {
    errs.push(...validatePodAffinityTerm(t, `${p}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`));
  });
  (arr(pa.preferredDuringSchedulingIgnoredDuringExecution) ?? []).forEach((t, i) => {
    const tp = `${p}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    if (!isObj(t)) return;
    errs.push(...validateWeight(t.weight, `${tp}.weight`));
    errs.push(...validatePodAffinityTerm(t.podAffinityTerm, `${tp}.podAffinityTerm`));
  });
  return errs;
}

export function validateAffinity(aff: unknown, p: string): FieldError[] {
  if (aff === undefined || aff === null) return [];
  if (!isObj(aff)) return [fieldErrors.typeInvalid(p, aff, 'must be an object')];
  const errs: FieldError[] = [];
  const na: J | undefined = isObj(aff.nodeAffinity) ? aff.nodeAffinity : undefined;
  if (na) {
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (isObj(req)) {
      const rp = `${p}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
      const terms = arr(req.nodeSelectorTerms) ?? [];
      if (terms.length === 0) errs.push(fieldErrors.required(`${rp}.nodeSelectorTerms`, 'must have at least one node selector term'));
      terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${rp}.nodeSelectorTerms[${i}]`)));
    }
    (arr(na.preferredDuringSchedulingIgnoredDuringExecution) ?? []).forEach((t, i) => {
      const tp = `${p}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (!isObj(t)) return;
      errs.push(...validateWeight(t.weight, `${tp}.weight`));
      errs.push(...validateNodeSelectorTerm(t.preference, `${tp}.preference`));
    });
  }
  errs.push(...validatePodAffinity(aff.podAffinity, `${p}.podAffinity`));
  errs.push(...validatePodAffinity(aff.podAntiAffinity, `${p}.podAntiAffinity`));
  return errs;
}

export function validateTopologySpreadConstraints(list: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (arr(list) ?? []).forEach((c, i) => {
    const cp = `${p}[${i}]`;
    if (!isObj(c)) { errs.push(fieldErrors.typeInvalid(cp, c, 'must be an object')); return; }
    if (typeof c.maxSkew !== 'number' || c.maxSkew <= 0) errs.push(fieldErrors.invalid(`${cp}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
    const key = s(c.topologyKey);
    if (!key) errs.push(fieldErrors.required(`${cp}.topologyKey`, 'can not be empty'));
    else errs.push(...validateLabelName(key, `${cp}.topologyKey`));
    const wu = s(c.whenUnsatisfiable);
    if (wu !== 'DoNotSchedule' && wu !== 'ScheduleAnyway') errs.push(fieldErrors.notSupported(`${cp}.whenUnsatisfiable`, wu, ['DoNotSchedule', 'ScheduleAnyway']));
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (typeof c.minDomains !== 'number' || c.minDomains <= 0) errs.push(fieldErrors.invalid(`${cp}.minDomains`, c.minDomains, 'must be greater than 0'));
      else if (wu !== 'DoNotSchedule') errs.push(fieldErrors.invalid(`${cp}.minDomains`, c.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway'));
    }
    const pair = `${key}/${wu}`;
    if (seen.has(pair)) errs.push(fieldErrors.duplicate(cp, `{${key}, ${wu}}`));
    seen.add(pair);
    errs.push(...validateLabelSelector(c.labelSelector, `${cp}.labelSelector`, { allowInvalidLabelValue: true }));
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const v = c[f];
      if (v !== undefined && v !== null && v !== 'Honor' && v !== 'Ignore') errs.push(fieldErrors.notSupported(`${cp}.${f}`, v, ['Honor', 'Ignore']));
    }
  });
  return errs;
}
