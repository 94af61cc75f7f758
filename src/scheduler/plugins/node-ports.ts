// NodePorts: a hostPort can be used once per (hostIP, protocol) on a node; 0.0.0.0 conflicts
// with every address.
import { Status, type CycleState, type FilterPlugin, type PreFilterPlugin, type Result } from '../framework.js';
import { portKey, type NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export const errReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = 'NodePorts';

  preFilter(_s: CycleState, pod: PodInfo): Result {
    return pod.hostPorts.length ? null : Status.skip();
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    if (node.usedPorts.size === 0) return null;
    for (const hp of pod.hostPorts) {
      if (hp.ip === '0.0.0.0') {
        for (const k of node.usedPorts.keys()) {
          const [, proto, port] = k.split('/');
          if (proto === hp.protocol && Number(port) === hp.port) return Status.unschedulable(errReasonNodePorts);
        }
      } else if (node.usedPorts.has(portKey(hp.ip, hp.protocol, hp.port)) || node.usedPorts.has(portKey('0.0.0.0', hp.protocol, hp.port))) {
        return Status.unschedulable(errReasonNodePorts);
      }
    }
    return null;
  }
}
