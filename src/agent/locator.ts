// How the agent's HTTPS endpoint (logs, exec, attach, port-forward) finds a container: by
// namespace, pod name and container name (default: the kubectl.kubernetes.io/default-container
// annotation, else the first container).
import type { RuntimeService } from './runtime/types.js';
import type { PodManager } from './pods/pod-manager.js';

export interface LocatedContainerInfo {
  runtime: RuntimeService;
  containerId: string;
  sandboxId: string;
  logPath: string;
  previousLogPath?: string;
  tty: boolean;
  stdin: boolean;
}

export interface ContainerLocator {
  find(namespace: string, podName: string, container?: string): Promise<LocatedContainerInfo | undefined>;
}

export class PodContainerLocator implements ContainerLocator {
  constructor(private readonly pods: PodManager, private readonly runtime: RuntimeService) {}

  async find(namespace: string, podName: string, container?: string): Promise<LocatedContainerInfo | undefined> {
    const c = this.pods.locate(namespace, podName, container);
    if (!c) return undefined;
    return {
      runtime: this.runtime, containerId: c.containerId, sandboxId: c.sandboxId, logPath: c.logPath,
      previousLogPath: c.previousLogPath, tty: !!c.spec.tty, stdin: !!c.spec.stdin,
    };
  }
}

/** For agents without runnable containers (simulated nodes): nothing is ever found. */
export const emptyLocator: ContainerLocator = { find: async () => undefined };

/**
 * A locator to hand the agent's HTTPS endpoint before the agent runs (the endpoint's port goes
 * into the agent's options, the agent's locator into the endpoint): finds nothing until `set`.
 */
export function deferredLocator(): { locator: ContainerLocator; set(target: ContainerLocator): void } {
  let target: ContainerLocator = emptyLocator;
  return {
    locator: { find: (namespace, podName, container) => target.find(namespace, podName, container) },
    set: (t) => { target = t; },
  };
}
