// One scheduling cycle for one pod (upstream schedulePod): PreFilter, Filter over a rotating
// sample of nodes until enough feasible ones are found, PostFilter on failure, then PreScore,
// Score, NormalizeScore and the highest total (ties broken at random). Synchronous: the node
// loop is a tight loop over precomputed NodeInfo, O(nodes) per pod.
import {
  Code, Status, isFilter, isPostFilter, isPreFilter, isPreScore, isScore,
  type CycleState, type FilterPlugin, type Handle, type Plugin, type PostFilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin,
} from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { fitErrorMessage, type Diagnosis } from './fit-error.js';

export type ScheduleResult =
  | { kind: 'scheduled'; nodeName: string; evaluatedNodes: number; feasibleNodes: number }
  | { kind: 'unschedulable'; message: string; diagnosis: Diagnosis; numAllNodes: number; plugins: Set<string>; nominatedNodeName?: string; victims?: PodInfo[] }
  | { kind: 'error'; message: string };

/** upstream defaults: score 50% of nodes at 100 nodes, 1/125 percent less per node, 5% floor, at least 100. */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < 100 || percentageOfNodesToScore >= 100) return numAllNodes;
  let pct = percentageOfNodesToScore;
  if (pct <= 0) pct = Math.max(5, 50 - Math.floor(numAllNodes / 125));
  const n = Math.floor((numAllNodes * pct) / 100);
  return n < 100 ? 100 : n;
}

export interface AlgorithmOptions {
  percentageOfNodesToScore?: number;
  random?: () => number;
}

export class Algorithm {
  private readonly preFilters: PreFilterPlugin[];
  private readonly filters: FilterPlugin[];
  private readonly postFilters: PostFilterPlugin[];
  private readonly preScores: PreScorePlugin[];
  private readonly scores: ScorePlugin[];
  private nextStartNodeIndex = 0;
  private readonly random: () => number;

  constructor(plugins: Plugin[], private readonly h: Handle, private readonly opts: AlgorithmOptions = {}) {
    this.preFilters = plugins.filter(isPreFilter);
    this.filters = plugins.filter(isFilter);
    this.postFilters = plugins.filter(isPostFilter);
    this.preScores = plugins.filter(isPreScore);
    this.scores = plugins.filter(isScore);
    this.random = opts.random ?? Math.random;
  }

  schedule(pod: PodInfo): ScheduleResult {
    const nodes = this.h.cache.nodeList();
    const n = nodes.length;
    const state: CycleState = new Map();
    if (n === 0) return this.unschedulable(pod, state, 0, { nodeToStatus: new Map() }, new Set());

    const skip = new Set<string>();
    for (const p of this.preFilters) {
      const st = p.preFilter(state, pod, nodes);
      if (!st) continue;
      if (st.code === Code.Skip) { skip.add(p.name); continue; }
      st.plugin = p.name;
      if (st.isUnschedulable()) {
        const nodeToStatus = new Map<string, Status>();
        for (const ni of nodes) nodeToStatus.set(ni.name, st);
        return this.unschedulable(pod, state, n, { nodeToStatus, preFilterMsg: st.message() }, new Set([p.name]));
      }
      return { kind: 'error', message: `running PreFilter plugin "${p.name}": ${st.message()}` };
    }
    const filters = skip.size ? this.filters.filter((p) => !skip.has(p.name)) : this.filters;

    const want = numFeasibleNodesToFind(n, this.opts.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const nodeToStatus = new Map<string, Status>();
    const failedPlugins = new Set<string>();
    const start = this.nextStartNodeIndex % n;
    let processed = 0;
    let priority: number | undefined;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const ni = nodes[(start + i) % n]!;
      processed++;
      let target = ni;
      const nominated = this.h.cache.nominatedOn(ni.name);
      if (nominated) {
        // Pods waiting for room preemption freed here count as if placed (upstream addNominatedPods).
        priority ??= this.h.priorityOf(pod.pod);
        const ahead = [...nominated.values()].filter((p) => p.key !== pod.key && this.h.priorityOf(p.pod) >= priority!);
        if (ahead.length) {
          target = ni.clone();
          for (const p of ahead) target.addPod(p);
        }
      }
      let failed: Status | null = null;
      for (const f of filters) {
        failed = f.filter(state, pod, target);
        if (failed) {
          failed.plugin = f.name;
          break;
        }
      }
      if (!failed) feasible.push(ni);
      else if (failed.code === Code.Error) return { kind: 'error', message: `running Filter plugin "${failed.plugin}": ${failed.message()}` };
      else {
        nodeToStatus.set(ni.name, failed);
        failedPlugins.add(failed.plugin);
      }
    }
    // Start the next pod where this one stopped, so every node gets looked at over time.
    this.nextStartNodeIndex = (start + processed) % n;
    if (feasible.length === 0) return this.unschedulable(pod, state, n, { nodeToStatus }, failedPlugins);
    if (feasible.length === 1) return { kind: 'scheduled', nodeName: feasible[0]!.name, evaluatedNodes: processed, feasibleNodes: 1 };

    const totals = this.prioritize(state, pod, feasible);
    return { kind: 'scheduled', nodeName: feasible[this.selectHost(totals)]!.name, evaluatedNodes: processed, feasibleNodes: feasible.length };
  }

  private prioritize(state: CycleState, pod: PodInfo, feasible: NodeInfo[]): Float64Array {
    const skip = new Set<string>();
    for (const p of this.preScores) {
      const st = p.preScore(state, pod, feasible);
      if (st?.code === Code.Skip) skip.add(p.name);
    }
    const totals = new Float64Array(feasible.length);
    const scores = new Float64Array(feasible.length);
    for (const p of this.scores) {
      if (skip.has(p.name)) continue;
      for (let i = 0; i < feasible.length; i++) scores[i] = p.score(state, pod, feasible[i]!);
      p.normalizeScores?.(state, pod, scores);
      for (let i = 0; i < feasible.length; i++) totals[i] = totals[i]! + scores[i]! * p.weight;
    }
    return totals;
  }

  /** The index of the highest total; among equals each wins with equal chance (reservoir sampling). */
  private selectHost(totals: Float64Array): number {
    let best = 0, ties = 1;
    for (let i = 1; i < totals.length; i++) {
      if (totals[i]! > totals[best]!) { best = i; ties = 1; }
      else if (totals[i] === totals[best]) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return best;
  }

  /** Every Filter plugin on one node with this cycle's state; null when the pod fits. */
  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    for (const f of this.filters) {
      const st = f.filter(state, pod, node);
      if (st) {
        st.plugin = f.name;
        return st;
      }
    }
    return null;
  }

  private unschedulable(pod: PodInfo, state: CycleState, numAllNodes: number, d: Diagnosis, plugins: Set<string>): ScheduleResult {
    let nominated: { nominatedNodeName?: string; victims?: PodInfo[] } = {};
    if (numAllNodes > 0) {
      for (const p of this.postFilters) {
        const r = p.postFilter(state, pod, d.nodeToStatus, numAllNodes, (n) => this.runFilters(state, pod, n));
        if (r.nominatedNodeName) {
          nominated = { nominatedNodeName: r.nominatedNodeName, victims: r.victims ?? [] };
          break;
        }
        if (r.message) { d.postFilterMsg = r.message; break; }
      }
    }
    return { kind: 'unschedulable', message: fitErrorMessage(numAllNodes, d), diagnosis: d, numAllNodes, plugins, ...nominated };
  }
}
