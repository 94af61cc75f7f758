// When a Job is done (upstream syncJob's finish checks): podFailurePolicy FailJob, backoffLimit
// (with container restarts under restartPolicy OnFailure), per-index limits, activeDeadlineSeconds,
// completions or successPolicy; and its conditions as 1.31+ writes them.
import type { JobCondition, JobStatus } from 'kubernetes-types/batch/v1.js';
import { rfc3339 } from '../../client/events/recorder.js';
import type { PodObject } from '../common/types.js';
import { parseIndexes } from './indexes.js';
import type { TrackingPlan } from './tracking.js';
import { trueCondition, type JobObject } from './types.js';

export interface Finish { type: 'Complete' | 'Failed'; reason: string; message: string }

/** Whether the Job has met its success criteria or must fail, and why. */
export function finishing(job: JobObject, st: JobStatus, plan: TrackingPlan, active: PodObject[], now: number): Finish | undefined {
  const prior = trueCondition(job, 'FailureTarget');
  if (prior) return { type: 'Failed', reason: prior.reason ?? '', message: prior.message ?? '' };
  const met = trueCondition(job, 'SuccessCriteriaMet');
  if (met) return { type: 'Complete', reason: met.reason ?? 'CompletionsReached', message: met.message ?? 'Reached expected number of succeeded pods' };
  if (plan.failJob) return { type: 'Failed', reason: 'PodFailurePolicy', message: plan.failJob };
  const completions = job.spec.completions;
  if (job.spec.completionMode === 'Indexed' && job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null) {
    const failedIdx = parseIndexes(st.failedIndexes, completions ?? 0);
    const max = job.spec.maxFailedIndexes;
    if (max !== undefined && max !== null && failedIdx.size > max) {
      return { type: 'Failed', reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
    }
    const doneIdx = parseIndexes(st.completedIndexes, completions ?? 0);
    if (failedIdx.size > 0 && failedIdx.size + doneIdx.size >= (completions ?? 0) && plan.uncountedSucceeded.size === 0 && plan.uncountedFailed.size === 0) {
      return { type: 'Failed', reason: 'FailedIndexes', message: 'Job has failed indexes' };
    }
  }
  const failed = (st.failed ?? 0) + plan.uncountedFailed.size;
  // With a per-index limit the Job-wide one applies only when set explicitly.
  const limit = job.spec.backoffLimit ?? (job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null ? 2147483647 : 6);
  let restarts = 0;
  if (job.spec.template.spec?.restartPolicy === 'OnFailure') {
    for (const p of active) for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  }
  if (failed + restarts > limit) return { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  const ads = job.spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && st.startTime && !job.spec.suspend && Date.parse(st.startTime) + ads * 1000 <= now) {
    return { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  }
  const succeeded = (st.succeeded ?? 0) + (job.spec.completionMode === 'Indexed' ? 0 : plan.uncountedSucceeded.size);
  const done = completions === undefined || completions === null
    ? succeeded > 0 && active.length === 0
    : succeeded >= completions && plan.uncountedSucceeded.size === 0;
  if (done) return { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
  const rule = matchSuccessPolicy(job, st);
  if (rule !== undefined) return { type: 'Complete', reason: 'SuccessPolicy', message: `Matched rules at index ${rule}` };
  return undefined;
}


/**
 * spec.successPolicy of Indexed Jobs (upstream matchSuccessPolicy): the first rule whose
 * succeededIndexes (all of them, or succeededCount of them) or plain succeededCount is reached.
 */
export function matchSuccessPolicy(job: JobObject, st: JobStatus): number | undefined {
  const rules = job.spec.successPolicy?.rules;
  if (!rules?.length || job.spec.completionMode !== 'Indexed') return undefined;
  const total = job.spec.completions ?? 0;
  const done = parseIndexes(st.completedIndexes, total);
  for (const [i, r] of rules.entries()) {
    if (r.succeededIndexes) {
      const wanted = parseIndexes(r.succeededIndexes, total);
      const have = [...wanted].filter((x) => done.has(x)).length;
      if (have >= (r.succeededCount ?? wanted.size) && wanted.size > 0) return i;
    } else if (r.succeededCount !== undefined && done.size >= r.succeededCount) {
      return i;
    }
  }
  return undefined;
}

/** Sets a Job condition (upstream: lastProbeTime and lastTransitionTime move only when the status changes). */
export function setJobCondition(conds: JobCondition[] | undefined, type: string, status: string, reason: string, message: string, now: number): JobCondition[] {
  const list = conds ?? [];
  const cur = list.find((c) => c.type === type);
  if (cur && cur.status === status && cur.reason === reason && cur.message === message) return list;
  const t = rfc3339(now);
  const next: JobCondition = { type, status, reason, message, lastProbeTime: t, lastTransitionTime: cur && cur.status === status ? cur.lastTransitionTime : t };
  return cur ? list.map((c) => (c.type === type ? next : c)) : [...list, next];
}
