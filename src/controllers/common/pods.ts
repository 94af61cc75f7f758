// Pod state as controllers judge it (upstream podutil and controller_utils): active, ready,
// available after minReadySeconds, and the order in which surplus pods are deleted.
import type { PodObject } from './types.js';

export function isPodActive(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodTerminating(pod: PodObject): boolean {
  return !!pod.metadata.deletionTimestamp;
}

export function podReadyCondition(pod: PodObject): { status: string; lastTransitionTime?: string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: PodObject): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** When the pod last became ready (ms), or undefined. */
export function podReadyTime(pod: PodObject): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/** Ready for at least minReadySeconds (upstream IsPodAvailable). */
export function isPodAvailable(pod: PodObject, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const t = podReadyTime(pod);
  return t !== undefined && t + minReadySeconds * 1000 <= nowMs;
}

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function maxRestarts(pod: PodObject): number {
  let max = 0;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

function deletionCost(pod: PodObject): number {
  const v = Number(pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0);
  return Number.isInteger(v) ? v : 0;
}

/** upstream logarithmicRankDiff: compares how long ago two times were on a log2 (nanosecond) scale. */
function logRankDiff(t1: number, t2: number, now: number): number {
  const d1 = (now - t1) * 1e6, d2 = (now - t2) * 1e6;
  const r1 = d1 > 0 ? Math.floor(Math.log2(d1)) : -1;
  const r2 = d2 > 0 ? Math.floor(Math.log2(d2)) : -1;
  return r1 - r2;
}

export interface RankedPod {
  pod: PodObject;
  /** Pods of the same owner family on the same node ("doubled up" pods go first). */
  rank: number;
}

/**
 * upstream ActivePodsWithRanks.Less with LogarithmicScaleDown: negative when `a` should be deleted
 * before `b`. Unscheduled < scheduled; Pending < Unknown < Running; not ready < ready; lower
 * deletion cost; more pods on the node; more recently ready; more restarts; newer.
 */
export function compareForDeletion(a: RankedPod, b: RankedPod, nowMs: number): number {
  const pa = a.pod, pb = b.pod;
  const na = pa.spec?.nodeName ?? '', nb = pb.spec?.nodeName ?? '';
  if ((na === '') !== (nb === '')) return na === '' ? -1 : 1;
  const oa = phaseOrdinal[pa.status?.phase ?? ''] ?? 0, ob = phaseOrdinal[pb.status?.phase ?? ''] ?? 0;
  if (oa !== ob) return oa - ob;
  const ra = isPodReady(pa), rb = isPodReady(pb);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(pa), cb = deletionCost(pb);
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (ra && rb) {
    const ta = podReadyTime(pa), tb = podReadyTime(pb);
    if (ta !== tb) {
      if (ta === undefined) return -1;
      if (tb === undefined) return 1;
      const d = logRankDiff(ta, tb, nowMs);
      if (d !== 0) return d;
      return pa.metadata.uid < pb.metadata.uid ? -1 : pa.metadata.uid > pb.metadata.uid ? 1 : 0;
    }
  }
  const xa = maxRestarts(pa), xb = maxRestarts(pb);
  if (xa !== xb) return xb - xa;
  const ka = Date.parse(pa.metadata.creationTimestamp), kb = Date.parse(pb.metadata.creationTimestamp);
  if (ka !== kb) {
    const d = logRankDiff(ka, kb, nowMs);
    if (d !== 0) return d;
    return pa.metadata.uid < pb.metadata.uid ? -1 : pa.metadata.uid > pb.metadata.uid ? 1 : 0;
  }
  return 0;
}

/** The `count` pods to delete first, ranking by co-located related pods as upstream getPodsToDelete. */
export function podsToDelete(pods: readonly PodObject[], related: readonly PodObject[], count: number, nowMs: number): PodObject[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName;
    if (n) onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: pod.spec?.nodeName ? onNode.get(pod.spec.nodeName) ?? 0 : 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, nowMs));
  return ranked.slice(0, count).map((r) => r.pod);
}
