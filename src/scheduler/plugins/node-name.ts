// NodeName: a pod naming a node in spec.nodeName fits only there. (Such pods normally bypass the
// scheduler; upstream keeps the filter for completeness.)
import { Status, type CycleState, type FilterPlugin, type PreFilterPlugin, type Result } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export const errReasonNodeName = "node(s) didn't match the requested node name";

export class NodeName implements PreFilterPlugin, FilterPlugin {
  readonly name = 'NodeName';

  preFilter(_s: CycleState, pod: PodInfo): Result {
    return pod.pod.spec.nodeName ? null : Status.skip();
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    const want = pod.pod.spec.nodeName;
    return !want || want === node.name ? null : Status.unresolvable(errReasonNodeName);
  }
}
