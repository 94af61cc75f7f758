// NodeAffinity: spec.nodeSelector and required node affinity as a filter, preferred node
// affinity as a score (sum of matching terms' weights, normalised to 0..100).
import { Status, defaultNormalizeScore, type CycleState, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { anyTermMatchesNode, termMatchesNode } from './helpers.js';

export const errReasonPod = "node(s) didn't match Pod's node affinity/selector";

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'NodeAffinity';
  readonly weight = 2;

  preFilter(_s: CycleState, pod: PodInfo): Result {
    const spec = pod.pod.spec;
    const hasSelector = spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0;
    return hasSelector || spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ? null : Status.skip();
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    return matchesNodeSelectorAndAffinity(pod, node) ? null : Status.unresolvable(errReasonPod);
  }

  preScore(_s: CycleState, pod: PodInfo): Result {
    return pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? null : Status.skip();
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    let sum = 0;
    for (const t of pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (t.weight && termMatchesNode(t.preference, node.labels, node.name)) sum += t.weight;
    }
    return sum;
  }

  normalizeScores(_s: CycleState, _p: PodInfo, scores: Float64Array): void {
    defaultNormalizeScore(scores, false);
  }
}

/** spec.nodeSelector (every label equal) AND required node affinity (any term). */
export function matchesNodeSelectorAndAffinity(pod: PodInfo, node: NodeInfo): boolean {
  const spec = pod.pod.spec;
  if (spec.nodeSelector) {
    for (const [k, v] of Object.entries(spec.nodeSelector)) if (node.labels[k] !== v) return false;
  }
  const req = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req && !anyTermMatchesNode(req.nodeSelectorTerms ?? [], node.labels, node.name)) return false;
  return true;
}
