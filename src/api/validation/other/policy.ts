// PodDisruptionBudgets (upstream's pkg/apis/policy/validation).
import { FieldError, fieldErrors } from '../../errors.js';
import { isNotMoreThan100Percent, validateIntOrPercent, validateLabelSelector } from '../common.js';
import type { KindRules } from '../rules.js';
import { isObj, type J } from '../value.js';

function validatePDB(o: J): FieldError[] {
  const spec: J = isObj(o.spec) ? o.spec : {};
  const errs: FieldError[] = [];
  const has = (v: unknown) => v !== undefined && v !== null;
  if (has(spec.minAvailable) && has(spec.maxUnavailable)) {
    errs.push(fieldErrors.invalid('spec.minAvailable', spec.minAvailable, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable']) {
    errs.push(...validateIntOrPercent(spec[f], `spec.${f}`));
    errs.push(...isNotMoreThan100Percent(spec[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector', { allowInvalidLabelValue: true }));
  const pol = spec.unhealthyPodEvictionPolicy;
  if (has(pol) && pol !== 'IfHealthyBudget' && pol !== 'AlwaysAllow') {
    errs.push(fieldErrors.notSupported('spec.unhealthyPodEvictionPolicy', pol, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

export const pdbRules: KindRules = {
  create: validatePDB,
  status(o) {
    const st: J = isObj(o.status) ? o.status : {};
    const errs: FieldError[] = [];
    for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) {
      if (typeof st[f] === 'number' && (st[f] as number) < 0) errs.push(fieldErrors.invalid(`status.${f}`, st[f], 'must be greater than or equal to 0'));
    }
    return errs;
  },
};
