// Admission webhook configurations (upstream's pkg/apis/admissionregistration/validation), the
// essentials: unique three-segment names, a client config, side effects and review versions.
import { FieldError, fieldErrors } from '../../errors.js';
import { validateLabelSelector } from '../common.js';
import { isDNS1123Subdomain } from '../names.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, type J } from '../value.js';

const sideEffectClasses = ['None', 'NoneOnDryRun'];
const reviewVersions = ['v1', 'v1beta1'];

function validateWebhook(w: unknown, p: string, names: Set<string>, mutating: boolean): FieldError[] {
  if (!isObj(w)) return [fieldErrors.typeInvalid(p, w, 'must be an object')];
  const errs: FieldError[] = [];
  const name = s(w.name);
  errs.push(...isDNS1123Subdomain(name).map((m) => fieldErrors.invalid(`${p}.name`, name, m)));
  if (name.split('.').length < 3) errs.push(fieldErrors.invalid(`${p}.name`, name, 'should be a domain with at least three segments separated by dots'));
  if (names.has(name)) errs.push(fieldErrors.duplicate(`${p}.name`, name));
  names.add(name);
  const cc: J = isObj(w.clientConfig) ? w.clientConfig : {};
  const hasUrl = s(cc.url) !== '';
  const hasSvc = isObj(cc.service);
  if (hasUrl === hasSvc) errs.push(fieldErrors.required(`${p}.clientConfig`, 'exactly one of url or service is required'));
  if (hasSvc) {
    const svc = cc.service as J;
    if (!s(svc.name)) errs.push(fieldErrors.required(`${p}.clientConfig.service.name`, 'service name is required'));
    if (!s(svc.namespace)) errs.push(fieldErrors.required(`${p}.clientConfig.service.namespace`, 'service namespace is required'));
  }
  if (!sideEffectClasses.includes(s(w.sideEffects))) {
    errs.push(w.sideEffects === undefined || w.sideEffects === null
      ? fieldErrors.required(`${p}.sideEffects`, `must specify one of ${sideEffectClasses.join(', ')}`)
      : fieldErrors.notSupported(`${p}.sideEffects`, w.sideEffects, sideEffectClasses));
  }
  const versions = (arr(w.admissionReviewVersions) ?? []).map(s);
  if (!versions.some((v) => reviewVersions.includes(v))) {
    errs.push(fieldErrors.required(`${p}.admissionReviewVersions`, `must specify one of ${reviewVersions.join(', ')}`));
  }
  if (typeof w.timeoutSeconds === 'number' && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30)) {
    errs.push(fieldErrors.invalid(`${p}.timeoutSeconds`, w.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  }
  for (const [f, ok] of [['failurePolicy', ['Fail', 'Ignore']], ['matchPolicy', ['Equivalent', 'Exact']]] as const) {
    if (w[f] !== undefined && w[f] !== null && !(ok as readonly string[]).includes(s(w[f]))) errs.push(fieldErrors.notSupported(`${p}.${f}`, w[f], [...ok]));
  }
  if (mutating && w.reinvocationPolicy !== undefined && w.reinvocationPolicy !== null && !['IfNeeded', 'Never'].includes(s(w.reinvocationPolicy))) {
    errs.push(fieldErrors.notSupported(`${p}.reinvocationPolicy`, w.reinvocationPolicy, ['IfNeeded', 'Never']));
  }
  errs.push(...validateLabelSelector(w.namespaceSelector, `${p}.namespaceSelector`));
  errs.push(...validateLabelSelector(w.objectSelector, `${p}.objectSelector`));
  return errs;
}

function rules(mutating: boolean): KindRules {
  return {
    create(o) {
      const errs: FieldError[] = [];
      const names = new Set<string>();
      (arr(o.webhooks) ?? []).forEach((w, i) => errs.push(...validateWebhook(w, `webhooks[${i}]`, names, mutating)));
      return errs;
    },
  };
}

export const validatingWebhookRules = rules(false);
export const mutatingWebhookRules = rules(true);
