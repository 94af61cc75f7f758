// Which pods a running Job should create or remove now (upstream manageJob's arithmetic):
// NonIndexed jobs keep min(parallelism, remaining completions) pods; Indexed jobs keep one pod per
// pending index up to parallelism, removing duplicates and pods of finished or failed indexes.
import type { JobStatus } from 'kubernetes-types/batch/v1.js';
import { isPodReady } from '../common/pods.js';
import type { PodObject } from '../common/types.js';
import { parseIndexes, podCompletionIndex } from './indexes.js';
import { indexFailureCount } from './tracking.js';
import type { JobObject } from './types.js';

export interface PodPlan {
  toDelete: PodObject[];
  /** One entry per pod to create: its completion index, or undefined for NonIndexed jobs. */
  toCreate: Array<number | undefined>;
  /** Failures so far per index, carried on replacement pods for backoffLimitPerIndex. */
  failures: Map<number, number>;
}

/** `running`: active pods not being deleted; `pods`: every pod of the Job. */
export function planPods(job: JobObject, st: JobStatus, running: readonly PodObject[], pods: readonly PodObject[]): PodPlan {
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  let toDelete: PodObject[] = [];
  let toCreate: Array<number | undefined> = [];
  if (job.spec.completionMode === 'Indexed') {
    const total = completions ?? 0;
    const done = parseIndexes(st.completedIndexes, total);
    for (const i of parseIndexes(st.failedIndexes, total)) done.add(i);
    // Succeeded pods not counted yet still hold their index.
    for (const p of pods) {
      const idx = p.status?.phase === 'Succeeded' ? podCompletionIndex(p, total) : undefined;
      if (idx !== undefined) done.add(idx);
    }
    const seen = new Set<number>();
    const kept: PodObject[] = [];
    for (const p of [...running].sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp))) {
      const idx = podCompletionIndex(p, total);
      if (idx === undefined || done.has(idx) || seen.has(idx)) toDelete.push(p);
      else { seen.add(idx); kept.push(p); }
    }
    if (kept.length > parallelism) {
      kept.sort((a, b) => podCompletionIndex(b, total)! - podCompletionIndex(a, total)!);
      toDelete.push(...kept.slice(0, kept.length - parallelism));
    }
    const room = parallelism - Math.min(kept.length, parallelism);
    for (let i = 0; i < total && toCreate.length < room; i++) if (!done.has(i) && !seen.has(i)) toCreate.push(i);
  } else {
    const succeeded = st.succeeded ?? 0;
    const want = completions === undefined || completions === null
      ? (succeeded > 0 ? 0 : parallelism)
      : Math.max(0, Math.min(parallelism, completions - succeeded));
    if (running.length > want) {
      toDelete = [...running].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b))).slice(0, running.length - want);
    } else {
      toCreate = Array.from({ length: want - running.length }, () => undefined);
    }
  }
  const failures = new Map<number, number>();
  if (job.spec.completionMode === 'Indexed') {
    for (const p of pods) {
      const idx = p.status?.phase === 'Failed' ? podCompletionIndex(p, completions ?? 0) : undefined;
      if (idx !== undefined) failures.set(idx, Math.max(failures.get(idx) ?? 0, indexFailureCount(p) + 1));
    }
  }
  return { toDelete, toCreate, failures };
}
