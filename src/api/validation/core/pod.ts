// Pods and pod templates (upstream's ValidatePodCreate / ValidatePodUpdate /
// ValidatePodStatusUpdate / ValidatePodTemplateSpec).
import { FieldError, fieldErrors } from '../../errors.js';
import { validateAnnotations, validateLabels } from '../common.js';
import { isDNS1123Label } from '../names.js';
import { arr, isObj, jsonEqual, s, semanticEqual, specEqual, type J } from '../value.js';
import { validatePodSpec } from './pod-spec.js';
import { validatePodIPs } from './pod-status.js';

export function validatePod(pod: J): FieldError[] {
  const errs = validatePodSpec(pod.spec, 'spec');
  const spec: J = isObj(pod.spec) ? pod.spec : {};
  // Ephemeral containers arrive only through their subresource.
  if ((arr(spec.ephemeralContainers) ?? []).length > 0) errs.push(fieldErrors.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (s(spec.nodeName) && (arr(spec.schedulingGates) ?? []).length > 0) {
    errs.push(fieldErrors.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  errs.push(...validatePodIPs(pod.status));
  return errs;
}

// The fields a pod update may change, in upstream's words.
const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

export function validatePodUpdate(pod: J, old: J): FieldError[] {
  const errs = validatePodSpec(pod.spec, 'spec');
  const spec: J = isObj(pod.spec) ? pod.spec : {};
  const oldSpec: J = isObj(old.spec) ? old.spec : {};
  for (const list of ['containers', 'initContainers']) {
    const a = arr(spec[list]) ?? [];
    const b = arr(oldSpec[list]) ?? [];
    if (a.length !== b.length) {
      errs.push(fieldErrors.forbidden(`spec.${list}`, 'pod updates may not add or remove containers'));
      return errs;
    }
    a.forEach((c, i) => {
      const image = isObj(c) ? s(c.image) : '';
      if (image && image.trim() !== image) errs.push(fieldErrors.invalid(`spec.${list}[${i}].image`, image, 'must not have leading or trailing whitespace'));
    });
  }
  const ads = spec.activeDeadlineSeconds;
  const oldAds = oldSpec.activeDeadlineSeconds;
  if (typeof ads === 'number') {
    if (ads < 0 || ads > 2147483647) {
      errs.push(fieldErrors.invalid('spec.activeDeadlineSeconds', ads, 'must be between 0 and 2147483647, inclusive'));
      return errs;
    }
    if (typeof oldAds === 'number' && oldAds < ads) {
      errs.push(fieldErrors.invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (typeof oldAds === 'number') {
    errs.push(fieldErrors.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  const oldTols = arr(oldSpec.tolerations) ?? [];
  const newTols = arr(spec.tolerations) ?? [];
  for (const t of oldTols) {
    if (!newTols.some((n) => jsonEqual(n, t))) {
      errs.push(fieldErrors.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  const oldGates = (arr(oldSpec.schedulingGates) ?? []).map((g) => (isObj(g) ? s(g.name) : ''));
  for (const [i, g] of (arr(spec.schedulingGates) ?? []).entries()) {
    const name = isObj(g) ? s(g.name) : '';
    if (!oldGates.includes(name)) errs.push(fieldErrors.forbidden(`spec.schedulingGates[${i}]`, 'only deletion is allowed, but found new scheduling gate \'' + name + '\''));
  }
  // Compare the rest with the mutable fields taken from the old spec.
  const munged: J = { ...spec };
  for (const list of ['containers', 'initContainers']) {
    const a = arr(spec[list]);
    const b = arr(oldSpec[list]) ?? [];
    if (a) munged[list] = a.map((c, i) => (isObj(c) && isObj(b[i]) ? { ...c, image: (b[i] as J).image } : c));
  }
  errs.push(...validateEphemeralContainerAdditions(spec, oldSpec));
  munged.ephemeralContainers = oldSpec.ephemeralContainers;
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  if (typeof oldSpec.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (!specEqual(munged, oldSpec)) {
    errs.push(fieldErrors.forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}

// Fields an ephemeral (debug) container may not have.
const ephemeralForbidden = ['lifecycle', 'livenessProbe', 'ports', 'readinessProbe', 'resources', 'startupProbe'];

/**
 * Ephemeral containers arrive through their own subresource upstream, which allows additions only.
 * Whatever the path, existing ones stay as they are and new ones are debug containers.
 */
function validateEphemeralContainerAdditions(spec: J, oldSpec: J): FieldError[] {
  const errs: FieldError[] = [];
  const next = arr(spec.ephemeralContainers) ?? [];
  const prev = arr(oldSpec.ephemeralContainers) ?? [];
  const p = 'spec.ephemeralContainers';
  prev.forEach((c, i) => {
    const name = isObj(c) ? s(c.name) : '';
    const now = next.find((n) => isObj(n) && s(n.name) === name);
    if (!now) errs.push(fieldErrors.forbidden(p, `existing ephemeral containers "${name}" may not be removed`));
    else if (!semanticEqual(now, c)) errs.push(fieldErrors.forbidden(`${p}[${i}]`, `existing ephemeral containers "${name}" may not be changed`));
  });
  const taken = new Set<string>();
  for (const list of ['containers', 'initContainers']) for (const c of arr(spec[list]) ?? []) if (isObj(c)) taken.add(s(c.name));
  const prevNames = new Set(prev.map((c) => (isObj(c) ? s(c.name) : '')));
  next.forEach((c, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(c)) { errs.push(fieldErrors.typeInvalid(ip, c, 'must be an object')); return; }
    const name = s(c.name);
    if (prevNames.has(name)) return;
    if (!name) errs.push(fieldErrors.required(`${ip}.name`));
    else errs.push(...isDNS1123Label(name).map((m) => fieldErrors.invalid(`${ip}.name`, name, m)));
    if (taken.has(name)) errs.push(fieldErrors.duplicate(`${ip}.name`, name));
    taken.add(name);
    if (!s(c.image)) errs.push(fieldErrors.required(`${ip}.image`));
    for (const f of ephemeralForbidden) {
      const v = c[f];
      const empty = v === undefined || v === null || (isObj(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);
      if (!empty) errs.push(fieldErrors.forbidden(`${ip}.${f}`, 'cannot be set for an Ephemeral Container'));
    }
  });
  return errs;
}

/** A short listing of the changed top-level fields (upstream prints a Go cmp.Diff here). */
function specDiff(old: J, next: J): string {
  const lines: string[] = ['  core.PodSpec{'];
  for (const k of [...new Set([...Object.keys(old), ...Object.keys(next)])].sort()) {
    if (semanticEqual(old[k], next[k])) continue;
    if (old[k] !== undefined) lines.push(`- \t${k}: ${JSON.stringify(old[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${k}: ${JSON.stringify(next[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

/** A pod template as embedded in workloads. Note upstream's path quirk: `<template>.labels`. */
export function validatePodTemplateSpec(tpl: unknown, p: string): FieldError[] {
  if (tpl === undefined || tpl === null) return [fieldErrors.required(p)];
  if (!isObj(tpl)) return [fieldErrors.typeInvalid(p, tpl, 'must be an object')];
  const meta: J = isObj(tpl.metadata) ? tpl.metadata : {};
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, `${p}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${p}.annotations`));
  errs.push(...validatePodSpec(tpl.spec, `${p}.spec`));
  const spec: J = isObj(tpl.spec) ? tpl.spec : {};
  if ((arr(spec.ephemeralContainers) ?? []).length > 0) {
    errs.push(fieldErrors.forbidden(`${p}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
