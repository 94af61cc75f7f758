// The ReplicaSet controller (upstream pkg/controller/replicaset): keeps spec.replicas active pods
// for every ReplicaSet, adopting and releasing pods by selector, with expectations so that a burst
// of watch events does not over-create, slow-start creation batches, upstream's deletion order,
// and status written through the status subresource only when it changed.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { splitKey } from '../../client/paths.js';
import { isConflict, isNotFound } from '../../client/status.js';
import { EventRecorder } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { claimCandidates, claimObjects, recheckOwner } from '../common/claim.js';
import { ControllerExpectations } from '../common/expectations.js';
import { controllerIndex, getControllerOf, indexByController, newControllerRef } from '../common/owner.js';
import { PodControl, isNamespaceTerminating } from '../common/pod-control.js';
import { isPodActive, isPodReady, podsToDelete } from '../common/pods.js';
import { slowStartBatch } from '../common/slow-start.js';
import { podsResource, replicaSetsResource, type PodObject, type ReplicaSetObject } from '../common/types.js';
import { calculateStatus } from './status.js';

export interface ReplicaSetControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
  /** Most pods created or deleted in one sync (upstream BurstReplicas). */
  burstReplicas?: number;
}

const podKey = (p: KubeObject) => `${p.metadata?.namespace}/${p.metadata?.name}`;

export class ReplicaSetController {
  readonly expectations: ControllerExpectations;
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly rsInformer: SharedInformer<ReplicaSetObject>;
  private readonly podInformer: SharedInformer<PodObject>;
  private readonly rsClient: ResourceClient<ReplicaSetObject>;
  private readonly podClient: ResourceClient<PodObject>;
  private readonly podControl: PodControl;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;
  readonly queue: WorkQueue<string>;

