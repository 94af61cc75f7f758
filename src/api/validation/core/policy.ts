// ResourceQuotas and LimitRanges (upstream's ValidateResourceQuota / ValidateLimitRange): known
// resource names and well-formed, non-negative quantities.
import { FieldError, fieldErrors } from '../../errors.js';
import { isQualifiedName } from '../names.js';
import { quantityFormatError, quantityValue } from '../quantity-lite.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, sortedKeys, type J } from '../value.js';

function validateResourceList(list: unknown, p: string): { errs: FieldError[]; values: Map<string, number> } {
  const errs: FieldError[] = [];
  const values = new Map<string, number>();
  if (list === undefined || list === null) return { errs, values };
  if (!isObj(list)) return { errs: [fieldErrors.typeInvalid(p, list, 'must be an object')], values };
  for (const name of sortedKeys(list)) {
    const kp = `${p}[${name}]`;
    errs.push(...isQualifiedName(name).map((m) => fieldErrors.invalid(kp, name, m)));
    const v = quantityValue(list[name]);
    if (v === undefined) errs.push(fieldErrors.invalid(kp, list[name], quantityFormatError));
    else if (v < 0) errs.push(fieldErrors.invalid(kp, String(list[name]), 'must be greater than or equal to 0'));
    else values.set(name, v);
  }
  return { errs, values };
}

const quotaScopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];

export const resourceQuotaRules: KindRules = {
  create(o) {
    const spec: J = isObj(o.spec) ? o.spec : {};
    const errs = validateResourceList(spec.hard, 'spec.hard').errs;
    (arr(spec.scopes) ?? []).forEach((sc, i) => {
      if (!quotaScopes.includes(s(sc))) errs.push(fieldErrors.notSupported(`spec.scopes[${i}]`, sc, quotaScopes));
    });
    return errs;
  },
  status(o) {
    const st: J = isObj(o.status) ? o.status : {};
    return [...validateResourceList(st.hard, 'status.hard').errs, ...validateResourceList(st.used, 'status.used').errs];
  },
};

const limitTypes = ['Container', 'PersistentVolumeClaim', 'Pod'];

export const limitRangeRules: KindRules = {
  create(o) {
    const spec: J = isObj(o.spec) ? o.spec : {};
    const errs: FieldError[] = [];
    (arr(spec.limits) ?? []).forEach((item, i) => {
      const p = `spec.limits[${i}]`;
      if (!isObj(item)) { errs.push(fieldErrors.typeInvalid(p, item, 'must be an object')); return; }
      if (!limitTypes.includes(s(item.type))) errs.push(fieldErrors.notSupported(`${p}.type`, item.type ?? '', limitTypes));
      const lists: Record<string, Map<string, number>> = {};
      for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
        const r = validateResourceList(item[f], `${p}.${f}`);
        errs.push(...r.errs);
        lists[f] = r.values;
      }
      const raw = (f: string, k: string) => String(isObj(item[f]) ? (item[f] as J)[k] : '');
      for (const [k, min] of lists.min!) {
        const max = lists.max!.get(k);
        if (max !== undefined && min > max) errs.push(fieldErrors.invalid(`${p}.min[${k}]`, raw('min', k), `min value ${raw('min', k)} is greater than max value ${raw('max', k)}`));
      }
      for (const f of ['default', 'defaultRequest']) {
        for (const [k, v] of lists[f]!) {
          const min = lists.min!.get(k);
          const max = lists.max!.get(k);
          if (min !== undefined && v < min) errs.push(fieldErrors.invalid(`${p}.${f}[${k}]`, raw(f, k), `min value ${raw('min', k)} is greater than ${f} value ${raw(f, k)}`));
          if (max !== undefined && v > max) errs.push(fieldErrors.invalid(`${p}.${f}[${k}]`, raw(f, k), `${f} value ${raw(f, k)} is greater than max value ${raw('max', k)}`));
        }
      }
    });
    return errs;
  },
};
