// The Deployment controller (upstream pkg/controller/deployment): one ReplicaSet per pod template
// (named <deployment>-<pod-template-hash>), RollingUpdate and Recreate rollouts, proportional
// scaling, revisions and history cleanup, pause/resume, and status with the Available and
// Progressing conditions that `kubectl rollout status`, helm and kstatus read.
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
import { isConflict } from '../../client/status.js';
import { EventRecorder } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { claimCandidates, claimObjects, recheckOwner } from '../common/claim.js';
import { controllerIndex, getControllerOf, indexByController } from '../common/owner.js';
import { getCondition, setCondition } from '../common/conditions.js';
import { deepCopy, deploymentsResource, podsResource, replicaSetsResource, type DeploymentObject, type PodObject, type ReplicaSetObject } from '../common/types.js';
import type { DeploymentOps } from './ops.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scale } from './replicasets.js';
import { rolloutRecreate, rolloutRolling } from './rollout.js';
import { calculateStatus, depCondition, reasons } from './status.js';
import { activeReplicaSets, desiredReplicas, desiredReplicasFromAnnotation, hasProgressDeadline, revisionAnnotation } from './util.js';

export interface DeploymentControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
}

const keyOf = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;

export class DeploymentController {
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly dInformer: SharedInformer<DeploymentObject>;
  private readonly rsInformer: SharedInformer<ReplicaSetObject>;
  private readonly podInformer: SharedInformer<PodObject>;
  private readonly dClient: ResourceClient<DeploymentObject>;
  private readonly rsClient: ResourceClient<ReplicaSetObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** The revision annotation as the server last had it, per working copy (see writeStatus). */
  private readonly serverRevision = new WeakMap<DeploymentObject, string | undefined>();
  readonly queue: WorkQueue<string>;

  constructor(private readonly opts: DeploymentControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    this.client = new RestClient(opts.transport, { fieldManager: 'deployment-controller' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { clock: opts.clock, log: opts.log });
    this.dInformer = this.informers.informerFor<DeploymentObject>(deploymentsResource);
    this.rsInformer = this.informers.informerFor<ReplicaSetObject>(replicaSetsResource, { indexers: { [controllerIndex]: indexByController } });
    this.podInformer = this.informers.informerFor<PodObject>(podsResource, { indexers: { [controllerIndex]: indexByController } });
    this.dClient = this.client.resource<DeploymentObject>(deploymentsResource);
    this.rsClient = this.client.resource<ReplicaSetObject>(replicaSetsResource);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'deployment-controller', clock: opts.clock, log: opts.log });
    this.queue = new WorkQueue<string>({ name: 'deployment', clock: opts.clock });

