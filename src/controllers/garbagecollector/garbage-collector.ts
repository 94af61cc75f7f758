// The garbage collector (upstream pkg/controller/garbagecollector): watches every resource that
// can carry ownerReferences, keeps a dependency graph, and
//  - deletes dependents whose owners are all gone (Background propagation),
//  - lets an owner deleted in Foreground wait, through its `foregroundDeletion` finalizer, until
//    the dependents that block it (blockOwnerDeletion) are gone, deleting them first,
//  - for an owner deleted with Orphan, removes its references from the dependents and then the
//    `orphan` finalizer.
// The set of watched resources is refreshed periodically so custom resources join.
import { setMaxListeners } from 'node:events';
import type { Logger } from '../../api/log.js';
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type ReconcileResult } from '../../client/controller.js';
import { realClock, sleep, type Clock } from '../../client/clock.js';
import { isConflict, isNotFound } from '../../client/status.js';
import { EventRecorder } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import {
  DependencyGraph, type GraphNode, foregroundFinalizer, isDeletingDependents, isOrphaning, nodeFrom, orphanFinalizer,
} from './graph.js';
import { OwnerClassifier } from './owners.js';

export interface GarbageCollectorOptions {
  transport: RestTransport;
  log: Logger;
  /** Every resource the API server serves now (custom ones included). */
  resources: () => readonly ResourceInfo[];
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
  /** How often the set of watched resources is compared with `resources()` (default 5 s). */
  resourceRefreshMs?: number;
  /** How often an owner waiting on its dependents is looked at again without news (default 5 s). */
  foregroundRecheckMs?: number;
  /** Longest wait for the first caches before collecting starts (default 30 s). */
  initialSyncTimeoutMs?: number;
}

/** Resources upstream's collector never watches (DefaultIgnoredResources). */
const ignored = new Set(['/events', 'events.k8s.io/events']);

/** The resources worth watching: listable, watchable, deletable, stored; one version per resource. */
export function collectableResources(all: readonly ResourceInfo[]): ResourceInfo[] {
  const seen = new Map<string, ResourceInfo>();
  for (const r of all) {
    const gr = `${r.group}/${r.resource}`;
    if (r.virtual || ignored.has(gr) || seen.has(gr)) continue;
    const verbs = r.verbs as readonly string[];
    if (!['get', 'list', 'watch', 'delete', 'update'].every((v) => verbs.includes(v))) continue;
    seen.set(gr, r);
  }
  return [...seen.values()];
}

const infoKey = (r: ResourceInfo) => `${r.group}/${r.version}/${r.resource}`;
const sameOwners = (a: OwnerReference[], b: OwnerReference[]) =>
  a.length === b.length && a.every((o, i) => o.uid === b[i]!.uid && !!o.blockOwnerDeletion === !!b[i]!.blockOwnerDeletion);

export class GarbageCollector {
  readonly graph = new DependencyGraph();
  readonly queue: WorkQueue<string>;
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly classifier: OwnerClassifier;
  /** Watched resources → the function that detaches our handler. */
  private readonly watched = new Map<string, () => void>();

