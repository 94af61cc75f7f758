// RBAC roles and bindings (upstream's pkg/apis/rbac/validation). Role names are path segments.
import { FieldError, fieldErrors } from '../../errors.js';
import { invalidGo } from '../go-render.js';
import { validateLabelSelector } from '../common.js';
import { nameIsDNSSubdomain, nameIsPathSegment } from '../names.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, type J } from '../value.js';

const rbacGroup = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: unknown, p: string, namespaced: boolean): FieldError[] {
  if (!isObj(rule)) return [fieldErrors.typeInvalid(p, rule, 'must be an object')];
  const errs: FieldError[] = [];
  if ((arr(rule.verbs) ?? []).length === 0) errs.push(fieldErrors.required(`${p}.verbs`, 'verbs must contain at least one value'));
  const urls = arr(rule.nonResourceURLs) ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldErrors.invalid(`${p}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if ((arr(rule.apiGroups) ?? []).length > 0 || (arr(rule.resources) ?? []).length > 0 || (arr(rule.resourceNames) ?? []).length > 0) {
      errs.push(fieldErrors.invalid(`${p}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if ((arr(rule.apiGroups) ?? []).length === 0) errs.push(fieldErrors.required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
  if ((arr(rule.resources) ?? []).length === 0) errs.push(fieldErrors.required(`${p}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(o: J, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (arr(o.rules) ?? []).forEach((r, i) => errs.push(...validatePolicyRule(r, `rules[${i}]`, namespaced)));
  return errs;
}

export const roleRules: KindRules = { name: nameIsPathSegment, create: (o) => validateRules(o, true) };

export const clusterRoleRules: KindRules = {
  name: nameIsPathSegment,
  create(o) {
    const errs = validateRules(o, false);
    const agg = o.aggregationRule;
    if (isObj(agg)) {
      const sels = arr(agg.clusterRoleSelectors) ?? [];
      if (sels.length === 0) errs.push(fieldErrors.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
      sels.forEach((sel, i) => errs.push(...validateLabelSelector(sel, `aggregationRule.clusterRoleSelectors[${i}]`)));
    }
    return errs;
  },
};

function validateSubject(sub: unknown, p: string, namespaced: boolean): FieldError[] {
  if (!isObj(sub)) return [fieldErrors.typeInvalid(p, sub, 'must be an object')];
  const errs: FieldError[] = [];
  const name = s(sub.name);
  if (!name) errs.push(fieldErrors.required(`${p}.name`));
  switch (sub.kind) {
    case 'ServiceAccount':
      if (name) errs.push(...nameIsDNSSubdomain(name, false).map((m) => fieldErrors.invalid(`${p}.name`, name, m)));
      if (s(sub.apiGroup)) errs.push(fieldErrors.notSupported(`${p}.apiGroup`, sub.apiGroup, ['']));
      if (!namespaced && !s(sub.namespace)) errs.push(fieldErrors.required(`${p}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (sub.apiGroup !== rbacGroup) errs.push(fieldErrors.notSupported(`${p}.apiGroup`, s(sub.apiGroup), [rbacGroup]));
      break;
    default:
      errs.push(fieldErrors.notSupported(`${p}.kind`, s(sub.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(o: J, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref: J = isObj(o.roleRef) ? o.roleRef : {};
  if (ref.apiGroup !== rbacGroup) errs.push(fieldErrors.notSupported('roleRef.apiGroup', s(ref.apiGroup), [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(s(ref.kind))) errs.push(fieldErrors.notSupported('roleRef.kind', s(ref.kind), kinds));
  const name = s(ref.name);
  if (!name) errs.push(fieldErrors.required('roleRef.name'));
  else errs.push(...nameIsPathSegment(name, false).map((m) => fieldErrors.invalid('roleRef.name', name, m)));
  (arr(o.subjects) ?? []).forEach((sub, i) => errs.push(...validateSubject(sub, `subjects[${i}]`, namespaced)));
  return errs;
}

const goRoleRef = (r: unknown): string => {
  const x: J = isObj(r) ? r : {};
  return `rbac.RoleRef{APIGroup:${JSON.stringify(s(x.apiGroup))}, Kind:${JSON.stringify(s(x.kind))}, Name:${JSON.stringify(s(x.name))}}`;
};

function roleRefUnchanged(o: J, old: J): FieldError[] {
  const a: J = isObj(o.roleRef) ? o.roleRef : {};
  const b: J = isObj(old.roleRef) ? old.roleRef : {};
  if (s(a.apiGroup) === s(b.apiGroup) && s(a.kind) === s(b.kind) && s(a.name) === s(b.name)) return [];
  return [invalidGo('roleRef', o.roleRef, goRoleRef(o.roleRef), 'cannot change roleRef')];
}

export const roleBindingRules: KindRules = {
  name: nameIsPathSegment,
  create: (o) => validateBinding(o, true),
  update: (o, old) => [...validateBinding(o, true), ...roleRefUnchanged(o, old)],
};

export const clusterRoleBindingRules: KindRules = {
  name: nameIsPathSegment,
  create: (o) => validateBinding(o, false),
  update: (o, old) => [...validateBinding(o, false), ...roleRefUnchanged(o, old)],
};
