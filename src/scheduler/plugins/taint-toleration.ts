// TaintToleration: NoSchedule/NoExecute taints the pod does not tolerate rule a node out;
// PreferNoSchedule taints it does not tolerate lower the node's score.
import { Status, defaultNormalizeScore, type CycleState, type FilterPlugin, type PreScorePlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import type { Toleration } from '../api-types.js';
import { tolerated } from './helpers.js';

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'TaintToleration';
  readonly weight = 3;

  preScore(_s: CycleState, _pod: PodInfo, nodes: readonly NodeInfo[]): Result {
    // Without PreferNoSchedule taints every node scores the same: skipping changes no decision.
    for (const n of nodes) if (n.preferNoScheduleTaints > 0) return null;
    return Status.skip();
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    for (const t of node.taints) {
      if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
      if (tolerated(pod.pod.spec.tolerations, t)) continue;
      return Status.unresolvable(`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`);
    }
    return null;
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (node.taints.length === 0) return 0;
    // Only tolerations with an empty or PreferNoSchedule effect count here, as upstream.
    const tols: Toleration[] = (pod.pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let n = 0;
    for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerated(tols, t)) n++;
    return n;
  }

  normalizeScores(_s: CycleState, _p: PodInfo, scores: Float64Array): void {
    defaultNormalizeScore(scores, true);
  }
}
