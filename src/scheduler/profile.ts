// The default plugin set and its order, as upstream's default profile (minus volume, image
// locality and real preemption, which kites does not have yet).
import type { Handle, Plugin } from './framework.js';
import type { RestClient } from '../client/rest-client.js';
import { NodeUnschedulable } from './plugins/node-unschedulable.js';
import { NodeName } from './plugins/node-name.js';
import { TaintToleration } from './plugins/taint-toleration.js';
import { NodeAffinity } from './plugins/node-affinity.js';
import { NodePorts } from './plugins/node-ports.js';
import { BalancedAllocation, NodeResourcesFit } from './plugins/node-resources-fit.js';
import { PodTopologySpread } from './plugins/pod-topology-spread.js';
import { InterPodAffinity } from './plugins/inter-pod-affinity.js';
import { DefaultPreemption } from './plugins/default-preemption.js';
import { DefaultBinder } from './plugins/default-binder.js';

export function defaultPlugins(h: Handle, client: RestClient): Plugin[] {
  return [
    new NodeUnschedulable(), new NodeName(), new TaintToleration(), new NodeAffinity(), new NodePorts(),
    new NodeResourcesFit(), new PodTopologySpread(), new InterPodAffinity(h), new BalancedAllocation(),
    new DefaultPreemption(h), new DefaultBinder(client),
  ];
}

/** Which plugins' rejections a cluster event may undo (upstream EventsToRegister, simplified). */
export const eventPlugins = {
  assignedPodAdd: new Set(['InterPodAffinity', 'PodTopologySpread']),
  assignedPodUpdate: new Set(['InterPodAffinity', 'PodTopologySpread', 'NodeResourcesFit']),
  assignedPodDelete: new Set(['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread']),
} as const;
