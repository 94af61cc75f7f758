// batch/v1 defaults (upstream's pkg/apis/batch/v1/defaults.go).
import { defaultPodTemplateSpec } from './pod.js';
import { child, existing, isObj, items, setIfEmpty, setIfUnset, type J } from './util.js';

export function defaultJob(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  const unset = (k: string) => spec[k] === undefined || spec[k] === null;
  // A non-parallel job may leave both counts out: both become 1.
  if (unset('completions') && unset('parallelism')) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfUnset(spec, 'parallelism', 1);
  if (unset('backoffLimit')) spec.backoffLimit = unset('backoffLimitPerIndex') ? 6 : 2147483647;
  // The Job takes its pod template's labels when it has none of its own.
  const tpl = existing(spec, 'template');
  const labels = tpl && isObj(tpl.metadata) && isObj(tpl.metadata.labels) ? tpl.metadata.labels : undefined;
  const meta = child(o, 'metadata');
  if (labels && meta && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...labels };
  setIfUnset(spec, 'completionMode', 'NonIndexed');
  setIfUnset(spec, 'suspend', false);
  const pfp = existing(spec, 'podFailurePolicy');
  if (pfp) {
    for (const rule of items(pfp, 'rules')) {
      for (const pattern of items(rule, 'onPodConditions')) setIfEmpty(pattern, 'status', 'True');
    }
  }
  setIfUnset(spec, 'podReplacementPolicy', pfp ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplateSpec(spec.template);
}

export function defaultCronJob(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  setIfEmpty(spec, 'concurrencyPolicy', 'Allow');
  setIfUnset(spec, 'suspend', false);
  setIfUnset(spec, 'successfulJobsHistoryLimit', 3);
  setIfUnset(spec, 'failedJobsHistoryLimit', 1);
  // The job template's JobSpec gets no Job defaults upstream (they apply to Jobs), only pod ones.
  const jt = existing(spec, 'jobTemplate');
  const jspec = jt ? existing(jt, 'spec') : undefined;
  if (jspec) defaultPodTemplateSpec(jspec.template);
}
