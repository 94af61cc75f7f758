// Serves CustomResourceDefinitions: keeps the set of served custom resources in step with the
// CRDs (through an informer on the API, like every controller), accepts their names and marks
// them Established, and on deletion removes every custom object before releasing the CRD's
// cleanup finalizer (upstream's naming, establishing and finalizer controllers, in one loop).
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject, StoredObject } from '../../api/types.js';
import type { Logger } from '../../api/log.js';
import { isStatusError } from '../../api/errors.js';
import type { RestTransport } from '../../client/transport.js';
import { RestClient } from '../../client/rest-client.js';
import { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers } from '../../client/controller.js';
import { customResourceSchemas, type ExtraSchema } from '../openapi/index.js';
import { condition, viewOf, type CustomResourceDefinitionView, type CustomResourceVersion } from './crd-info.js';

export const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';
const crdRef = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export interface CustomResourceControllerOptions {
  transport: RestTransport;
  log: Logger;
  /** Called whenever the set of served custom resources changes. */
  onChange: () => void;
  now?: () => Date;
}

export class CustomResourceController {
  private readonly client: RestClient;
  private readonly informer: SharedInformer<StoredObject>;
  private readonly queue = new WorkQueue<string>({ name: 'crd' });
  /** Served definitions by CRD name. */
  private readonly served = new Map<string, CustomResourceDefinitionView>();
  private readonly byGvr = new Map<string, CustomResourceVersion>();
  private readonly now: () => Date;

  constructor(private readonly opts: CustomResourceControllerOptions) {
    this.client = new RestClient(opts.transport, { fieldManager: 'apiextensions-controller' });
    this.informer = new SharedInformer(this.client.resource(crdRef), { log: opts.log });
    this.now = opts.now ?? (() => new Date());
    const enqueue = (o: KubeObject) => this.queue.add(o.metadata?.name ?? '');
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.informer.start(signal);
    await this.informer.waitForSync(signal);
    await runWorkers(this.queue, 1, (name) => this.reconcile(name), signal, { log: this.opts.log });
  }

  /** Waits until the CRDs that existed at start are served (for start-up ordering). */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    return this.informer.waitForSync(signal);
  }

  resources(): ResourceInfo[] {
    return [...this.byGvr.values()].map((v) => v.info);
  }

  version(group: string, version: string, resource: string): CustomResourceVersion | undefined {
    return this.byGvr.get(`${group}/${version}/${resource}`);
  }

  /** OpenAPI schemas of the served custom kinds. */
  openApiSchemas(): ExtraSchema[] {
    return customResourceSchemas(this.informer.lister.list().filter((c) => this.served.has(c.metadata.name)));
  }

  definition(group: string, resource: string): CustomResourceDefinitionView | undefined {
    for (const d of this.served.values()) if (d.group === group && d.plural === resource) return d;
    return undefined;
  }

  private rebuild(): void {
    this.byGvr.clear();
    for (const d of this.served.values()) for (const v of d.versions) this.byGvr.set(`${d.group}/${v.info.version}/${d.plural}`, v);
    this.opts.onChange();
  }

  async reconcile(name: string): Promise<void | { requeueAfterMs: number }> {
    const crd = this.informer.lister.get(undefined, name);
    if (!crd) {
      if (this.served.delete(name)) this.rebuild();
      return;
    }
    const view = viewOf(crd);
    const conflict = this.nameConflict(view);
    const nowTs = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const wanted: Obj[] = [];
    if (conflict) {
      wanted.push(condition('NamesAccepted', 'False', 'NameConflict', conflict, nowTs));
      wanted.push(condition('Established', 'False', 'NotAccepted', 'not all names are accepted', nowTs));
    } else {
      wanted.push(condition('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found', nowTs));
      wanted.push(condition('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted', nowTs));
    }
    if (crd.metadata.deletionTimestamp) wanted.push(condition('Terminating', 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress', nowTs));
    if (!conflict) {
      const before = JSON.stringify(this.served.get(name));
      this.served.set(name, view);
      if (JSON.stringify(view) !== before) this.rebuild();
    }
    await this.writeStatus(crd, wanted, conflict ? undefined : rec(rec(crd.spec).names));
    if (crd.metadata.deletionTimestamp) return this.cleanUp(crd, view);
  }

  private nameConflict(view: CustomResourceDefinitionView): string | undefined {
    for (const other of this.served.values()) {
      if (other.name === view.name || other.group !== view.group) continue;
      if (other.plural === view.plural) return `"${view.plural}" is already in use`;
      if (other.kind === view.kind) return `"${view.kind}" is already in use`;
      const taken = new Set([other.singular, ...other.shortNames]);
      const clash = [view.singular, ...view.shortNames].find((n) => taken.has(n));
      if (clash) return `"${clash}" is already in use`;
    }
    return undefined;
  }

  private async writeStatus(crd: StoredObject, wanted: Obj[], acceptedNames: Obj | undefined): Promise<void> {
    const status = rec(crd.status);
    const current = Array.isArray(status.conditions) ? status.conditions.map(rec) : [];
    const merged = wanted.map((w) => {
      const old = current.find((c) => c.type === w.type);
      // lastTransitionTime only moves when the status flips.
      return old && old.status === w.status && old.reason === w.reason ? { ...w, lastTransitionTime: old.lastTransitionTime } : w;
    });
    const storedVersions = Array.isArray(status.storedVersions) ? [...(status.storedVersions as string[])] : [];
    const storage = viewOf(crd).storageVersion;
    if (storage && !storedVersions.includes(storage)) storedVersions.push(storage);
    const next = { ...status, conditions: merged, ...(acceptedNames ? { acceptedNames } : {}), storedVersions };
    if (JSON.stringify(next) === JSON.stringify(status)) return;
    try {
      await this.client.resource(crdRef).updateStatus(undefined, { ...crd, status: next });
    } catch (e) {
      if (isStatusError(e, 'Conflict')) { this.queue.add(crd.metadata.name); return; }
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }

  /** Deletes every custom object of a CRD being deleted, then releases its finalizer. */
  private async cleanUp(crd: StoredObject, view: CustomResourceDefinitionView): Promise<void | { requeueAfterMs: number }> {
    const storage = view.versions.find((v) => v.info.version === view.storageVersion) ?? view.versions[0];
    if (storage) {
      const rc = this.client.resource({ group: view.group, version: storage.info.version, resource: view.plural, namespaced: view.namespaced });
      const list = await rc.list();
      for (const item of list.items) {
        if (item.metadata?.deletionTimestamp) continue;
        try {
          await rc.delete(item.metadata?.namespace, item.metadata!.name!);
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) throw e;
        }
      }
      if (list.items.length) return { requeueAfterMs: 200 };
    }
    const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== cleanupFinalizer);
    try {
      await this.client.resource(crdRef).patch(undefined, crd.metadata.name, 'merge', { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: crd.metadata.resourceVersion } });
    } catch (e) {
      if (isStatusError(e, 'Conflict')) return { requeueAfterMs: 50 };
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
}