  constructor(private readonly opts: ReplicaSetControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    this.client = new RestClient(opts.transport, { fieldManager: 'replicaset-controller' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { clock: opts.clock, log: opts.log });
    this.rsInformer = this.informers.informerFor<ReplicaSetObject>(replicaSetsResource, { indexers: { [controllerIndex]: indexByController } });
    this.podInformer = this.informers.informerFor<PodObject>(podsResource, { indexers: { [controllerIndex]: indexByController } });
    this.rsClient = this.client.resource<ReplicaSetObject>(replicaSetsResource);
    this.podClient = this.client.resource<PodObject>(podsResource);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'replicaset-controller', clock: opts.clock, log: opts.log });
    this.podControl = new PodControl(this.podClient, this.recorder);
    this.expectations = new ControllerExpectations({ clock: this.clock });
    this.queue = new WorkQueue<string>({ name: 'replicaset', clock: opts.clock });

    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_o, rs) => this.enqueue(rs),
      onDelete: (rs) => {
        this.expectations.delete(podKey(rs));
        this.enqueue(rs);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({
      informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 5, reconcile: (k) => this.sync(k), signal, log: this.log,
      onStop: () => (this.ownRecorder ? this.recorder.stop(1000) : undefined),
    });
  }

  private enqueue(rs: KubeObject): void {
    this.queue.add(podKey(rs));
  }

  /** The ReplicaSet a pod's controller reference points at, if it is one we know. */
  private resolveController(pod: PodObject): ReplicaSetObject | undefined {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.rsInformer.lister.get(pod.metadata.namespace, ref.name);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets in the pod's namespace whose selector matches it (for orphans). */
  private matchingReplicaSets(pod: PodObject): ReplicaSetObject[] {
    return this.rsInformer.lister.list({ namespace: pod.metadata.namespace }).filter((rs) => {
      try {
        const sel = labelSelectorFromObject(rs.spec.selector);
        return !sel.empty() && sel.matches(pod.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  private podAdded(pod: PodObject): void {
    if (pod.metadata.deletionTimestamp) {
      // Restarted controller seeing a pod already being deleted: a deletion, not a creation.
      this.podDeleted(pod);
      return;
    }
    const rs = this.resolveController(pod);
    if (rs) {
      this.expectations.creationObserved(podKey(rs));
      this.enqueue(rs);
      return;
    }
    if (getControllerOf(pod)) return;
    for (const m of this.matchingReplicaSets(pod)) this.enqueue(m);
  }

  private podUpdated(old: PodObject, cur: PodObject): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = canonicalJson(old.metadata.labels) !== canonicalJson(cur.metadata.labels);
    if (cur.metadata.deletionTimestamp) {
      this.podDeleted(cur);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const oldRef = getControllerOf(old), curRef = getControllerOf(cur);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const oldRs = this.resolveController(old);
      if (oldRs) this.enqueue(oldRs);
    }
    if (curRef) {
      const rs = this.resolveController(cur);
      if (!rs) return;
      this.enqueue(rs);
      // A pod that just became ready turns available after minReadySeconds: look again then.
      const minReady = rs.spec.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(podKey(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const m of this.matchingReplicaSets(cur)) this.enqueue(m);
  }

  private podDeleted(pod: PodObject): void {
    const rs = this.resolveController(pod);
    if (!rs) return;
    this.expectations.deletionObserved(podKey(rs), podKey(pod));
    this.enqueue(rs);
  }

  /** Reconciles one ReplicaSet by key (upstream syncReplicaSet). */
  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.rsInformer.lister.get(namespace, name);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = cached;
    const needsSync = this.expectations.satisfied(key);
    let selector;
    try {
      selector = labelSelectorFromObject(rs.spec.selector);
    } catch (e) {
      this.log.warn('invalid ReplicaSet selector', { key, err: e });
      return;
    }
    const candidates = claimCandidates(this.podInformer.indexer, rs).filter(isPodActive);
    const pods = await claimObjects(candidates, {
      owner: rs, ownerApiVersion: 'apps/v1', ownerKind: 'ReplicaSet', selector, client: this.podClient,
      canAdopt: recheckOwner(() => this.rsClient.get(namespace, name), rs.metadata.uid),
    });

    let manageError: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, pods, rs);
      } catch (e) {
        manageError = e;
      }
    }
    const now = this.clock.now();
    const status = calculateStatus(rs, pods, manageError, now);
    const updated = await this.updateStatus(rs, status);
    if (manageError !== undefined) throw manageError;
    const minReady = rs.spec.minReadySeconds ?? 0;
    const st = updated.status ?? {} as NonNullable<ReplicaSetObject['status']>;
    if (minReady > 0 && st.readyReplicas === (rs.spec.replicas ?? 1) && st.availableReplicas !== (rs.spec.replicas ?? 1)) {
      return { requeueAfterMs: minReady * 1000 };
    }
  }

  /**
   * Writes status when it changed. The cached copy is often a write behind (our own last status
   * write, or the Deployment controller's scale), so on a conflict read the set fresh and try once
   * more, as upstream's updateReplicaSetStatus (statusUpdateRetries = 1).
   */
  private async updateStatus(rs: ReplicaSetObject, status: ReplicaSetObject['status']): Promise<ReplicaSetObject> {
    let current = rs;
    for (let attempt = 0; ; attempt++) {
      if (canonicalJson(current.status) === canonicalJson(status)) return current;
      try {
        return await this.rsClient.updateStatus(current.metadata.namespace, { ...current, apiVersion: 'apps/v1', kind: 'ReplicaSet', status });
      } catch (e) {
        if (!isConflict(e) || attempt >= 1) throw e;
        // The counts carry observedGeneration of the spec they were computed for, so they may be
        // written over a newer spec too (upstream does); the next sync catches up.
        current = await this.rsClient.get(current.metadata.namespace, current.metadata.name);
        if (current.metadata.uid !== rs.metadata.uid) throw e;
      }
    }
  }

  /** Creates or deletes pods so that `pods` reaches spec.replicas (upstream manageReplicas). */
  private async manageReplicas(key: string, pods: PodObject[], rs: ReplicaSetObject): Promise<void> {
    const burst = this.opts.burstReplicas ?? 500;
    const want = rs.spec.replicas ?? 1;
    let diff = pods.length - want;
    const ns = rs.metadata.namespace!;
    if (diff < 0) {
      diff = Math.min(-diff, burst);
      // Expect the creations before making them: the watch may report them before we return.
      this.expectations.expectCreations(key, diff);
      const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
      const rsObj: KubeObject = { ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' };
      const { successes, error } = await slowStartBatch(diff, 1, async () => {
        try {
          await this.podControl.createPod(ns, rs.spec.template, rsObj, ref);
        } catch (e) {
          if (isNamespaceTerminating(e)) return;
          throw e;
        }
      });
      // Creations that failed or were skipped will never be observed.
      for (let i = successes; i < diff; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      diff = Math.min(diff, burst);
      const related = this.relatedPods(rs);
      const victims = podsToDelete(pods, related, diff, this.clock.now());
      this.expectations.expectDeletions(key, victims.map(podKey));
      const rsObj: KubeObject = { ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' };
      const results = await Promise.allSettled(victims.map(async (p) => {
        try {
          await this.podControl.deletePod(ns, p.metadata.name, rsObj);
        } catch (e) {
          this.expectations.deletionObserved(key, podKey(p));
          throw e;
        }
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed && !isNotFound(failed.reason)) throw failed.reason;
    }
  }

  /** Pods of every ReplicaSet sharing this one's controller (upstream getIndirectlyRelatedPods). */
  private relatedPods(rs: ReplicaSetObject): PodObject[] {
    const owner = getControllerOf(rs);
    const sets = owner ? this.rsInformer.indexer.byIndex(controllerIndex, owner.uid) : [rs];
    return sets.flatMap((s) => this.podInformer.indexer.byIndex(controllerIndex, s.metadata.uid));
  }
}
