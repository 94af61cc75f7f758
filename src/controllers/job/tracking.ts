// Counting finished pods exactly once (upstream trackJobStatusAndRemoveFinalizers). A finished pod
// keeps the batch.kubernetes.io/job-tracking finalizer until counted: its UID is first recorded
// in status.uncountedTerminatedPods, then the finalizer is removed, and only then does it move
// into succeeded / failed / completedIndexes. A crash at any step repeats the step, never the count.
import type { JobStatus } from 'kubernetes-types/batch/v1.js';
import type { PodObject } from '../common/types.js';
import { formatIndexes, parseIndexes, podCompletionIndex } from './indexes.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { jobTrackingFinalizer, type JobObject } from './types.js';

export const indexFailureCountAnnotation = 'batch.kubernetes.io/job-index-failure-count';

/** Failures of the pod's index before this pod (upstream keeps the count on each replacement pod). */
export function indexFailureCount(pod: PodObject): number {
  const v = Number(pod.metadata.annotations?.[indexFailureCountAnnotation] ?? 0);
  return Number.isInteger(v) && v >= 0 ? v : 0;
}

export function hasTrackingFinalizer(pod: PodObject): boolean {
  return !!pod.metadata.finalizers?.includes(jobTrackingFinalizer);
}

export interface TrackingPlan {
  /** UIDs recorded as finished but not yet counted (the new uncountedTerminatedPods). */
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  /** Pods whose finalizer is removed without counting them (Ignore rule, pods the controller removed). */
  stripOnly: PodObject[];
  /** Failures seen for the first time in this sync (for the re-creation backoff). */
  newFailures: number;
  newSuccesses: number;
  /** Set when a FailJob rule of the pod failure policy matched. */
  failJob?: string;
}

/** Sorts the job's pods into the tracking plan; `skip` holds UIDs whose finalizer is already gone. */
export function planTracking(job: JobObject, pods: readonly PodObject[], skip: ReadonlySet<string>, quietDeletions: ReadonlySet<string>): TrackingPlan {
  const u = job.status?.uncountedTerminatedPods;
  const plan: TrackingPlan = {
    uncountedSucceeded: new Set(u?.succeeded ?? []), uncountedFailed: new Set(u?.failed ?? []),
    stripOnly: [], newFailures: 0, newSuccesses: 0,
  };
  for (const pod of pods) {
    const uid = pod.metadata.uid;
    // Any failed pod matching a FailJob rule fails the Job, counted or not (a retried sync must
    // reach the same verdict).
    if (pod.status?.phase === 'Failed' && !plan.failJob) {
      const m = matchPodFailurePolicy(job.spec.podFailurePolicy, pod);
      if (m?.action === 'FailJob') plan.failJob = m.message;
    }
    if (!hasTrackingFinalizer(pod) || skip.has(uid)) continue;
    if (plan.uncountedSucceeded.has(uid) || plan.uncountedFailed.has(uid)) continue;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded') {
      plan.uncountedSucceeded.add(uid);
      plan.newSuccesses++;
      continue;
    }
    const deleting = !!pod.metadata.deletionTimestamp;
    if (phase !== 'Failed' && !deleting) continue;
    if (phase !== 'Failed' && quietDeletions.has(uid)) {
      plan.stripOnly.push(pod);
      continue;
    }
    // A deleted pod that never reached a phase counts as failed, as upstream (it may be an orphan
    // whose node is gone) - unless podReplacementPolicy says to wait for Failed.
    // Once the Job is failing, pods it removed count as failed without waiting for the phase.
    const failing = !!job.status?.conditions?.some((c) => c.type === 'FailureTarget' && c.status === 'True');
    if (phase !== 'Failed' && job.spec.podReplacementPolicy === 'Failed' && !failing) continue;
    const match = phase === 'Failed' ? matchPodFailurePolicy(job.spec.podFailurePolicy, pod) : undefined;
    if (match?.action === 'Ignore') {
      plan.stripOnly.push(pod);
      continue;
    }
    plan.uncountedFailed.add(uid);
    plan.newFailures++;
  }
  return plan;
}

/**
 * Moves the UIDs in `counted` (their finalizers are gone) from uncountedTerminatedPods into the
 * counters. Returns the new status (the input is not modified).
 */
export function moveCounted(job: JobObject, status: JobStatus, plan: TrackingPlan, counted: ReadonlySet<string>, podsByUid: ReadonlyMap<string, PodObject>): JobStatus {
  const completions = job.spec.completions ?? 0;
  const indexed = job.spec.completionMode === 'Indexed';
  const done = indexed ? parseIndexes(status.completedIndexes, completions) : undefined;
  let succeeded = status.succeeded ?? 0, failed = status.failed ?? 0;
  for (const uid of [...plan.uncountedSucceeded]) {
    if (!counted.has(uid)) continue;
    plan.uncountedSucceeded.delete(uid);
    if (done) {
      const pod = podsByUid.get(uid);
      const idx = pod ? podCompletionIndex(pod, completions) : undefined;
      if (idx !== undefined) done.add(idx);
    } else {
      succeeded++;
    }
  }
  const perIndex = indexed && job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null;
  const failedIdx = perIndex ? parseIndexes(status.failedIndexes, completions) : undefined;
  for (const uid of [...plan.uncountedFailed]) {
    if (!counted.has(uid)) continue;
    plan.uncountedFailed.delete(uid);
    failed++;
    const pod = podsByUid.get(uid);
    if (!failedIdx || !pod) continue;
    const idx = podCompletionIndex(pod, completions);
    if (idx === undefined || done?.has(idx)) continue;
    // An index fails for good past its own backoff limit, or at once on a FailIndex rule.
    const failures = indexFailureCount(pod) + 1;
    if (failures > job.spec.backoffLimitPerIndex! || matchPodFailurePolicy(job.spec.podFailurePolicy, pod)?.action === 'FailIndex') failedIdx.add(idx);
  }
  const next: JobStatus = { ...status, failed, succeeded: done ? done.size : succeeded };
  if (done) next.completedIndexes = formatIndexes(done);
  if (failedIdx) next.failedIndexes = formatIndexes(failedIdx);
  next.uncountedTerminatedPods = uncountedOf(plan);
  return next;
}

export function uncountedOf(plan: TrackingPlan): JobStatus['uncountedTerminatedPods'] {
  const out: NonNullable<JobStatus['uncountedTerminatedPods']> = {};
  if (plan.uncountedSucceeded.size) out.succeeded = [...plan.uncountedSucceeded].sort();
  if (plan.uncountedFailed.size) out.failed = [...plan.uncountedFailed].sort();
  return out;
}
