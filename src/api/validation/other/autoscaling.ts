// HorizontalPodAutoscalers, autoscaling/v1 and v2 (upstream's pkg/apis/autoscaling/validation).
import { FieldError, fieldErrors } from '../../errors.js';
import { nameIsPathSegment } from '../names.js';
import type { KindContext, KindRules } from '../rules.js';
import { arr, isObj, s, type J } from '../value.js';

function validateScaleTargetRef(ref: unknown, p: string): FieldError[] {
  const r: J = isObj(ref) ? ref : {};
  const errs: FieldError[] = [];
  if (!s(r.kind)) errs.push(fieldErrors.required(`${p}.kind`));
  else errs.push(...nameIsPathSegment(s(r.kind), false).map((m) => fieldErrors.invalid(`${p}.kind`, s(r.kind), m)));
  if (!s(r.name)) errs.push(fieldErrors.required(`${p}.name`));
  else errs.push(...nameIsPathSegment(s(r.name), false).map((m) => fieldErrors.invalid(`${p}.name`, s(r.name), m)));
  return errs;
}

const metricTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const sourceField: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };
const targetTypes = ['AverageValue', 'Utilization', 'Value'];

function validateMetric(m: unknown, p: string): FieldError[] {
  if (!isObj(m)) return [fieldErrors.typeInvalid(p, m, 'must be an object')];
  const errs: FieldError[] = [];
  const type = s(m.type);
  if (!type) return [fieldErrors.required(`${p}.type`, 'must specify a metric source type')];
  if (!metricTypes.includes(type)) return [fieldErrors.notSupported(`${p}.type`, type, metricTypes)];
  const field = sourceField[type]!;
  const src = m[field];
  if (!isObj(src)) return [fieldErrors.required(`${p}.${field}`, 'must populate information for the given metric source')];
  for (const [k, f] of Object.entries(sourceField)) {
    if (f !== field && m[f] !== undefined && m[f] !== null) errs.push(fieldErrors.forbidden(`${p}.${f}`, `must populate the given metric source only (${k} is set)`));
  }
  if ((type === 'Resource' || type === 'ContainerResource') && !s(src.name)) errs.push(fieldErrors.required(`${p}.${field}.name`, 'must specify a resource name'));
  if (type === 'ContainerResource' && !s(src.container)) errs.push(fieldErrors.required(`${p}.${field}.container`, 'must specify a container'));
  const target = src.target;
  if (isObj(target)) {
    const tt = s(target.type);
    if (!tt) errs.push(fieldErrors.required(`${p}.${field}.target.type`, 'must specify a metric target type'));
    else if (!targetTypes.includes(tt)) errs.push(fieldErrors.notSupported(`${p}.${field}.target.type`, tt, targetTypes));
    if (typeof target.averageUtilization === 'number' && target.averageUtilization < 1) {
      errs.push(fieldErrors.invalid(`${p}.${field}.target.averageUtilization`, target.averageUtilization, 'must be greater than 0'));
    }
  } else {
    errs.push(fieldErrors.required(`${p}.${field}.target`, 'must specify a metric target'));
  }
  return errs;
}

function validateHPA(o: J, ctx: KindContext): FieldError[] {
  const spec: J = isObj(o.spec) ? o.spec : {};
  const errs = validateScaleTargetRef(spec.scaleTargetRef, 'spec.scaleTargetRef');
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) errs.push(fieldErrors.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof max !== 'number' || max < 1) errs.push(fieldErrors.invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (typeof min === 'number' && max < min) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  if (ctx.version === 'v1') {
    const t = spec.targetCPUUtilizationPercentage;
    if (typeof t === 'number' && t < 1) errs.push(fieldErrors.invalid('spec.targetCPUUtilizationPercentage', t, 'must be greater than 0'));
  } else {
    (arr(spec.metrics) ?? []).forEach((m, i) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
    const b = spec.behavior;
    if (isObj(b)) {
      for (const dir of ['scaleUp', 'scaleDown']) {
        const rules = b[dir];
        if (!isObj(rules)) continue;
        const sw = rules.stabilizationWindowSeconds;
        if (typeof sw === 'number' && (sw < 0 || sw > 3600)) errs.push(fieldErrors.invalid(`spec.behavior.${dir}.stabilizationWindowSeconds`, sw, 'must be less than or equal to 3600'));
        const sp = rules.selectPolicy;
        if (sp !== undefined && sp !== null && !['Disabled', 'Max', 'Min'].includes(s(sp))) errs.push(fieldErrors.notSupported(`spec.behavior.${dir}.selectPolicy`, sp, ['Disabled', 'Max', 'Min']));
        (arr(rules.policies) ?? []).forEach((pol, i) => {
          const pp = `spec.behavior.${dir}.policies[${i}]`;
          if (!isObj(pol)) return;
          if (pol.type !== 'Pods' && pol.type !== 'Percent') errs.push(fieldErrors.notSupported(`${pp}.type`, pol.type, ['Percent', 'Pods']));
          if (typeof pol.value !== 'number' || pol.value <= 0) errs.push(fieldErrors.invalid(`${pp}.value`, pol.value ?? 0, 'must be greater than zero'));
          if (typeof pol.periodSeconds !== 'number' || pol.periodSeconds <= 0) errs.push(fieldErrors.invalid(`${pp}.periodSeconds`, pol.periodSeconds ?? 0, 'must be greater than zero'));
          else if (pol.periodSeconds > 1800) errs.push(fieldErrors.invalid(`${pp}.periodSeconds`, pol.periodSeconds, 'must be less than or equal to 1800'));
        });
      }
    }
  }
  return errs;
}

// HPA names follow the DNS-subdomain rule (ValidateHorizontalPodAutoscalerName).
export const hpaRules: KindRules = { create: validateHPA };
