// The DaemonSet controller (upstream pkg/controller/daemon): one pod per eligible node, pinned to
// it through node affinity; failed pods replaced, extra ones removed, pods on nodes that no longer
// qualify deleted; RollingUpdate with maxUnavailable / maxSurge (or OnDelete) between
// ControllerRevisions; status counts per node as upstream's updateDaemonSetStatus.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import type { DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { splitKey } from '../../client/paths.js';
import { isNotFound } from '../../client/status.js';
import { EventRecorder } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { claimCandidates, claimObjects, recheckOwner } from '../common/claim.js';
import { ControllerExpectations } from '../common/expectations.js';
import { controllerIndex, getControllerOf, indexByController } from '../common/owner.js';
import { isPodAvailable, isPodReady } from '../common/pods.js';
import { errorMessage } from '../common/pod-control.js';
import { podsResource, type PodObject } from '../common/types.js';
import { controllerRevisionsResource, ensureRevision, podRevisionLabel, truncateHistory, type RevisionObject } from '../statefulset/revisions.js';
import { nodeShouldRunDaemonPod, nodesResource, targetNodeName, type NodeObject } from './eligibility.js';
import { daemonPod, daemonSetsResource, templateGenerationLabel, type DaemonSetObject } from './daemon-pods.js';

export interface DaemonSetControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
}

const key = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;
const initialFailedPodBackoffMs = 1000;
const maxFailedPodBackoffMs = 15 * 60 * 1000;

/** An int-or-percent of `total`, rounded up as upstream does for both maxSurge and maxUnavailable. */
export function scaledValue(v: number | string | undefined, total: number, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  return /^\d+$/.test(v) ? Number(v) : dflt;
}

interface NodePlan {
  node: NodeObject;
  shouldRun: boolean;
  shouldContinueRunning: boolean;
  /** Daemon pods meant for the node, not being deleted, oldest first. */
  pods: PodObject[];
  /** Including the ones being deleted. */
  exists: boolean;
}

export class DaemonSetController {
  readonly queue: WorkQueue<string>;
  readonly expectations: ControllerExpectations;
  private readonly informers: InformerFactory;
  private readonly dsInformer: SharedInformer<DaemonSetObject>;
  private readonly podInformer: SharedInformer<PodObject>;
  private readonly nodeInformer: SharedInformer<NodeObject>;
  private readonly revInformer: SharedInformer<RevisionObject>;
  private readonly sets: ResourceClient<DaemonSetObject>;
  private readonly pods: ResourceClient<PodObject>;
  private readonly revisions: ResourceClient<RevisionObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoffs = new Map<string, { delay: number; until: number }>();