  constructor(private readonly opts: GarbageCollectorOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    this.client = new RestClient(opts.transport, { fieldManager: 'generic-garbage-collector' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { clock: opts.clock, log: opts.log });
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'garbage-collector-controller', clock: opts.clock, log: opts.log });
    this.queue = new WorkQueue<string>({ name: 'garbage_collector', clock: opts.clock });
    this.classifier = new OwnerClassifier(this.client, this.graph, opts.resources);
  }

  async start(outer: AbortSignal): Promise<void> {
    // One informer per resource listens on this signal: lift the listener warning limit on our own.
    const inner = new AbortController();
    setMaxListeners(0, inner.signal);
    const signal = inner.signal;
    if (outer.aborted) inner.abort();
    else outer.addEventListener('abort', () => inner.abort(), { once: true });
    this.informers.start(signal);
    const initial = this.refreshResources();
    // Like upstream's graph sync: act once the graph holds what exists, so an orphaning owner
    // sees all its dependents; an informer that cannot sync (a CRD going away) does not hold us forever.
    await Promise.race([
      Promise.all(initial.map((i) => i.waitForSync(signal))),
      sleep(this.clock, this.opts.initialSyncTimeoutMs ?? 30_000, signal),
    ]);
    const refresher = (async () => {
      while (await sleep(this.clock, this.opts.resourceRefreshMs ?? 5000, signal)) this.refreshResources();
    })();
    try {
      await runWorkers(this.queue, this.opts.workers ?? 5, (uid) => this.process(uid), signal, { log: this.log });
    } finally {
      await refresher;
      for (const detach of this.watched.values()) detach();
      if (this.ownRecorder) await this.recorder.stop(1000);
    }
  }

  /** Starts watching resources that appeared; stops listening to those that went away. Returns the new informers. */
  refreshResources(): SharedInformer<KubeObject>[] {
    const added: SharedInformer<KubeObject>[] = [];
    const current = new Map(collectableResources(this.opts.resources()).map((r) => [infoKey(r), r]));
    for (const [key, detach] of this.watched) {
      if (!current.has(key)) {
        detach();
        this.watched.delete(key);
      }
    }
    for (const [key, info] of current) {
      if (this.watched.has(key)) continue;
      const inf = this.informers.informerFor<KubeObject>({ group: info.group, version: info.version, resource: info.resource, namespaced: info.namespaced });
      added.push(inf);
      this.watched.set(key, inf.addEventHandler({
        onAdd: (obj) => this.observe(info, obj),
        onUpdate: (_old, obj) => this.observe(info, obj),
        onDelete: (obj) => this.forget(obj),
      }));
    }
    return added;
  }

  private observe(info: ResourceInfo, obj: KubeObject): void {
    const node = nodeFrom(info, obj);
    if (!node) return;
    const old = this.graph.set(node);
    const gcState = (n: GraphNode) => `${!!n.deletionTimestamp}|${isDeletingDependents(n)}|${isOrphaning(n)}`;
    if (!old) {
      if (node.owners.length > 0 || isDeletingDependents(node) || isOrphaning(node)) this.queue.add(node.uid);
      return;
    }
    if (!sameOwners(old.owners, node.owners) || gcState(old) !== gcState(node)) this.queue.add(node.uid);
    // An owner waiting in foreground looks again when a dependent lets go of it.
    for (const o of old.owners) if (!node.owners.some((n) => n.uid === o.uid)) this.wakeWaitingOwner(o.uid);
  }

  private forget(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const old = this.graph.remove(uid);
    // Dependents of a vanished owner may now be garbage.
    for (const d of this.graph.dependents(uid)) this.queue.add(d.uid);
    for (const o of old?.owners ?? obj.metadata?.ownerReferences ?? []) this.wakeWaitingOwner(o.uid);
  }

  private wakeWaitingOwner(uid: string): void {
    const owner = this.graph.get(uid);
    if (owner && isDeletingDependents(owner)) this.queue.add(uid);
  }

  /** One graph node: orphan, wait for dependents, or collect it (upstream attemptToDelete/Orphan). */
  async process(uid: string): Promise<void | ReconcileResult> {
    const node = this.graph.get(uid);
    if (!node) return;
    if (isOrphaning(node)) return this.orphanDependents(node);
    if (isDeletingDependents(node)) return this.processDeletingDependents(node);
    if (node.deletionTimestamp || node.owners.length === 0) return;

    const owners = await this.classifier.classify(node);
    for (const ref of owners.invalid) {
      this.recorder.event(this.objectOf(node), 'Warning', 'OwnerRefInvalidNamespace',
        `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: ${node.namespace ?? ''}, name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace "${node.namespace ?? ''}"`);
    }
    // A cluster-scoped dependent naming a namespaced owner can never resolve: upstream reports it
    // and leaves the object alone rather than guess.
    if (!node.namespace && owners.invalid.length > 0) return;
    if (owners.dangling.length === 0 && owners.waiting.length === 0) return;
    if (owners.solid.length > 0) {
      // Another owner still lives: drop the dead references and stop blocking the deleting ones.
      await this.rewriteOwners(node, (refs) => refs
        .filter((r) => !owners.dangling.some((d) => d.uid === r.uid))
        .map((r) => (owners.waiting.some((w) => w.uid === r.uid) && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)));
      return;
    }
    // Every owner is gone or deleting in foreground: collect the dependent. One that has
    // dependents of its own and an owner waiting on it is deleted in foreground too, so the chain waits.
    let policy: 'Background' | 'Foreground' | 'Orphan' = 'Background';
    if (owners.waiting.length > 0 && this.graph.dependents(node.uid).length > 0) policy = 'Foreground';
    else if (node.finalizers.includes(orphanFinalizer)) policy = 'Orphan';
    else if (node.finalizers.includes(foregroundFinalizer)) policy = 'Foreground';
    try {
      await this.clientFor(node.info).delete(node.namespace, node.name, { propagationPolicy: policy, preconditions: { uid: node.uid } });
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return;
      this.recorder.event(this.objectOf(node), 'Warning', 'FailedDelete', `garbage collector failed to delete: ${String(e)}`);
      throw e;
    }
  }

  /** Foreground: delete the dependents, then drop the finalizer once no blocking one is left. */
  private async processDeletingDependents(owner: GraphNode): Promise<void | ReconcileResult> {
    for (const d of this.graph.dependents(owner.uid)) if (!d.deletionTimestamp) this.queue.add(d.uid);
    if (this.graph.blockingDependents(owner.uid).length > 0) return { requeueAfterMs: this.opts.foregroundRecheckMs ?? 5000 };
    await this.removeFinalizer(owner, foregroundFinalizer);
  }

  /** Orphan: remove the owner from every dependent's references, then the `orphan` finalizer. */
  private async orphanDependents(owner: GraphNode): Promise<void> {
    for (const d of this.graph.dependents(owner.uid)) {
      await this.rewriteOwners(d, (refs) => refs.filter((r) => r.uid !== owner.uid));
    }
    await this.removeFinalizer(owner, orphanFinalizer);
  }

  private clientFor(info: ResourceInfo): ResourceClient<KubeObject> {
    return this.client.resource<KubeObject>({ group: info.group, version: info.version, resource: info.resource, namespaced: info.namespaced });
  }

  private objectOf(node: GraphNode): KubeObject {
    const apiVersion = node.info.group ? `${node.info.group}/${node.info.version}` : node.info.version;
    return { apiVersion, kind: node.info.kind, metadata: { name: node.name, namespace: node.namespace, uid: node.uid } };
  }

  /** Reads the live object and writes it back with `edit` applied to its ownerReferences. */
  private async rewriteOwners(node: GraphNode, edit: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
    await this.updateLive(node, (obj) => {
      const refs = obj.metadata!.ownerReferences ?? [];
      const next = edit(refs);
      if (sameOwners(refs, next)) return false;
      obj.metadata!.ownerReferences = next.length ? next : undefined;
      return true;
    });
  }

  private async removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    await this.updateLive(node, (obj) => {
      const f = obj.metadata!.finalizers ?? [];
      if (!f.includes(finalizer)) return false;
      obj.metadata!.finalizers = f.filter((x) => x !== finalizer);
      return true;
    });
  }

  /** GET, edit, PUT with conflict retries; a vanished or replaced object is left alone. */
  private async updateLive(node: GraphNode, edit: (obj: KubeObject) => boolean): Promise<void> {
    const rc = this.clientFor(node.info);
    for (let attempt = 0; ; attempt++) {
      try {
        const obj = await rc.get(node.namespace, node.name);
        if (obj.metadata?.uid !== node.uid) return;
        if (!edit(obj)) return;
        await rc.update(node.namespace, obj);
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (isConflict(e) && attempt < 5) continue;
        throw e;
      }
    }
  }
}
