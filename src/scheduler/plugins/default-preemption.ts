// DefaultPreemption (PostFilter): when a pod fits nowhere, look for a node where evicting pods of
// lower priority would make it fit. Per node: remove every lower-priority pod, check the filters,
// then give back ("reprieve") victims from the most important down while the pod still fits. The
// candidate with the least important victims wins (highest victim priority, then sum of
// priorities, then fewest victims). Nodes that failed with UnschedulableAndUnresolvable are not
// tried ("Preemption is not helpful for scheduling"). PodDisruptionBudgets are not considered yet.
import { Code, type CycleState, type Handle, type PostFilterPlugin, type PostFilterResult, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { reasonsHistogram } from '../fit-error.js';

const notHelpful = 'Preemption is not helpful for scheduling';
const noVictims = 'No preemption victims found for incoming pod';

interface Candidate { node: string; victims: PodInfo[]; maxPriority: number; sumPriority: number }

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = 'DefaultPreemption';

  constructor(private readonly h: Handle) {}

  postFilter(_s: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>, numAllNodes: number, runFilters: (n: NodeInfo) => Status | null): PostFilterResult {
    if (pod.pod.spec.preemptionPolicy === 'Never') return { message: 'preemption: not eligible due to preemptionPolicy=Never' };
    const prio = this.h.priorityOf(pod.pod);
    // Victims chosen earlier are still terminating: wait for them rather than evict more.
    const nominated = pod.pod.status?.nominatedNodeName;
    const nn = nominated ? this.h.cache.get(nominated) : undefined;
    if (nn && [...nn.pods.values()].some((p) => p.pod.metadata.deletionTimestamp && this.h.priorityOf(p.pod) < prio)) {
      return { message: 'preemption: not eligible due to a terminating pod on the nominated node' };
    }
    const reasons: { reasons: string[] }[] = [];
    let best: Candidate | undefined;
    for (const [name, st] of statuses) {
      const node = st.code === Code.UnschedulableAndUnresolvable ? undefined : this.h.cache.get(name);
      if (!node) {
        reasons.push({ reasons: [notHelpful] });
        continue;
      }
      const c = this.candidate(pod, prio, node, runFilters);
      if (!c) {
        reasons.push({ reasons: [noVictims] });
        continue;
      }
      if (!best || better(c, best)) best = c;
    }
    if (best) return { nominatedNodeName: best.node, victims: best.victims };
    // reasonsHistogram ends with "."; the FitError adds its own separator.
    return { message: `preemption: ${reasonsHistogram(numAllNodes, reasons as Status[]).replace(/\.$/, '')}` };
  }

  private candidate(pod: PodInfo, prio: number, node: NodeInfo, runFilters: (n: NodeInfo) => Status | null): Candidate | undefined {
    const lower = [...node.pods.values()].filter((p) => !p.pod.metadata.deletionTimestamp && this.h.priorityOf(p.pod) < prio);
    if (lower.length === 0) return undefined;
    const sim = node.clone();
    for (const v of lower) sim.removePod(v.key);
    if (runFilters(sim)) return undefined;
    // Most important first, so they are the ones spared.
    lower.sort((a, b) => this.h.priorityOf(b.pod) - this.h.priorityOf(a.pod));
    const victims: PodInfo[] = [];
    for (const v of lower) {
      sim.addPod(v);
      if (runFilters(sim)) {
        sim.removePod(v.key);
        victims.push(v);
      }
    }
    const prios = victims.map((v) => this.h.priorityOf(v.pod));
    return { node: node.name, victims, maxPriority: Math.max(...prios), sumPriority: prios.reduce((a, b) => a + b, 0) };
  }
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.maxPriority !== b.maxPriority) return a.maxPriority < b.maxPriority;
  if (a.sumPriority !== b.sumPriority) return a.sumPriority < b.sumPriority;
  return a.victims.length < b.victims.length;
}
