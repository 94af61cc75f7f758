// InterPodAffinity: required pod affinity / anti-affinity of the incoming pod, and required
// anti-affinity of pods already placed, per topology domain (node label topologyKey=value);
// preferred terms (both ways) as a score. Counts are built once per cycle in PreFilter/PreScore.
import { Status, maxNodeScore, type CycleState, type FilterPlugin, type Handle, type PreFilterPlugin, type PreScorePlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../pod-info.js';

export const errReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const errReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
export const errReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

/** Weight of an existing pod's required affinity term when scoring the reverse direction. */
const hardPodAffinityWeight = 1;

interface FilterState {
  /** topologyKey=value → existing pods whose required anti-affinity matches the incoming pod. */
  existingAnti: Map<string, number>;
  /** topologyKey=value → existing pods matching all the incoming pod's required affinity terms. */
  affinity: Map<string, number>;
  /** topologyKey=value → existing pods matching one of its required anti-affinity terms. */
  anti: Map<string, number>;
  /** No pod anywhere matches the affinity terms, but the pod matches its own: it may start the group. */
  selfAffinityOK: boolean;
}

const filterKey = 'InterPodAffinity/filter';
const scoreKey = 'InterPodAffinity/score';

function inc(m: Map<string, number>, k: string, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'InterPodAffinity';
  readonly weight = 2;

  constructor(private readonly h: Handle) {}

  private ns = (ns: string) => this.h.namespaceLabels(ns);

  preFilter(s: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result {
    const hasOwn = pod.requiredAffinity.length + pod.requiredAntiAffinity.length > 0;
    if (!hasOwn && this.h.cache.podsWithRequiredAntiAffinity === 0) return Status.skip();
    const st: FilterState = { existingAnti: new Map(), affinity: new Map(), anti: new Map(), selfAffinityOK: false };
    for (const n of nodes) {
      if (this.h.cache.podsWithRequiredAntiAffinity > 0) {
        for (const e of n.podsWithRequiredAntiAffinity) {
          for (const t of e.requiredAntiAffinity) {
            const v = n.labels[t.topologyKey];
            if (v !== undefined && termMatches(t, pod.pod, this.ns)) inc(st.existingAnti, `${t.topologyKey}=${v}`);
          }
        }
      }
      if (!hasOwn) continue;
      for (const e of n.pods.values()) {
        if (pod.requiredAffinity.length && pod.requiredAffinity.every((t) => termMatches(t, e.pod, this.ns))) {
          for (const t of pod.requiredAffinity) {
            const v = n.labels[t.topologyKey];
            if (v !== undefined) inc(st.affinity, `${t.topologyKey}=${v}`);
          }
        }
        for (const t of pod.requiredAntiAffinity) {
          const v = n.labels[t.topologyKey];
          if (v !== undefined && termMatches(t, e.pod, this.ns)) inc(st.anti, `${t.topologyKey}=${v}`);
        }
      }
    }
    st.selfAffinityOK = st.affinity.size === 0 && pod.requiredAffinity.every((t) => termMatches(t, pod.pod, this.ns));
    s.set(filterKey, st);
    return null;
  }

  filter(s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    const st = s.get(filterKey) as FilterState | undefined;
    if (!st) return null;
    if (pod.requiredAffinity.length) {
      for (const t of pod.requiredAffinity) {
        const v = node.labels[t.topologyKey];
        if (v === undefined) return Status.unresolvable(errReasonAffinityRulesNotMatch);
        if (!st.selfAffinityOK && !(st.affinity.get(`${t.topologyKey}=${v}`)! > 0)) return Status.unresolvable(errReasonAffinityRulesNotMatch);
      }
    }
    for (const t of pod.requiredAntiAffinity) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && (st.anti.get(`${t.topologyKey}=${v}`) ?? 0) > 0) return Status.unschedulable(errReasonAntiAffinityRulesNotMatch);
    }
    if (st.existingAnti.size) {
      for (const [k, v] of Object.entries(node.labels)) {
        if ((st.existingAnti.get(`${k}=${v}`) ?? 0) > 0) return Status.unschedulable(errReasonExistingAntiAffinityRulesNotMatch);
      }
    }
    return null;
  }

  preScore(s: CycleState, pod: PodInfo, _nodes: readonly NodeInfo[]): Result {
    const own = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
    if (!own && this.h.cache.podsWithAffinity === 0) return Status.skip();
    // topologyKey → value → score
    const scores = new Map<string, Map<string, number>>();
    const add = (t: AffinityTerm, node: NodeInfo, w: number) => {
      const v = node.labels[t.topologyKey];
      if (v === undefined) return;
      let m = scores.get(t.topologyKey);
      if (!m) scores.set(t.topologyKey, (m = new Map()));
      m.set(v, (m.get(v) ?? 0) + w);
    };
    // Existing pods across the whole cluster count, not only the feasible nodes.
    for (const n of this.h.cache.nodeList()) {
      const existing = own ? n.pods.values() : n.podsWithAffinity.values();
      for (const e of existing) {
        for (const t of pod.preferredAffinity) if (termMatches(t, e.pod, this.ns)) add(t, n, t.weight);
        for (const t of pod.preferredAntiAffinity) if (termMatches(t, e.pod, this.ns)) add(t, n, -t.weight);
        for (const t of e.preferredAffinity) if (termMatches(t, pod.pod, this.ns)) add(t, n, t.weight);
        for (const t of e.requiredAffinity) if (termMatches(t, pod.pod, this.ns)) add(t, n, hardPodAffinityWeight);
        for (const t of e.preferredAntiAffinity) if (termMatches(t, pod.pod, this.ns)) add(t, n, -t.weight);
      }
    }
    if (scores.size === 0) return Status.skip();
    s.set(scoreKey, scores);
    return null;
  }

  score(s: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const scores = s.get(scoreKey) as Map<string, Map<string, number>>;
    let sum = 0;
    for (const [key, m] of scores) {
      const v = node.labels[key];
      if (v !== undefined) sum += m.get(v) ?? 0;
    }
    return sum;
  }

  normalizeScores(_s: CycleState, _p: PodInfo, scores: Float64Array): void {
    let min = Infinity, max = -Infinity;
    for (const x of scores) { if (x < min) min = x; if (x > max) max = x; }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.floor((maxNodeScore * (scores[i]! - min)) / diff) : 0;
  }
}
