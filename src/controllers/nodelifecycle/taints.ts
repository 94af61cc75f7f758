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

export const isControllerTaint = (t: Taint) => t.key === taintNodeNotReady || t.key === taintNodeUnreachable;
