// The message of a failed scheduling attempt, as upstream's FitError.Error():
// "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable. preemption: …"
// — a histogram of filter reasons over all nodes, sorted as strings, each part ending in ".".
import type { Status } from './framework.js';

export const noNodesAvailableMsg = 'no nodes available to schedule pods';

export interface Diagnosis {
  /** Node name → the status of the filter that rejected it. */
  nodeToStatus: Map<string, Status>;
  /** Set when a PreFilter plugin rejected the pod outright (then no per-node reasons are listed). */
  preFilterMsg?: string;
  postFilterMsg?: string;
}

/** "0/N nodes are available: <count> <reason>, …." — the reasons histogram on its own. */
export function reasonsHistogram(numAllNodes: number, statuses: Iterable<Status>, preFilterMsg?: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) return `${msg} ${preFilterMsg}.`;
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  return msg;
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  if (numAllNodes === 0) return noNodesAvailableMsg;
  let msg = reasonsHistogram(numAllNodes, d.nodeToStatus.values(), d.preFilterMsg);
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}.`;
  return msg;
}
