// The StatefulSet controller (upstream pkg/controller/statefulset): pods with stable ordinal
// names and storage, created in order (OrderedReady: one at a time, each Running and Ready before
// the next; Parallel: all at once), removed from the highest ordinal down, re-created under the
// same name when deleted or finished, and updated through ControllerRevisions: RollingUpdate from
// the highest ordinal down to the partition, one pod at a time, or OnDelete.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { splitKey } from '../../client/paths.js';
import { isAlreadyExists, isNotFound } from '../../client/status.js';
import { EventRecorder } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { claimCandidates, claimObjects, recheckOwner } from '../common/claim.js';
import { controllerIndex, getControllerOf, indexByController } from '../common/owner.js';
import { isPodAvailable, isPodReady } from '../common/pods.js';
import { errorMessage } from '../common/pod-control.js';
import { podsResource, type PodObject } from '../common/types.js';
import {
  claimsFor, claimName, ordinalOf, pvcsResource, statefulPod, statefulSetsResource, type PvcObject, type StatefulSetObject,
} from './identity.js';
import {
  controllerRevisionsResource, ensureRevision, podRevisionLabel, templateOf, truncateHistory, type RevisionObject,
} from './revisions.js';

export interface StatefulSetControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
}

const key = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;

export function isRunningAndReady(pod: PodObject): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

const isTerminal = (p: PodObject) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

