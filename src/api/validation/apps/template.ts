// Selector-and-template rules shared by the workload controllers.
import { FieldError, fieldErrors } from '../../errors.js';
import { selectorIsEmpty, selectorIsParsable, selectorMatches, validateAnnotations, validateLabelSelector, validateLabels } from '../common.js';
import { goLabelSelector, goStringMap, invalidGo } from '../go-render.js';
import { validatePodTemplateSpec } from '../core/pod.js';
import { isObj, type J } from '../value.js';

export const selectorMismatch = '`selector` does not match template `labels`';

export function templateLabels(tpl: unknown): J | undefined {
  return isObj(tpl) && isObj(tpl.metadata) && isObj(tpl.metadata.labels) ? tpl.metadata.labels : undefined;
}

export function mismatchError(path: string, labels: unknown): FieldError {
  return invalidGo(path, labels ?? null, goStringMap(labels), selectorMismatch);
}

/** spec.selector: required, well-formed, non-empty ("empty selector is invalid for <word>"). */
export function validateWorkloadSelector(spec: J, word: string, opts: { required: boolean }): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec.selector;
  if (sel === undefined || sel === null) {
    if (opts.required) errs.push(fieldErrors.required('spec.selector'));
    return errs;
  }
  errs.push(...validateLabelSelector(sel, 'spec.selector'));
  if (isObj(sel) && selectorIsEmpty(sel)) errs.push(invalidGo('spec.selector', sel, goLabelSelector(sel), `empty selector is invalid for ${word}`));
  return errs;
}

/**
 * The pod template of a ReplicaSet-like controller: matches the selector, passes pod template
 * validation, restarts Always, has no activeDeadlineSeconds.
 */
export function validateControllerTemplate(spec: J, owner: string, opts: { podSpec?: boolean } = {}): FieldError[] {
  const errs: FieldError[] = [];
  const tpl = spec.template;
  const sel = spec.selector;
  if (!selectorIsParsable(sel)) {
    errs.push(invalidGo('spec.selector', sel, goLabelSelector(sel), 'invalid label selector'));
    return errs;
  }
  if (tpl === undefined || tpl === null) return [fieldErrors.required('spec.template')];
  // A missing selector selects nothing, so the template cannot match it.
  if (!isObj(sel) || (!selectorIsEmpty(sel) && !selectorMatches(sel, templateLabels(tpl)))) {
    errs.push(mismatchError('spec.template.metadata.labels', templateLabels(tpl)));
  }
  if (opts.podSpec ?? true) {
    errs.push(...validatePodTemplateSpec(tpl, 'spec.template'));
  } else {
    // StatefulSet templates mount volumes that come from volumeClaimTemplates, so upstream checks
    // only the template's labels and annotations.
    const meta: J = isObj(tpl) && isObj(tpl.metadata) ? tpl.metadata : {};
    errs.push(...validateLabels(meta.labels, 'spec.template.labels'));
    errs.push(...validateAnnotations(meta.annotations, 'spec.template.annotations'));
  }
  const podSpec: J = isObj(tpl) && isObj(tpl.spec) ? tpl.spec : {};
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(fieldErrors.notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy ?? '', ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    // DaemonSets word this differently upstream.
    errs.push(owner === 'DaemonSet'
      ? fieldErrors.invalid('spec.template.spec.activeDeadlineSeconds', podSpec.activeDeadlineSeconds, 'must not be specified')
      : fieldErrors.forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${owner} is not Supported`));
  }
  return errs;
}