  constructor(private readonly opts: DaemonSetControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    const client = new RestClient(opts.transport, { fieldManager: 'daemon-set-controller' });
    this.informers = opts.informers ?? new InformerFactory(client, { clock: opts.clock, log: opts.log });
    this.dsInformer = this.informers.informerFor<DaemonSetObject>(daemonSetsResource);
    this.podInformer = this.informers.informerFor<PodObject>(podsResource, { indexers: { [controllerIndex]: indexByController } });
    this.nodeInformer = this.informers.informerFor<NodeObject>(nodesResource);
    this.revInformer = this.informers.informerFor<RevisionObject>(controllerRevisionsResource, { indexers: { [controllerIndex]: indexByController } });
    this.sets = client.resource<DaemonSetObject>(daemonSetsResource);
    this.pods = client.resource<PodObject>(podsResource);
    this.revisions = client.resource<RevisionObject>(controllerRevisionsResource);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'daemonset-controller', clock: opts.clock, log: opts.log });
    this.expectations = new ControllerExpectations({ clock: this.clock });
    this.queue = new WorkQueue<string>({ name: 'daemonset', clock: opts.clock });

    this.dsInformer.addEventHandler({
      onAdd: (d) => this.queue.add(key(d)),
      onUpdate: (_o, d) => this.queue.add(key(d)),
      onDelete: (d) => this.expectations.delete(key(d)),
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.podEvent(p, 'add'),
      onUpdate: (_o, p) => this.podEvent(p, 'update'),
      onDelete: (p) => this.podEvent(p, 'delete'),
    });
    const allSets = () => { for (const d of this.dsInformer.lister.list()) this.queue.add(key(d)); };
    this.nodeInformer.addEventHandler({
      onAdd: allSets,
      onUpdate: (o, n) => {
        if (canonicalJson([o.metadata.labels, o.spec]) !== canonicalJson([n.metadata.labels, n.spec])) allSets();
      },
      onDelete: allSets,
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({
      informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 5, reconcile: (k) => this.sync(k), signal, log: this.log,
      onStop: () => (this.ownRecorder ? this.recorder.stop(1000) : undefined),
    });
  }

  private podEvent(pod: PodObject, kind: 'add' | 'update' | 'delete'): void {
    const ref = getControllerOf(pod);
    if (ref?.kind === 'DaemonSet') {
      const k = `${pod.metadata.namespace}/${ref.name}`;
      if (kind === 'add' && !pod.metadata.deletionTimestamp) this.expectations.creationObserved(k);
      if (kind === 'delete' || (kind === 'add' && pod.metadata.deletionTimestamp)) this.expectations.deletionObserved(k, key(pod));
      this.queue.add(k);
      return;
    }
    if (ref || kind === 'delete') return;
    for (const d of this.dsInformer.lister.list({ namespace: pod.metadata.namespace })) {
      try {
        if (labelSelectorFromObject(d.spec.selector).matches(pod.metadata.labels)) this.queue.add(key(d));
      } catch { /* invalid selector */ }
    }
  }

  /** Reconciles one DaemonSet by key (upstream syncDaemonSet). */
  async sync(k: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(k);
    const cached = this.dsInformer.lister.get(namespace, name);
    if (!cached) {
      this.expectations.delete(k);
      return;
    }
    const ds: DaemonSetObject = { ...cached, apiVersion: 'apps/v1', kind: 'DaemonSet' };
    const ns = namespace!;
    let selector;
    try {
      selector = labelSelectorFromObject(ds.spec.selector);
    } catch (e) {
      this.log.warn('invalid DaemonSet selector', { key: k, err: e });
      return;
    }
    const candidates = claimCandidates(this.podInformer.indexer, ds);
    const pods = await claimObjects(candidates, {
      owner: ds, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', selector, client: this.pods,
      canAdopt: recheckOwner(() => this.sets.get(ns, name), ds.metadata.uid),
    });
    const revisions = this.revInformer.indexer.byIndex(controllerIndex, ds.metadata.uid);
    const ensured = await ensureRevision(this.revisions, { obj: ds, apiVersion: 'apps/v1', kind: 'DaemonSet', template: ds.spec.template }, revisions, ds.status?.collisionCount ?? 0);
    const hash = ensured.revision.metadata.labels?.['controller.kubernetes.io/hash'] ?? '';
    const plans = this.planNodes(ds, pods);

    let actionError: unknown;
    let retryAfter: number | undefined;
    if (!ds.metadata.deletionTimestamp && this.expectations.satisfied(k)) {
      try {
        retryAfter = await this.manage(k, ds, plans, hash);
        if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') await this.rollingUpdate(k, ds, plans, hash);
      } catch (e) {
        actionError = e;
      }
    }
    const status = this.computeStatus(ds, plans, hash, ensured.collisionCount);
    if (canonicalJson(cached.status) !== canonicalJson(status)) await this.sets.updateStatus(ns, { ...ds, status });
    const live = new Set([ensured.revision.metadata.name, ...pods.map((p) => `${ds.metadata.name}-${p.metadata.labels?.[podRevisionLabel] ?? ''}`)]);
    await truncateHistory(this.revisions, revisions.filter((r) => r.metadata.name !== ensured.revision.metadata.name), live, ds.spec.revisionHistoryLimit ?? 10);
    if (actionError !== undefined) throw actionError;
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable) retryAfter = Math.min(retryAfter ?? Infinity, minReady * 1000);
    if (retryAfter !== undefined) return { requeueAfterMs: retryAfter };
  }

  private planNodes(ds: DaemonSetObject, pods: PodObject[]): NodePlan[] {
    const byNode = new Map<string, PodObject[]>();
    for (const p of pods) {
      const n = targetNodeName(p.spec);
      if (!n) continue;
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const nodes = this.nodeInformer.lister.list();
    const plans = nodes.map((node) => {
      const all = byNode.get(node.metadata.name) ?? [];
      const placement = nodeShouldRunDaemonPod(node, ds.spec.template.spec);
      const live = all.filter((p) => !p.metadata.deletionTimestamp)
        .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp));
      return { node, ...placement, pods: live, exists: all.length > 0 };
    });
    return plans;
  }

  /** Creates missing pods, removes failed, surplus and misplaced ones (upstream manage + podsShouldBeOnNode). */
  private async manage(k: string, ds: DaemonSetObject, plans: NodePlan[], hash: string): Promise<number | undefined> {
    let retryAfter: number | undefined;
    const create: string[] = [];
    const remove: PodObject[] = [];
    const surge = this.maxSurge(ds, plans) > 0;
    for (const plan of plans) {
      if (plan.shouldRun && !plan.exists) {
        create.push(plan.node.metadata.name);
        continue;
      }
      if (plan.shouldContinueRunning) {
        const running: PodObject[] = [];
        for (const p of plan.pods) {
          if (p.status?.phase === 'Failed') {
            // Replacing a pod that keeps failing backs off per node (upstream failedPodsBackoff).
            const wait = this.failedPodBackoff(`${k}/${plan.node.metadata.name}`);
            if (wait > 0) {
              retryAfter = Math.min(retryAfter ?? Infinity, wait);
              continue;
            }
            this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${plan.node.metadata.name}, will try to kill it`);
            remove.push(p);
          } else {
            running.push(p);
          }
        }
        // Without surge only the oldest stays; with surge the rolling update decides.
        if (!surge && running.length > 1) remove.push(...running.slice(1));
        else if (surge && running.length > 2) remove.push(...running.slice(2));
      } else if (plan.exists) {
        remove.push(...plan.pods);
      }
    }
    await this.applyChanges(k, ds, create, remove, hash);
    return retryAfter;
  }

  /** Milliseconds to wait before replacing another failed pod on this node; records the attempt when 0. */
  private failedPodBackoff(id: string): number {
    const now = this.clock.now();
    const b = this.backoffs.get(id);
    if (b && now < b.until) return b.until - now;
    // Doubling from 1 s to 15 min; a quiet spell of twice the cap forgets the history.
    const delay = !b || now - b.until > 2 * maxFailedPodBackoffMs ? initialFailedPodBackoffMs : Math.min(b.delay * 2, maxFailedPodBackoffMs);
    this.backoffs.set(id, { delay, until: now + delay });
    return 0;
  }

  private maxSurge(ds: DaemonSetObject, plans: NodePlan[]): number {
    if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return 0;
    const desired = plans.filter((p) => p.shouldRun).length;
    return scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxSurge, desired, 0);
  }

  /** Replaces old pods within maxUnavailable / maxSurge (upstream rollingUpdate). */
  private async rollingUpdate(k: string, ds: DaemonSetObject, plans: NodePlan[], hash: string): Promise<void> {
    if (!this.expectations.satisfied(k)) return;
    const desired = plans.filter((p) => p.shouldRun).length;
    const ru = ds.spec.updateStrategy?.rollingUpdate;
    const maxSurge = scaledValue(ru?.maxSurge, desired, 0);
    let maxUnavailable = scaledValue(ru?.maxUnavailable, desired, 1);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const now = this.clock.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const available = (p: PodObject) => isPodAvailable(p, minReady, now);
    const isNew = (p: PodObject) => p.metadata.labels?.[podRevisionLabel] === hash;
    const remove: PodObject[] = [];
    const create: string[] = [];
    if (maxSurge === 0) {
      let unavailable = 0;
      const candidates: PodObject[] = [];
      for (const plan of plans) {
        if (!plan.shouldRun && !plan.shouldContinueRunning) continue;
        const old = plan.pods.filter((p) => !isNew(p));
        const anyAvailable = plan.pods.some(available);
        if (!anyAvailable) unavailable++;
        for (const p of old) {
          // Old pods that are not available anyway go at once; available ones within the budget.
          if (!available(p)) remove.push(p);
          else candidates.push(p);
        }
      }
      const budget = Math.max(0, maxUnavailable - unavailable);
      remove.push(...candidates.slice(0, budget));
    } else {
      let surging = 0;
      const wantSurge: NodePlan[] = [];
      for (const plan of plans) {
        if (!plan.shouldRun) continue;
        const oldPods = plan.pods.filter((p) => !isNew(p));
        const newPods = plan.pods.filter(isNew);
        if (!oldPods.length) continue;
        if (newPods.length) {
          surging++;
          // The new pod is available: the old one can go.
          if (newPods.some(available)) remove.push(...oldPods);
          continue;
        }
        if (!oldPods.some(available)) {
          // Nothing to protect: replace at once.
          remove.push(...oldPods);
          continue;
        }
        wantSurge.push(plan);
      }
      for (const plan of wantSurge.slice(0, Math.max(0, maxSurge - surging))) create.push(plan.node.metadata.name);
    }
    await this.applyChanges(k, ds, create, remove, hash);
  }

  private async applyChanges(k: string, ds: DaemonSetObject, create: string[], remove: PodObject[], hash: string): Promise<void> {
    if (!create.length && !remove.length) return;
    const ns = ds.metadata.namespace!;
    // Only creations are expected: a stale cache could double them, while deletions carry a UID
    // precondition and are harmless to repeat.
    if (create.length) this.expectations.expectCreations(k, create.length);
    const expectations = this.expectations;
    let failure: unknown;
    await Promise.all(create.map(async (node) => {
      try {
        const pod = await this.pods.create(ns, daemonPod(ds, node, hash));
        this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (e) {
        expectations.creationObserved(k);
        this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(e)}`);
        failure ??= e;
      }
    }));
    await Promise.all(remove.map(async (p) => {
      try {
        await this.pods.delete(ns, p.metadata.name, { preconditions: { uid: p.metadata.uid } });
        this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (e) {
        if (isNotFound(e)) return;
        this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(e)}`);
        failure ??= e;
      }
    }));
    if (failure !== undefined) throw failure;
  }

  private computeStatus(ds: DaemonSetObject, plans: NodePlan[], hash: string, collision?: number): DaemonSetStatus {
    const now = this.clock.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const st: DaemonSetStatus = {
      currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0,
      updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0,
      observedGeneration: ds.metadata.generation,
    };
    const gen = String(ds.metadata.generation ?? 1);
    for (const plan of plans) {
      const scheduled = plan.pods.length > 0;
      if (plan.shouldRun) {
        st.desiredNumberScheduled++;
        if (!scheduled) continue;
        st.currentNumberScheduled++;
        const pod = plan.pods[0]!;
        if (isPodReady(pod)) {
          st.numberReady++;
          if (isPodAvailable(pod, minReady, now)) st.numberAvailable!++;
        }
        if (plan.pods.some((p) => p.metadata.labels?.[podRevisionLabel] === hash || p.metadata.labels?.[templateGenerationLabel] === gen && !p.metadata.labels?.[podRevisionLabel])) {
          st.updatedNumberScheduled!++;
        }
      } else if (scheduled) {
        st.numberMisscheduled++;
      }
    }
    st.numberUnavailable = st.desiredNumberScheduled - (st.numberAvailable ?? 0);
    const cc = collision ?? ds.status?.collisionCount;
    if (cc) st.collisionCount = cc;
    if (ds.status?.conditions) st.conditions = ds.status.conditions;
    return st;
  }
}
