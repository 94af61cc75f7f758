// PodDisruptionBudget arithmetic (upstream pkg/controller/disruption): desired healthy pods from
// minAvailable / maxUnavailable (int, or percent of the expected count rounded up), which
// disruptedPods entries still hold, how many pods are healthy, and the resulting status.
import type { PodObject } from '../common/types.js';
import { isPodReady } from '../common/pods.js';

export type IntOrString = number | string;

/** How long an eviction-approved pod may stay before the budget stops waiting for it (upstream DeletionTimeout). */
export const deletionTimeoutMs = 2 * 60 * 1000;

export interface BudgetSpec {
  minAvailable?: IntOrString;
  maxUnavailable?: IntOrString;
}

/** upstream intstr.GetScaledValueFromIntOrPercent with roundUp = true. */
export function scaledValue(v: IntOrString, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or a percentage`);
  }
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** Whether the expected count must come from the pods' controllers (percentages and maxUnavailable). */
export function needsControllerScale(spec: BudgetSpec): boolean {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) return true;
  return typeof spec.minAvailable === 'string' && spec.minAvailable.endsWith('%');
}

/** desiredHealthy and expectedPods given the pods and (when needed) the controllers' scale. */
export function desiredAndExpected(spec: BudgetSpec, podCount: number, controllerScale: number): { desiredHealthy: number; expectedPods: number } {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const maxUnavailable = scaledValue(spec.maxUnavailable, controllerScale);
    return { desiredHealthy: Math.max(0, controllerScale - maxUnavailable), expectedPods: controllerScale };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number' || !spec.minAvailable.endsWith('%')) {
      return { desiredHealthy: scaledValue(spec.minAvailable, podCount), expectedPods: podCount };
    }
    return { desiredHealthy: scaledValue(spec.minAvailable, controllerScale), expectedPods: controllerScale };
  }
  return { desiredHealthy: 0, expectedPods: podCount };
}

/**
 * The disruptedPods entries that still count: their pod is still selected and not terminating,
 * and the approval is under two minutes old. Also returns those that timed out (upstream emits
 * NotDeleted for them) and when the next entry expires.
 */
export function pruneDisruptedPods(disrupted: Record<string, string> | undefined, pods: readonly PodObject[], now: number):
  { kept: Record<string, string>; expired: string[]; nextExpiryMs?: number } {
  const kept: Record<string, string> = {};
  const expired: string[] = [];
  let nextExpiryMs: number | undefined;
  if (!disrupted) return { kept, expired };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name];
    if (at === undefined) continue;
    const expiresAt = Date.parse(at) + deletionTimeoutMs;
    if (Number.isNaN(expiresAt) || expiresAt < now) {
      expired.push(pod.metadata.name);
      continue;
    }
    kept[pod.metadata.name] = at;
    nextExpiryMs = Math.min(nextExpiryMs ?? Infinity, expiresAt - now);
  }
  return { kept, expired, nextExpiryMs };
}

/** Ready pods that are neither terminating nor approved for eviction (upstream countHealthyPods). */
export function countHealthy(pods: readonly PodObject[], disrupted: Record<string, string>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name];
    if (at !== undefined && Date.parse(at) + deletionTimeoutMs > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

export function disruptionsAllowed(currentHealthy: number, desiredHealthy: number, expectedPods: number): number {
  if (expectedPods <= 0) return 0;
  return Math.max(0, currentHealthy - desiredHealthy);
}
