// What the agent's endpoint needs to reach a container: the shape of the node agent's
// ContainerLocator (src/agent/index.ts), restated here so this module builds on its own.
import type { RuntimeService } from '../runtime/types.js';

export interface LocatedContainer {
  runtime: RuntimeService;
  containerId: string;
  sandboxId: string;
  logPath: string;
  previousLogPath?: string;
  tty: boolean;
  stdin: boolean;
}

export interface ContainerLocator {
  /** The container (default: the `kubectl.kubernetes.io/default-container` one, else the first). */
  find(namespace: string, podName: string, container?: string): Promise<LocatedContainer | undefined>;
}

/**
 * A locator to hand to startAgentServer before the node agent exists: the endpoint has to be
 * listening (its port goes into the Node's daemonEndpoints) before the agent that provides the
 * real locator starts. Until `set` is called nothing is found.
 */
export function createDeferredLocator(): { locator: ContainerLocator; set(real: ContainerLocator): void } {
  let real: ContainerLocator | undefined;
  return {
    locator: { find: (ns, pod, container) => (real ? real.find(ns, pod, container) : Promise.resolve(undefined)) },
    set: (l) => {
      real = l;
    },
  };
}
