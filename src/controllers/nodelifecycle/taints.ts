// Taints and tolerations as the node lifecycle controller uses them (upstream
// k8s.io/api/core/v1 taint helpers and the NoExecute taint manager's arithmetic).
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

export type { Taint, Toleration };

export const taintNodeNotReady = 'node.kubernetes.io/not-ready';
export const taintNodeUnreachable = 'node.kubernetes.io/unreachable';

/** Upstream Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/**
 * For a pod on a node with these NoExecute taints: the tolerations it uses, or undefined when
 * some taint is not tolerated at all (the pod must go at once).
 */
export function usedTolerations(tolerations: readonly Toleration[], taints: readonly Taint[]): Toleration[] | undefined {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.filter((t) => toleratesTaint(t, taint));
    if (match.length === 0) return undefined;
    used.push(...match);
  }
  return used;
}

/**
 * How long a pod may stay, in ms: the least tolerationSeconds among the tolerations it uses
 * (negative counts as zero); Infinity when none of them limits it (upstream getMinTolerationTime).
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    min = Math.min(min, Math.max(0, t.tolerationSeconds) * 1000);
  }
  return min;
}

/** Node conditions that map to NoSchedule taints (upstream nodeConditionToTaintKeyStatusMap). */
export const conditionTaints: Array<{ type: string; status: string; key: string }> = [
  { type: 'Ready', status: 'False', key: taintNodeNotReady },
  { type: 'Ready', status: 'Unknown', key: taintNodeUnreachable },
  { type: 'MemoryPressure', status: 'True', key: 'node.kubernetes.io/memory-pressure' },
  { type: 'DiskPressure', status: 'True', key: 'node.kubernetes.io/disk-pressure' },
  { type: 'NetworkUnavailable', status: 'True', key: 'node.kubernetes.io/network-unavailable' },
  { type: 'PIDPressure', status: 'True', key: 'node.kubernetes.io/pid-pressure' },
];

/**
 * The taints the node lifecycle controller wants for these conditions: NoSchedule ones per
 * condition, and NoExecute not-ready / unreachable from Ready (taint-based eviction).
 */
export function desiredTaints(conditions: ReadonlyArray<{ type: string; status: string }>, pressureTaints = true): Array<{ key: string; effect: 'NoSchedule' | 'NoExecute' }> {
  const out: Array<{ key: string; effect: 'NoSchedule' | 'NoExecute' }> = [];
  for (const m of conditionTaints) {
    if (!pressureTaints && m.type !== 'Ready') continue;
    if (conditions.some((c) => c.type === m.type && c.status === m.status)) out.push({ key: m.key, effect: 'NoSchedule' });
  }
  const ready = conditions.find((c) => c.type === 'Ready')?.status;
  if (ready === 'False') out.push({ key: taintNodeNotReady, effect: 'NoExecute' });
  if (ready === 'Unknown') out.push({ key: taintNodeUnreachable, effect: 'NoExecute' });
  return out;
}

/** A taint this controller owns (the NoSchedule condition taints, the two NoExecute ones). */
export function isControllerTaint(t: Taint): boolean {
  if (t.effect === 'NoSchedule') return conditionTaints.some((m) => m.key === t.key);
  return t.effect === 'NoExecute' && (t.key === taintNodeNotReady || t.key === taintNodeUnreachable);
}
