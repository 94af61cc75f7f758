// The namespace controller: when a namespace is being deleted, it deletes everything in it,
// and once nothing is left, clears the `kubernetes` finalizer through /finalize so the API
// server removes the namespace (upstream's NamespacedResourcesDeleter, simplified).
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject, StoredObject } from '../../api/types.js';
import type { Logger } from '../../api/log.js';
import { isStatusError } from '../../api/errors.js';
import { RestClient } from '../../client/rest-client.js';
import { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers } from '../../client/controller.js';
import type { RestTransport } from '../../client/transport.js';

export interface NamespaceControllerOptions {
  transport: RestTransport;
  /** The namespaced resources that can hold content (listable and deletable). */
  resources: () => readonly ResourceInfo[];
  log: Logger;
  /** How soon to look again while content remains (pods stopping, finalizers). */
  recheckMs?: number;
}

const namespaces = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };

export class NamespaceController {
  private readonly client: RestClient;
  private readonly informer: SharedInformer<StoredObject>;
  private readonly queue = new WorkQueue<string>({ name: 'namespace' });

  constructor(private readonly opts: NamespaceControllerOptions) {
    this.client = new RestClient(opts.transport, { fieldManager: 'namespace-controller' });
    this.informer = new SharedInformer(this.client.resource(namespaces), { log: opts.log });
    const enqueue = (ns: KubeObject) => { if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name ?? ''); };
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.informer.start(signal);
    await this.informer.waitForSync(signal);
    await runWorkers(this.queue, 2, (name) => this.reconcile(name), signal, { log: this.opts.log });
  }

  private contentResources(): ResourceInfo[] {
    return this.opts.resources().filter((r) => r.namespaced && !r.virtual && r.verbs.includes('list') && r.verbs.includes('delete'));
  }

  async reconcile(name: string): Promise<void | { requeueAfterMs: number }> {
    const ns = this.informer.lister.get(undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const info of this.contentResources()) {
      const rc = this.client.resource({ group: info.group, version: info.version, resource: info.resource, namespaced: true });
      const list = await rc.list(name);
      for (const item of list.items) {
        remaining++;
        if (item.metadata?.deletionTimestamp) continue;
        try {
          await rc.delete(name, item.metadata!.name!, { propagationPolicy: 'Background' });
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) throw e;
        }
      }
    }
    if (remaining > 0) return { requeueAfterMs: this.opts.recheckMs ?? 1000 };
    const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter((f) => f !== 'kubernetes');
    try {
      await this.client.requestJson({
        method: 'PUT', path: `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`,
        body: { ...ns, spec: { ...(ns.spec as object), finalizers } },
      });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
}
