// NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods tolerating the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import { Status, type CycleState, type FilterPlugin, type Result } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { tolerated } from './helpers.js';

export const errReasonUnschedulable = 'node(s) were unschedulable';
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class NodeUnschedulable implements FilterPlugin {
  readonly name = 'NodeUnschedulable';

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    if (!node.node?.spec?.unschedulable) return null;
    if (tolerated(pod.pod.spec.tolerations, unschedulableTaint)) return null;
    return Status.unresolvable(errReasonUnschedulable);
  }
}
