// NodeResourcesFit: the pod's requests (init containers' maximum, sidecars and overhead included)
// must fit into the node's allocatable minus what its pods — assumed ones too — request, and the
// node's pod count must leave room. Scores with LeastAllocated on cpu and memory.
import { Status, maxNodeScore, type CycleState, type FilterPlugin, type PreFilterPlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export const errReasonTooManyPods = 'Too many pods';

const stateKey = 'NodeResourcesFit/order';

export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, ScorePlugin {
  readonly name = 'NodeResourcesFit';
  readonly weight = 1;

  preFilter(s: CycleState, pod: PodInfo): Result {
    if (!pod.requests.onlyCPUAndMemory) s.set(stateKey, orderedResources(pod.requests.requests));
    return null;
  }

  filter(s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    return fitsRequest(pod, node, s.get(stateKey) as string[] | undefined);
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    const cpu = leastAllocated(node.nonZeroCPU + pod.requests.nonZeroCPU, node.allocatableCPU);
    const mem = leastAllocated(node.nonZeroMemory + pod.requests.nonZeroMemory, node.allocatableMemory);
    return Math.floor((cpu + mem) / 2);
  }
}

function leastAllocated(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * maxNodeScore) / capacity);
}

/** Every reason the pod does not fit, in upstream's order (pods, cpu, memory, storage, others). */
export function fitsRequest(pod: PodInfo, node: NodeInfo, order?: string[]): Result {
  const r = pod.requests;
  if (r.onlyCPUAndMemory) {
    // The common case, without map lookups: a few number comparisons per node.
    const tooMany = node.pods.size + 1 > node.allowedPods;
    const cpu = r.cpu > 0 && r.cpu > node.allocatableCPU - node.requestedCPU;
    const mem = r.memory > 0 && r.memory > node.allocatableMemory - node.requestedMemory;
    if (!tooMany && !cpu && !mem) return null;
    const reasons: string[] = [];
    if (tooMany) reasons.push(errReasonTooManyPods);
    if (cpu) reasons.push('Insufficient cpu');
    if (mem) reasons.push('Insufficient memory');
    return Status.unschedulable(...reasons);
  }
  let reasons: string[] | undefined;
  if (node.pods.size + 1 > node.allowedPods) (reasons ??= []).push(errReasonTooManyPods);
  const req = r.requests;
  order ??= orderedResources(req);
  if (req.size > 0) {
    for (const r of order) {
      const want = req.get(r)!;
      if (want <= 0) continue;
      const free = (node.allocatable.get(r) ?? 0) - (node.requested.get(r) ?? 0);
      if (want > free) (reasons ??= []).push(`Insufficient ${r}`);
    }
  }
  return reasons ? Status.unschedulable(...reasons) : null;
}

const first = ['cpu', 'memory', 'ephemeral-storage'];

function orderedResources(req: Map<string, number>): string[] {
  const rest = [...req.keys()].filter((k) => !first.includes(k)).sort();
  return [...first.filter((k) => req.has(k)), ...rest];
}

/**
 * NodeResourcesBalancedAllocation: favours nodes where cpu and memory would be used in equal
 * fractions (1 - standard deviation of the fractions).
 */
export class BalancedAllocation implements ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';
  readonly weight = 1;

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    const ac = node.allocatableCPU;
    const am = node.allocatableMemory;
    if (ac === 0 || am === 0) return 0;
    // Actual requests here, not the non-zero defaults LeastAllocated uses (upstream useRequested).
    const fc = Math.min(1, (node.requestedCPU + pod.requests.cpu) / ac);
    const fm = Math.min(1, (node.requestedMemory + pod.requests.memory) / am);
    const std = Math.abs(fc - fm) / 2;
    return Math.floor((1 - std) * maxNodeScore);
  }
}
