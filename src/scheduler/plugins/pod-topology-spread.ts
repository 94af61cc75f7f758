// PodTopologySpread: matching pods (same namespace, by labelSelector) per topology domain.
// DoNotSchedule constraints filter: placing the pod must keep count - global minimum <= maxSkew
// (the minimum is 0 while fewer than minDomains domains exist). ScheduleAnyway constraints score:
// fewer matching pods in the node's domain is better.
import { labelSelectorFromObject, nothingSelector, type LabelSelector } from '../../api/selectors/index.js';
import { Status, maxNodeScore, type CycleState, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import type { Pod, TopologySpreadConstraint } from '../api-types.js';
import { matchesNodeSelectorAndAffinity } from './node-affinity.js';
import { tolerated } from './helpers.js';

export const errReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const errReasonNodeLabelNotMatch = errReasonConstraintsNotMatch + ' (missing required label)';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  selector: LabelSelector;
  /** Whether the incoming pod itself matches the selector (it adds one to its domain). */
  selfMatch: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

interface SpreadState {
  constraints: Constraint[];
  /** per constraint: domain value → matching pods */
  counts: Map<string, number>[];
  /** per constraint: the smallest count over eligible domains (0 below minDomains) */
  minMatch: number[];
  weights: number[];
  minScore: number;
}

const filterKey = 'PodTopologySpread/filter';
const scoreKey = 'PodTopologySpread/score';

function buildConstraints(pod: Pod, want: string): Constraint[] {
  const out: Constraint[] = [];
  const labels = pod.metadata.labels ?? {};
  for (const c of pod.spec.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== want) continue;
    let sel: LabelSelector;
    try {
      let obj = c.labelSelector ?? null;
      const extra = (c.matchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'In', values: [labels[k]!] }));
      if (obj && extra.length) obj = { ...obj, matchExpressions: [...(obj.matchExpressions ?? []), ...extra] };
      sel = labelSelectorFromObject(obj);
    } catch {
      sel = nothingSelector();
    }
    out.push(constraint(c, sel, sel.matches(labels) ? 1 : 0));
  }
  return out;
}

function constraint(c: TopologySpreadConstraint, selector: LabelSelector, selfMatch: number): Constraint {
  return {
    maxSkew: c.maxSkew || 1, topologyKey: c.topologyKey, minDomains: c.minDomains ?? 1, selector, selfMatch,
    honorAffinity: c.nodeAffinityPolicy !== 'Ignore', honorTaints: c.nodeTaintsPolicy === 'Honor',
  };
}

function countOnNode(n: NodeInfo, c: Constraint, ns: string): number {
  let k = 0;
  for (const e of n.pods.values()) {
    const m = e.pod.metadata;
    if (m.namespace === ns && !m.deletionTimestamp && c.selector.matches(m.labels)) k++;
  }
  return k;
}

function eligible(n: NodeInfo, c: Constraint, pod: PodInfo): boolean {
  if (n.labels[c.topologyKey] === undefined) return false;
  if (c.honorAffinity && !matchesNodeSelectorAndAffinity(pod, n)) return false;
  if (c.honorTaints) {
    for (const t of n.taints) {
      if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerated(pod.pod.spec.tolerations, t)) return false;
    }
  }
  return true;
}

function count(pod: PodInfo, constraints: Constraint[], nodes: readonly NodeInfo[]): Map<string, number>[] {
  const counts = constraints.map(() => new Map<string, number>());
  for (const n of nodes) {
    // upstream counts a node only if it carries every constraint's topology key.
    if (!constraints.every((c) => n.labels[c.topologyKey] !== undefined)) continue;
    constraints.forEach((c, i) => {
      if (!eligible(n, c, pod)) return;
      const v = n.labels[c.topologyKey]!;
      counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countOnNode(n, c, pod.pod.metadata.namespace));
    });
  }
  return counts;
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'PodTopologySpread';
  readonly weight = 2;

  preFilter(s: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result {
    const constraints = buildConstraints(pod.pod, 'DoNotSchedule');
    if (constraints.length === 0) return Status.skip();
    const counts = count(pod, constraints, nodes);
    const minMatch = constraints.map((c, i) => {
      const m = counts[i]!;
      if (m.size < c.minDomains) return 0;
      let min = Infinity;
      for (const v of m.values()) if (v < min) min = v;
      return min === Infinity ? 0 : min;
    });
    s.set(filterKey, { constraints, counts, minMatch, weights: [], minScore: 0 } satisfies SpreadState);
    return null;
  }

  filter(s: CycleState, _pod: PodInfo, node: NodeInfo): Result {
    const st = s.get(filterKey) as SpreadState | undefined;
    if (!st) return null;
    for (let i = 0; i < st.constraints.length; i++) {
      const c = st.constraints[i]!;
      const v = node.labels[c.topologyKey];
      if (v === undefined) return Status.unresolvable(errReasonNodeLabelNotMatch);
      const skew = (st.counts[i]!.get(v) ?? 0) + c.selfMatch - st.minMatch[i]!;
      if (skew > c.maxSkew) return Status.unschedulable(errReasonConstraintsNotMatch);
    }
    return null;
  }

  preScore(s: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result {
    const constraints = buildConstraints(pod.pod, 'ScheduleAnyway');
    if (constraints.length === 0) return Status.skip();
    const counts = count(pod, constraints, nodes);
    // Domains with more values weigh less per pod: upstream's log(size + 2).
    const weights = counts.map((m) => Math.log(m.size + 2));
    s.set(scoreKey, { constraints, counts, minMatch: [], weights, minScore: 0 } satisfies SpreadState);
    return null;
  }

  score(s: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const st = s.get(scoreKey) as SpreadState;
    let sum = 0;
    for (let i = 0; i < st.constraints.length; i++) {
      const c = st.constraints[i]!;
      const v = node.labels[c.topologyKey];
      // A node without the key cannot be judged; it gets the worst score after normalising.
      if (v === undefined) return -1;
      sum += (st.counts[i]!.get(v) ?? 0) * st.weights[i]! + (c.maxSkew - 1);
    }
    return Math.round(sum);
  }

  normalizeScores(_s: CycleState, _p: PodInfo, scores: Float64Array): void {
    let min = Infinity, max = 0;
    for (const x of scores) {
      if (x < 0) continue;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    for (let i = 0; i < scores.length; i++) {
      const x = scores[i]!;
      if (x < 0) scores[i] = 0;
      else if (max === 0) scores[i] = maxNodeScore;
      else scores[i] = Math.floor((maxNodeScore * (max + min - x)) / max);
    }
  }
}