    const enqueueD = (d: KubeObject) => this.queue.add(keyOf(d));
    this.dInformer.addEventHandler({ onAdd: enqueueD, onUpdate: (_o, d) => enqueueD(d), onDelete: enqueueD });
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.replicaSetChanged(undefined, rs),
      onUpdate: (old, rs) => this.replicaSetChanged(old, rs),
      onDelete: (rs) => { const d = this.resolveOwner(rs); if (d) enqueueD(d); },
    });
    this.podInformer.addEventHandler({ onDelete: (pod) => this.podDeleted(pod) });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({
      informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 5, reconcile: (k) => this.sync(k), signal, log: this.log,
      onStop: () => (this.ownRecorder ? this.recorder.stop(1000) : undefined),
    });
  }

  private resolveOwner(rs: ReplicaSetObject): DeploymentObject | undefined {
    const ref = getControllerOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.dInformer.lister.get(rs.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private deploymentsSelecting(rs: ReplicaSetObject): DeploymentObject[] {
    return this.dInformer.lister.list({ namespace: rs.metadata.namespace }).filter((d) => {
      try {
        const sel = labelSelectorFromObject(d.spec.selector);
        return !sel.empty() && sel.matches(rs.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  private replicaSetChanged(old: ReplicaSetObject | undefined, rs: ReplicaSetObject): void {
    if (old && old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
    const oldRef = old && getControllerOf(old), ref = getControllerOf(rs);
    if (old && oldRef && oldRef.uid !== ref?.uid) {
      const prev = this.resolveOwner(old);
      if (prev) this.queue.add(keyOf(prev));
    }
    if (ref) {
      const d = this.resolveOwner(rs);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    const labelsChanged = !old || canonicalJson(old.metadata.labels) !== canonicalJson(rs.metadata.labels);
    if (labelsChanged || oldRef) for (const d of this.deploymentsSelecting(rs)) this.queue.add(keyOf(d));
  }

  /** Recreate waits for old pods to be gone, so their deletion is news. */
  private podDeleted(pod: PodObject): void {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.rsInformer.lister.get(pod.metadata.namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = this.resolveOwner(rs);
    if (d && d.spec.strategy?.type === 'Recreate') this.queue.add(keyOf(d));
  }

  private ops(): DeploymentOps {
    return {
      now: () => this.clock.now(),
      getReplicaSet: (ns, name) => this.rsInformer.lister.get(ns, name),
      createReplicaSet: (ns, rs) => this.rsClient.create(ns, rs),
      updateReplicaSet: (rs) => this.updateReplicaSet(rs),
      deleteReplicaSet: async (rs) => { await this.rsClient.delete(rs.metadata.namespace, rs.metadata.name, { propagationPolicy: 'Background' }); },
      writeStatus: (d) => this.writeStatus(d),
      event: (d, type, reason, message) => this.recorder.event({ ...d, apiVersion: 'apps/v1', kind: 'Deployment' }, type, reason, message),
    };
  }

  /**
   * Updates a ReplicaSet's size, minReadySeconds and annotations. The cached copy is often behind
   * the ReplicaSet controller's latest status write; when a conflict shows only that (same
   * generation: nobody changed the spec), the change is re-applied to the fresh object once
   * instead of waiting for a rate-limited retry of the whole sync.
   */
  private async updateReplicaSet(rs: ReplicaSetObject): Promise<ReplicaSetObject> {
    const ns = rs.metadata.namespace;
    try {
      return await this.rsClient.update(ns, { ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' });
    } catch (e) {
      if (!isConflict(e)) throw e;
      const fresh = await this.rsClient.get(ns, rs.metadata.name);
      if (fresh.metadata.uid !== rs.metadata.uid || fresh.metadata.generation !== rs.metadata.generation) throw e;
      return this.rsClient.update(ns, {
        ...fresh, apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: { ...fresh.metadata, annotations: { ...fresh.metadata.annotations, ...rs.metadata.annotations } },
        spec: { ...fresh.spec, replicas: rs.spec.replicas, minReadySeconds: rs.spec.minReadySeconds },
      });
    }
  }

  /**
   * Upstream's Deployment status strategy keeps annotation changes made with a status write; this
   * API server resets metadata on status writes, so a changed revision annotation is patched on
   * the main resource first (metadata only: the generation does not move).
   */
  private async writeStatus(d: DeploymentObject): Promise<void> {
    const ns = d.metadata.namespace;
    const rev = d.metadata.annotations?.[revisionAnnotation];
    let rv = d.metadata.resourceVersion;
    if (rev !== undefined && rev !== this.serverRevision.get(d)) {
      const patched = await this.dClient.patch(ns, d.metadata.name, 'merge', { metadata: { resourceVersion: rv, annotations: { [revisionAnnotation]: rev } } });
      rv = patched.metadata.resourceVersion;
      this.serverRevision.set(d, rev);
    }
    let res: DeploymentObject;
    try {
      res = await this.dClient.updateStatus(ns, { ...d, apiVersion: 'apps/v1', kind: 'Deployment', metadata: { ...d.metadata, resourceVersion: rv } });
    } catch (e) {
      // Usually our own previous status write, not yet in the cache: when the spec is the one the
      // status was computed for (same generation), write it once more on the fresh version.
      if (!isConflict(e)) throw e;
      const fresh = await this.dClient.get(ns, d.metadata.name);
      if (fresh.metadata.uid !== d.metadata.uid || fresh.metadata.generation !== d.metadata.generation) throw e;
      res = await this.dClient.updateStatus(ns, { ...fresh, apiVersion: 'apps/v1', kind: 'Deployment', status: d.status });
    }
    d.metadata = res.metadata;
    d.status = res.status;
    this.serverRevision.set(d, res.metadata.annotations?.[revisionAnnotation]);
  }

  /** The ReplicaSets this Deployment controls, after adoption and release. */
  private async replicaSetsFor(d: DeploymentObject): Promise<ReplicaSetObject[]> {
    const ns = d.metadata.namespace ?? '';
    const candidates = claimCandidates(this.rsInformer.indexer, d);
    return claimObjects(candidates, {
      owner: d, ownerApiVersion: 'apps/v1', ownerKind: 'Deployment', selector: labelSelectorFromObject(d.spec.selector), client: this.rsClient,
      canAdopt: recheckOwner(() => this.dClient.get(ns, d.metadata.name), d.metadata.uid),
    });
  }

  /** Pods of the Deployment's sets, by set UID (for Recreate). */
  private podsBySet(d: DeploymentObject, sets: ReplicaSetObject[]): Map<string, PodObject[]> {
    const sel = labelSelectorFromObject(d.spec.selector);
    const m = new Map<string, PodObject[]>();
    for (const rs of sets) m.set(rs.metadata.uid, this.podInformer.indexer.byIndex(controllerIndex, rs.metadata.uid).filter((p) => sel.matches(p.metadata.labels)));
    return m;
  }

  /** Reconciles one Deployment by key (upstream syncDeployment). */
  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.dInformer.lister.get(namespace, name);
    if (!cached) return;
    const d = deepCopy(cached);
    this.serverRevision.set(d, cached.metadata.annotations?.[revisionAnnotation]);
    const ops = this.ops();
    const sel = d.spec.selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      ops.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata.generation };
        await ops.writeStatus(d);
      }
      return;
    }
    const sets = await this.replicaSetsFor(d);
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, sets, false);
      await this.syncStatusOnly(ops, d, [...oldRSs, newRS], newRS);
      return;
    }
    await this.checkPausedConditions(ops, d);
    if (d.spec.paused) return this.syncScaling(ops, d, sets);
    if (await this.isScalingEvent(ops, d, sets)) return this.syncScaling(ops, d, sets);
    const after = d.spec.strategy?.type === 'Recreate'
      ? await rolloutRecreate(ops, d, sets, this.podsBySet(d, sets))
      : await rolloutRolling(ops, d, sets);
    return after !== undefined ? { requeueAfterMs: after } : undefined;
  }

  /** Scaling and status only: paused Deployments and pure replica-count changes (upstream sync). */
  private async syncScaling(ops: DeploymentOps, d: DeploymentObject, sets: ReplicaSetObject[]): Promise<void> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, sets, false);
    await scale(ops, d, newRS, oldRSs);
    if (d.spec.paused) await cleanupDeployment(ops, oldRSs, d);
    await this.syncStatusOnly(ops, d, [...oldRSs, newRS], newRS);
  }

  private async syncStatusOnly(ops: DeploymentOps, d: DeploymentObject, all: Array<ReplicaSetObject | undefined>, newRS: ReplicaSetObject | undefined): Promise<void> {
    const s = calculateStatus(all, newRS, d, ops.now());
    if (canonicalJson(s) === canonicalJson(d.status)) return;
    d.status = s;
    await ops.writeStatus(d);
  }

  /** A replica-count change shows as a set whose desired-replicas annotation differs (isScalingEvent). */
  private async isScalingEvent(ops: DeploymentOps, d: DeploymentObject, sets: ReplicaSetObject[]): Promise<boolean> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, sets, false);
    for (const rs of activeReplicaSets([...oldRSs, newRS])) {
      const desired = desiredReplicasFromAnnotation(rs);
      if (desired !== undefined && desired !== desiredReplicas(d)) return true;
    }
    return false;
  }

  /** Progressing=Unknown with DeploymentPaused / DeploymentResumed (checkPausedConditions). */
  private async checkPausedConditions(ops: DeploymentOps, d: DeploymentObject): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status?.conditions, 'Progressing');
    if (cond?.reason === reasons.timedOut) return;
    const pausedCond = cond?.reason === reasons.paused;
    let c;
    if (d.spec.paused && !pausedCond) c = depCondition('Progressing', 'Unknown', reasons.paused, 'Deployment is paused', ops.now());
    else if (!d.spec.paused && pausedCond) c = depCondition('Progressing', 'Unknown', reasons.resumed, 'Deployment is resumed', ops.now());
    if (!c) return;
    d.status = { ...d.status, conditions: setCondition(d.status?.conditions, c) };
    await ops.writeStatus(d);
  }
}
