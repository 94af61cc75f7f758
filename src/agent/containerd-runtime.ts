// The containerd runtime of the node agent: its own containerd (or an existing CRI socket), the
// air-gap images, the CRI client, the pod network and image garbage collection, as one NodeRuntime.
import type { Logger } from '../api/log.js';
import type { NodeAgentOptions } from './options.js';
import type { NodeRuntime } from './agent.js';

export async function openContainerdRuntime(_opts: NodeAgentOptions, _address: string, _log: Logger): Promise<NodeRuntime> {
  throw new Error('the containerd runtime is being wired');
}
