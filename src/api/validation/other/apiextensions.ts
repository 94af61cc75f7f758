// CustomResourceDefinitions: the basics of names, group, scope and versions (schema checks are
// a separate concern; upstream's pkg/apis/apiextensions/validation).
import { FieldError, fieldErrors } from '../../errors.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../names.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, type J } from '../value.js';

function validateNames(names: unknown, p: string): FieldError[] {
  const n: J = isObj(names) ? names : {};
  const errs: FieldError[] = [];
  const plural = s(n.plural);
  const singular = s(n.singular);
  const kind = s(n.kind);
  const listKind = s(n.listKind);
  if (!plural) errs.push(fieldErrors.required(`${p}.plural`));
  else if (isDNS1035Label(plural).length) errs.push(fieldErrors.invalid(`${p}.plural`, plural, isDNS1035Label(plural).join(',')));
  if (singular && isDNS1035Label(singular).length) errs.push(fieldErrors.invalid(`${p}.singular`, singular, isDNS1035Label(singular).join(',')));
  if (!kind) errs.push(fieldErrors.required(`${p}.kind`));
  else if (isDNS1035Label(kind.toLowerCase()).length) errs.push(fieldErrors.invalid(`${p}.kind`, kind, `may have mixed case, but should otherwise match: ${isDNS1035Label(kind.toLowerCase()).join(',')}`));
  if (!listKind) errs.push(fieldErrors.required(`${p}.listKind`));
  else if (isDNS1035Label(listKind.toLowerCase()).length) errs.push(fieldErrors.invalid(`${p}.listKind`, listKind, `may have mixed case, but should otherwise match: ${isDNS1035Label(listKind.toLowerCase()).join(',')}`));
  else if (kind && listKind === kind) errs.push(fieldErrors.invalid(`${p}.listKind`, listKind, 'kind and listKind may not be the same'));
  (arr(n.shortNames) ?? []).forEach((sn) => {
    const v = s(sn);
    if (isDNS1035Label(v).length) errs.push(fieldErrors.invalid(`${p}.shortNames`, v, isDNS1035Label(v).join(',')));
  });
  return errs;
}

function validateCRD(o: J): FieldError[] {
  const spec: J = isObj(o.spec) ? o.spec : {};
  const errs: FieldError[] = [];
  const group = s(spec.group);
  const plural = isObj(spec.names) ? s(spec.names.plural) : '';
  const name = isObj(o.metadata) ? s(o.metadata.name) : '';
  if (name !== `${plural}.${group}`) errs.push(fieldErrors.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  if (!group) errs.push(fieldErrors.required('spec.group'));
  else {
    errs.push(...isDNS1123Subdomain(group).map((m) => fieldErrors.invalid('spec.group', group, m)));
    if (group.split('.').length < 2) errs.push(fieldErrors.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const scope = s(spec.scope);
  if (!scope) errs.push(fieldErrors.required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(fieldErrors.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  errs.push(...validateNames(spec.names, 'spec.names'));
  const versions = arr(spec.versions) ?? [];
  if (versions.length === 0) errs.push(fieldErrors.required('spec.versions', 'must have exactly one version marked as storage version'));
  let storage = 0;
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (!isObj(v)) { errs.push(fieldErrors.typeInvalid(p, v, 'must be an object')); return; }
    const vn = s(v.name);
    if (!vn) errs.push(fieldErrors.required(`${p}.name`));
    else if (isDNS1035Label(vn).length) errs.push(fieldErrors.invalid(`${p}.name`, vn, isDNS1035Label(vn).join(',')));
    if (seen.has(vn)) errs.push(fieldErrors.invalid('spec.versions', versions, 'must contain unique version names'));
    seen.add(vn);
    if (v.storage === true) storage++;
  });
  if (versions.length > 0 && storage !== 1) errs.push(fieldErrors.invalid('spec.versions', versions.map((v) => (isObj(v) ? s(v.name) : '')), 'must have exactly one version marked as storage version'));
  return errs;
}

export const crdRules: KindRules = {
  create: validateCRD,
  update(o, old) {
    const errs = validateCRD(o);
    const spec: J = isObj(o.spec) ? o.spec : {};
    const oldSpec: J = isObj(old.spec) ? old.spec : {};
    if (s(spec.group) !== s(oldSpec.group)) errs.push(fieldErrors.invalid('spec.group', s(spec.group), 'field is immutable'));
    const oldPlural = isObj(oldSpec.names) ? s(oldSpec.names.plural) : '';
    const plural = isObj(spec.names) ? s(spec.names.plural) : '';
    if (plural !== oldPlural) errs.push(fieldErrors.invalid('spec.names.plural', plural, 'field is immutable'));
    return errs;
  },
};
