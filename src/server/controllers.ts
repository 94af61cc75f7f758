// The control plane loops `kites server` runs in its own process (kube-controller-manager's and
// kube-scheduler's part of the single binary, as in k3s). They run only while this server holds
// the `kites-controller-manager` Lease in kube-system, so several servers can share a store; each
// talks to the API server only through the in-process client.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../api/log.js';
import type { ResourceInfo } from '../api/resources/types.js';
import type { RestTransport } from '../client/transport.js';
import { RestClient } from '../client/rest-client.js';
import { LeaderElector } from '../client/leader-election.js';
import { NamespaceController } from '../controllers/namespace/namespace-controller.js';
import { Scheduler } from '../scheduler/index.js';

export interface ControllerContext {
  transport: RestTransport;
  /** The resources the API server serves now (custom resources join as they are defined). */
  resources: () => readonly ResourceInfo[];
  log: Logger;
  signal: AbortSignal;
  /** Identifies this server in leader election; stable across restarts of one data dir. */
  dataDir?: string;
}

interface Loop { name: string; start: (signal: AbortSignal) => Promise<void> }

function loops(ctx: ControllerContext): Loop[] {
  const host = hostname();
  return [
    { name: 'namespace', start: (s) => new NamespaceController({ transport: ctx.transport, resources: ctx.resources, log: ctx.log.child('namespace-controller') }).start(s) },
    { name: 'scheduler', start: (s) => new Scheduler({ transport: ctx.transport, log: ctx.log.child('scheduler'), host }).start(s) },
  ];
}

async function runAll(list: Loop[], signal: AbortSignal, log: Logger): Promise<void> {
  await Promise.all(list.map(async (c) => {
    try {
      await c.start(signal);
    } catch (err) {
      // A loop that fails is logged, not fatal: the API keeps serving, like
      // kube-controller-manager failing beside a healthy kube-apiserver.
      if (!signal.aborted) log.error('controller stopped with an error', { controller: c.name, err });
    }
  }));
}

/** Runs every loop while leading; settles once `signal` aborts and all have stopped. */
export async function startControllers(ctx: ControllerContext): Promise<void> {
  // A stable identity lets a restarted server take its own lease back at once.
  const identity = `${hostname()}_${createHash('sha256').update(ctx.dataDir ?? '').digest('hex').slice(0, 12)}`;
  const elector = new LeaderElector({
    client: new RestClient(ctx.transport, { fieldManager: 'kites-controller-manager' }),
    namespace: 'kube-system',
    name: 'kites-controller-manager',
    identity,
    log: ctx.log,
    onStartedLeading: (signal) => {
      ctx.log.info('leading: starting controllers and scheduler', { identity });
      return runAll(loops(ctx), signal, ctx.log);
    },
    onStoppedLeading: () => ctx.log.info('stopped leading', { identity }),
  });
  await elector.run(ctx.signal);
}
