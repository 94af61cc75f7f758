// The ServiceAccount controller (upstream pkg/controller/serviceaccount ServiceAccountsController):
// every active namespace has a `default` ServiceAccount, re-created when it is deleted.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import { RestClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../../client/controller.js';
import type { Clock } from '../../client/clock.js';
import { isAlreadyExists, isNotFound } from '../../client/status.js';
import type { RestTransport } from '../../client/transport.js';

export interface ServiceAccountsControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  clock?: Clock;
  /** The accounts every namespace gets (upstream: just "default"). */
  serviceAccounts?: string[];
  workers?: number;
}

const namespacesRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false } as const;
const serviceAccountsRef = { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true } as const;

/** A namespace still taking new content (not being deleted). */
export function isNamespaceActive(ns: KubeObject | undefined): boolean {
  if (!ns || ns.metadata?.deletionTimestamp) return false;
  return (ns as { status?: { phase?: string } }).status?.phase !== 'Terminating';
}

export class ServiceAccountsController {
  readonly queue: WorkQueue<string>;
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly nsInformer: SharedInformer<KubeObject>;
  private readonly saInformer: SharedInformer<KubeObject>;
  private readonly names: string[];

  constructor(private readonly opts: ServiceAccountsControllerOptions) {
    this.client = new RestClient(opts.transport, { fieldManager: 'service-account-controller' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { clock: opts.clock, log: opts.log });
    this.nsInformer = this.informers.informerFor<KubeObject>(namespacesRef);
    this.saInformer = this.informers.informerFor<KubeObject>(serviceAccountsRef);
    this.queue = new WorkQueue<string>({ name: 'serviceaccount', clock: opts.clock });
    this.names = opts.serviceAccounts ?? ['default'];
    const byNs = (ns: KubeObject) => this.queue.add(ns.metadata?.name ?? '');
    this.nsInformer.addEventHandler({ onAdd: byNs, onUpdate: (_o, n) => byNs(n) });
    this.saInformer.addEventHandler({
      onDelete: (sa) => { if (this.names.includes(sa.metadata?.name ?? '')) this.queue.add(sa.metadata?.namespace ?? ''); },
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 2, reconcile: (k) => this.sync(k), signal, log: this.opts.log });
  }

  async sync(namespace: string): Promise<void> {
    if (!isNamespaceActive(this.nsInformer.lister.get(undefined, namespace))) return;
    for (const name of this.names) {
      if (this.saInformer.lister.get(namespace, name)) continue;
      try {
        await this.client.resource(serviceAccountsRef).create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
      } catch (e) {
        // Already there (the cache lags), or the namespace went away meanwhile.
        if (isAlreadyExists(e) || isNotFound(e)) continue;
        if (e instanceof Error && /being terminated|forbidden/i.test(e.message)) continue;
        throw e;
      }
    }
  }
}
