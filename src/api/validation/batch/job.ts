// Jobs (upstream's pkg/apis/batch/validation: ValidateJob, ValidateJobSpec, updates) and the
// selector the server generates for them.
import { FieldError, fieldErrors } from '../../errors.js';
import { selectorIsParsable, selectorMatches, validateImmutable, validateImmutableSelector, validateLabelSelector, validateNonnegative } from '../common.js';
import { validatePodTemplateSpec } from '../core/pod.js';
import { mismatchError, templateLabels } from '../apps/template.js';
import { isDNS1123Label } from '../names.js';
import type { KindRules } from '../rules.js';
import { isObj, s, specEqual, type J } from '../value.js';

/** The rules common to a Job's spec and a CronJob's job template; `p` is the spec's path. */
export function validateJobSpecCommon(spec: J, p: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    errs.push(...validateNonnegative(spec[f], `${p}.${f}`));
  }
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(fieldErrors.notSupported(`${p}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) {
      errs.push(fieldErrors.required(`${p}.completions`, 'when completion mode is Indexed'));
    }
  }
  if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null && mode !== 'Indexed') {
    errs.push(fieldErrors.forbidden(`${p}.backoffLimitPerIndex`, 'requires indexed completion mode'));
  }
  if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null && (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null)) {
    errs.push(fieldErrors.required(`${p}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  const prp = spec.podReplacementPolicy;
  if (prp !== undefined && prp !== null) {
    if (prp !== 'TerminatingOrFailed' && prp !== 'Failed') errs.push(fieldErrors.notSupported(`${p}.podReplacementPolicy`, prp, ['Failed', 'TerminatingOrFailed']));
    else if (prp === 'TerminatingOrFailed' && isObj(spec.podFailurePolicy)) {
      errs.push(fieldErrors.notSupported(`${p}.podReplacementPolicy`, prp, ['Failed']));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${p}.template`));
  const podSpec: J = isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : {};
  const rp = s(podSpec.restartPolicy);
  // Pod defaulting turns an unset restartPolicy into Always, so both mean "not chosen" here.
  if (rp === 'Always' || rp === '') {
    errs.push(fieldErrors.required(`${p}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  } else if (rp !== 'OnFailure' && rp !== 'Never') {
    errs.push(fieldErrors.notSupported(`${p}.template.spec.restartPolicy`, rp, ['OnFailure', 'Never']));
  } else if (isObj(spec.podFailurePolicy) && rp !== 'Never') {
    errs.push(fieldErrors.invalid(`${p}.template.spec.restartPolicy`, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

function validateJobSpec(spec: J): FieldError[] {
  const errs = validateJobSpecCommon(spec, 'spec');
  if (spec.selector === undefined || spec.selector === null) errs.push(fieldErrors.required('spec.selector'));
  else errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  // Manual or generated, the selector must match the pods the job makes.
  if (isObj(spec.selector) && selectorIsParsable(spec.selector) && !selectorMatches(spec.selector, templateLabels(spec.template))) {
    errs.push(mismatchError('spec.template.metadata.labels', templateLabels(spec.template)));
  }
  return errs;
}

const specOf = (o: J): J => (isObj(o.spec) ? o.spec : {});

/**
 * Upstream's generateSelector, run at create validation time (when the uid is known) unless the
 * user chose `manualSelector: true`: pods get job-name and controller-uid labels (legacy and
 * prefixed) and the selector picks the controller uid. Also copies the template labels to the
 * Job when it has none, as upstream's defaulting does when it reads the Job back.
 */
export function generateJobSelector(job: J): void {
  const meta: J = isObj(job.metadata) ? job.metadata : {};
  const uid = s(meta.uid);
  const spec = isObj(job.spec) ? job.spec : undefined;
  if (!spec || spec.manualSelector === true || !uid) return;
  if (!isObj(spec.template)) spec.template = {};
  const tpl = spec.template as J;
  if (!isObj(tpl.metadata)) tpl.metadata = {};
  const tmeta = tpl.metadata as J;
  if (!isObj(tmeta.labels)) tmeta.labels = {};
  const labels = tmeta.labels as J;
  const name = s(meta.name);
  for (const k of ['batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name', 'controller-uid', 'job-name']) {
    if (k in labels) continue;
    labels[k] = k.endsWith('controller-uid') ? uid : name;
  }
  if (!isObj(spec.selector)) spec.selector = {};
  const sel = spec.selector as J;
  if (!isObj(sel.matchLabels)) sel.matchLabels = {};
  const ml = sel.matchLabels as J;
  if (!('batch.kubernetes.io/controller-uid' in ml)) ml['batch.kubernetes.io/controller-uid'] = uid;
  if (!isObj(meta.labels) || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
}

function validateJob(o: J): FieldError[] {
  const spec = specOf(o);
  const errs = validateJobSpec(spec);
  const meta: J = isObj(o.metadata) ? o.metadata : {};
  if (spec.manualSelector !== true && isObj(spec.selector) && s(meta.uid)) {
    const ml: J = isObj(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
    if (ml['batch.kubernetes.io/controller-uid'] !== meta.uid) {
      errs.push(fieldErrors.invalid('spec.selector.matchLabels', ml, '`selector` not auto-generated'));
    }
  }
  // Indexed pods get "-<index>" hostnames, which must stay DNS labels.
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    const host = `${s(meta.name)}-${spec.completions - 1}`;
    if (isDNS1123Label(host).length) errs.push(fieldErrors.invalid('metadata.name', s(meta.name), `will not able to create pod with invalid DNS label: ${host}`));
  }
  return errs;
}

export const jobRules: KindRules = {
  create: validateJob,
  update(o, old) {
    const spec = specOf(o);
    const oldSpec = specOf(old);
    const errs = validateJobSpec(spec);
    const elastic = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism && oldSpec.completions === oldSpec.parallelism;
    if (!elastic) errs.push(...validateImmutable(spec.completions, oldSpec.completions, 'spec.completions'));
    errs.push(...validateImmutableSelector(spec.selector, oldSpec.selector, 'spec.selector'));
    errs.push(...validateTemplateUpdate(spec, oldSpec, old));
    for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy']) {
      errs.push(...validateImmutable(spec[f], oldSpec[f], `spec.${f}`));
    }
    return errs;
  },
  status(o) {
    const st: J = isObj(o.status) ? o.status : {};
    const errs: FieldError[] = [];
    for (const f of ['active', 'succeeded', 'failed', 'terminating', 'ready']) errs.push(...validateNonnegative(st[f], `status.${f}`));
    return errs;
  },
};

/** The pod template is fixed, except scheduling directives of a suspended Job that never started. */
function validateTemplateUpdate(spec: J, oldSpec: J, old: J): FieldError[] {
  const st: J = isObj(old.status) ? old.status : {};
  const neverStarted = spec.suspend === true && (st.startTime === undefined || st.startTime === null);
  const strip = (t: unknown): unknown => {
    if (!neverStarted || !isObj(t)) return t;
    const meta: J = isObj(t.metadata) ? { ...t.metadata, labels: undefined, annotations: undefined } : {};
    const ps: J = isObj(t.spec) ? { ...t.spec, nodeSelector: undefined, tolerations: undefined, affinity: undefined, schedulingGates: undefined } : {};
    return { ...t, metadata: meta, spec: ps };
  };
  if (specEqual(strip(spec.template), strip(oldSpec.template))) return [];
  return [fieldErrors.invalid('spec.template', spec.template ?? null, 'field is immutable')];
}