export class StatefulSetController {
  readonly queue: WorkQueue<string>;
  private readonly informers: InformerFactory;
  private readonly setInformer: SharedInformer<StatefulSetObject>;
  private readonly podInformer: SharedInformer<PodObject>;
  private readonly revInformer: SharedInformer<RevisionObject>;
  private readonly sets: ResourceClient<StatefulSetObject>;
  private readonly pods: ResourceClient<PodObject>;
  private readonly pvcs: ResourceClient<PvcObject>;
  private readonly revisions: ResourceClient<RevisionObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: StatefulSetControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    const client = new RestClient(opts.transport, { fieldManager: 'statefulset-controller' });
    this.informers = opts.informers ?? new InformerFactory(client, { clock: opts.clock, log: opts.log });
    this.setInformer = this.informers.informerFor<StatefulSetObject>(statefulSetsResource);
    this.podInformer = this.informers.informerFor<PodObject>(podsResource, { indexers: { [controllerIndex]: indexByController } });
    this.revInformer = this.informers.informerFor<RevisionObject>(controllerRevisionsResource, { indexers: { [controllerIndex]: indexByController } });
    this.sets = client.resource<StatefulSetObject>(statefulSetsResource);
    this.pods = client.resource<PodObject>(podsResource);
    this.pvcs = client.resource<PvcObject>(pvcsResource);
    this.revisions = client.resource<RevisionObject>(controllerRevisionsResource);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'statefulset-controller', clock: opts.clock, log: opts.log });
    this.queue = new WorkQueue<string>({ name: 'statefulset', clock: opts.clock });
    this.setInformer.addEventHandler({ onAdd: (s) => this.queue.add(key(s)), onUpdate: (_o, s) => this.queue.add(key(s)) });
    const wake = (p: PodObject) => {
      const ref = getControllerOf(p);
      if (ref?.kind === 'StatefulSet') {
        this.queue.add(`${p.metadata.namespace}/${ref.name}`);
        return;
      }
      if (ref) return;
      for (const s of this.setInformer.lister.list({ namespace: p.metadata.namespace })) {
        try {
          if (labelSelectorFromObject(s.spec.selector).matches(p.metadata.labels)) this.queue.add(key(s));
        } catch { /* invalid selector */ }
      }
    };
    this.podInformer.addEventHandler({ onAdd: wake, onUpdate: (_o, p) => wake(p), onDelete: wake });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({
      informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 5, reconcile: (k) => this.sync(k), signal, log: this.log,
      onStop: () => (this.ownRecorder ? this.recorder.stop(1000) : undefined),
    });
  }

  /** Reconciles one StatefulSet by key (upstream syncStatefulSet / UpdateStatefulSet). */
  async sync(k: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(k);
    const cached = this.setInformer.lister.get(namespace, name);
    if (!cached) return;
    const set: StatefulSetObject = { ...cached, apiVersion: 'apps/v1', kind: 'StatefulSet' };
    const ns = namespace!;
    let selector;
    try {
      selector = labelSelectorFromObject(set.spec.selector);
    } catch (e) {
      this.log.warn('invalid StatefulSet selector', { key: k, err: e });
      return;
    }
    const candidates = claimCandidates(this.podInformer.indexer, set).filter((p) => ordinalOf(set, p) !== undefined);
    const pods = await claimObjects(candidates, {
      owner: set, ownerApiVersion: 'apps/v1', ownerKind: 'StatefulSet', selector, client: this.pods,
      canAdopt: recheckOwner(() => this.sets.get(ns, name), set.metadata.uid),
    });
    const revisions = this.revInformer.indexer.byIndex(controllerIndex, set.metadata.uid);
    const ensured = await ensureRevision(this.revisions, { obj: set, apiVersion: 'apps/v1', kind: 'StatefulSet', template: set.spec.template }, revisions, set.status?.collisionCount ?? 0);
    const updateRev = ensured.revision;
    const currentRev = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? updateRev;

    let actionError: unknown;
    if (!set.metadata.deletionTimestamp) {
      try {
        await this.updatePods(set, pods, currentRev, updateRev);
      } catch (e) {
        actionError = e;
      }
    }
    const status = this.computeStatus(set, pods, currentRev, updateRev, ensured.collisionCount);
    if (canonicalJson(cached.status) !== canonicalJson(status)) {
      await this.sets.updateStatus(ns, { ...set, status });
    }
    const live = new Set([currentRev.metadata.name, updateRev.metadata.name, ...pods.map((p) => p.metadata.labels?.[podRevisionLabel] ?? '')]);
    await truncateHistory(this.revisions, revisions.filter((r) => r.metadata.name !== updateRev.metadata.name), live, set.spec.revisionHistoryLimit ?? 10);
    if (actionError !== undefined) throw actionError;
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) return { requeueAfterMs: minReady * 1000 };
  }

  /** Creates, deletes and updates pods; returns at the first step it must wait on (upstream updateStatefulSet). */
  private async updatePods(set: StatefulSetObject, pods: PodObject[], currentRev: RevisionObject, updateRev: RevisionObject): Promise<void> {
    const replicas = set.spec.replicas ?? 1;
    const start = set.spec.ordinals?.start ?? 0;
    const monotonic = set.spec.podManagementPolicy !== 'Parallel';
    const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const slots = new Map<number, PodObject>();
    const condemned: PodObject[] = [];
    for (const p of pods) {
      const ord = ordinalOf(set, p)!;
      if (ord >= start && ord < start + replicas) slots.set(ord, p);
      else condemned.push(p);
    }
    const minReady = set.spec.minReadySeconds ?? 0;
    const healthy = (p: PodObject) => isRunningAndReady(p) && !p.metadata.deletionTimestamp && isPodAvailable(p, minReady, this.clock.now());

    for (let ord = start; ord < start + replicas; ord++) {
      const pod = slots.get(ord);
      if (!pod) {
        const rev = rolling && ord < partition ? currentRev : updateRev;
        await this.createPod(set, rev, ord);
        if (monotonic) return;
        continue;
      }
      if (isTerminal(pod) && !pod.metadata.deletionTimestamp) {
        // A finished pod is replaced under the same name.
        await this.deletePod(set, pod);
        if (monotonic) return;
        continue;
      }
      if (monotonic && !healthy(pod)) return;
    }

    condemned.sort((a, b) => ordinalOf(set, b)! - ordinalOf(set, a)!);
    // Every replica is healthy by now in OrderedReady mode, so the first unhealthy pod is the
    // lowest-ordinal unhealthy condemned one: only it may go while unhealthy (upstream).
    const firstUnhealthy = [...condemned].reverse().find((p) => !healthy(p));
    for (const pod of condemned) {
      if (pod.metadata.deletionTimestamp) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && !healthy(pod) && pod !== firstUnhealthy) return;
      await this.retainOrReleaseClaims(set, pod);
      await this.deletePod(set, pod);
      if (monotonic) return;
    }

    if (!rolling) return;
    for (let ord = start + replicas - 1; ord >= Math.max(start, partition); ord--) {
      const pod = slots.get(ord);
      if (!pod) return;
      if (pod.metadata.labels?.[podRevisionLabel] !== updateRev.metadata.name && !pod.metadata.deletionTimestamp) {
        this.log.debug('StatefulSet terminating pod for update', { set: key(set), pod: pod.metadata.name });
        await this.deletePod(set, pod);
        return;
      }
      if (!healthy(pod)) return;
    }
  }

  private async createPod(set: StatefulSetObject, rev: RevisionObject, ordinal: number): Promise<void> {
    const ns = set.metadata.namespace!;
    const podName = `${set.metadata.name}-${ordinal}`;
    for (const claim of claimsFor(set, ordinal)) {
      try {
        await this.pvcs.create(ns, claim);
        this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata!.name} Pod ${podName} in StatefulSet ${set.metadata.name} success`);
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata!.name} for Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(e)}`);
        throw e;
      }
    }
    try {
      await this.pods.create(ns, statefulPod(set, templateOf(rev), rev.metadata.name, ordinal));
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (isAlreadyExists(e)) return; // the cache has not shown it yet
      this.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(e)}`);
      throw e;
    }
  }

  private async deletePod(set: StatefulSetObject, pod: PodObject): Promise<void> {
    try {
      // The UID precondition keeps a stale cache from deleting the pod's replacement.
      await this.pods.delete(pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
      this.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (isNotFound(e)) return;
      this.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(e)}`);
      throw e;
    }
  }

  /**
   * persistentVolumeClaimRetentionPolicy.whenScaled=Delete: a condemned pod's claims get the pod as
   * owner, so the garbage collector removes them with it (upstream updateClaimOwnerRefForSetAndPod).
   */
  private async retainOrReleaseClaims(set: StatefulSetObject, pod: PodObject): Promise<void> {
    if (set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const ord = ordinalOf(set, pod)!;
    for (const c of set.spec.volumeClaimTemplates ?? []) {
      const n = claimName(c.metadata?.name ?? '', set, ord);
      try {
        const pvc = await this.pvcs.get(pod.metadata.namespace, n);
        if (pvc.metadata.ownerReferences?.some((r) => r.uid === pod.metadata.uid)) continue;
        const refs = [...(pvc.metadata.ownerReferences ?? []), { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid }];
        await this.pvcs.patch(pod.metadata.namespace, n, 'merge', { metadata: { ownerReferences: refs, resourceVersion: pvc.metadata.resourceVersion } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  private computeStatus(set: StatefulSetObject, pods: PodObject[], currentRev: RevisionObject, updateRev: RevisionObject, collision?: number): StatefulSetStatus {
    const now = this.clock.now();
    const minReady = set.spec.minReadySeconds ?? 0;
    const st: StatefulSetStatus = {
      observedGeneration: set.metadata.generation,
      replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0,
      currentRevision: currentRev.metadata.name, updateRevision: updateRev.metadata.name,
      collisionCount: collision ?? set.status?.collisionCount ?? 0,
    };
    for (const p of pods) {
      st.replicas++;
      if (isRunningAndReady(p)) {
        st.readyReplicas!++;
        if (isPodAvailable(p, minReady, now)) st.availableReplicas!++;
      }
      if (p.metadata.deletionTimestamp) continue;
      const rev = p.metadata.labels?.[podRevisionLabel];
      if (rev === currentRev.metadata.name) st.currentReplicas!++;
      if (rev === updateRev.metadata.name) st.updatedReplicas!++;
    }
    // upstream completeRollingUpdate: once every pod runs the update revision and is ready.
    const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const want = set.spec.replicas ?? 1;
    if (rolling && st.replicas === want && st.updatedReplicas === want && st.readyReplicas === want) {
      st.currentReplicas = st.updatedReplicas;
      st.currentRevision = st.updateRevision;
    }
    if (set.status?.conditions) st.conditions = set.status.conditions;
    return st;
  }
}
