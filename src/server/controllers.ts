// The controllers `kites server` runs in its own process (kube-controller-manager's part of the
// single binary, as in k3s). Each talks to the API server only through the in-process client.
// Add a controller here when it lands; each runs until `signal` aborts.
import type { Logger } from '../api/log.js';
import type { ResourceInfo } from '../api/resources/types.js';
import type { RestTransport } from '../client/transport.js';
import { NamespaceController } from '../controllers/namespace/namespace-controller.js';

export interface ControllerContext {
  transport: RestTransport;
  /** The resources the API server serves now (custom resources join as they are defined). */
  resources: () => readonly ResourceInfo[];
  log: Logger;
  signal: AbortSignal;
}

/** Starts every controller; the promise settles once all have stopped (after `signal` aborts). */
export function startControllers(ctx: ControllerContext): Promise<void> {
  const controllers: Array<{ name: string; start: (signal: AbortSignal) => Promise<void> }> = [
    { name: 'namespace', start: (s) => new NamespaceController({ transport: ctx.transport, resources: ctx.resources, log: ctx.log.child('namespace-controller') }).start(s) },
  ];
  return Promise.all(controllers.map(async (c) => {
    try {
      await c.start(ctx.signal);
    } catch (err) {
      // A controller that fails to start or dies is logged, not fatal: the API keeps serving,
      // like kube-controller-manager failing beside a healthy kube-apiserver.
      if (!ctx.signal.aborted) ctx.log.error('controller stopped with an error', { controller: c.name, err });
    }
  })).then(() => undefined);
}
