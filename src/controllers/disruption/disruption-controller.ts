// The disruption controller (upstream pkg/controller/disruption): keeps every
// PodDisruptionBudget's status current — expectedPods (from the pods' controllers' scale where
// the budget needs it), currentHealthy, desiredHealthy, disruptionsAllowed, observedGeneration,
// pruned disruptedPods and the DisruptionAllowed condition — so the eviction subresource can
// decide. On failure it writes a fail-safe status that allows no disruption.
import type { Logger } from '../../api/log.js';
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject } from '../../api/types.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { RestClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { splitKey } from '../../client/paths.js';
import { isConflict, isNotFound } from '../../client/status.js';
import { EventRecorder, rfc3339 } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { getControllerOf } from '../common/owner.js';
import { podsResource, type PodObject } from '../common/types.js';
import {
  type BudgetSpec, countHealthy, desiredAndExpected, disruptionsAllowed, needsControllerScale, pruneDisruptedPods,
} from './budget.js';

export interface DisruptionControllerOptions {
  transport: RestTransport;
  log: Logger;
  /** Served resources, to read the /scale of controllers of other kinds (custom resources). */
  resources?: () => readonly ResourceInfo[];
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
}

interface PdbCondition { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; observedGeneration?: number }
export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: PdbCondition[];
}
export type PdbObject = KubeObject & {
  metadata: NonNullable<KubeObject['metadata']> & { name: string; namespace: string };
  spec?: BudgetSpec & { selector?: Parameters<typeof labelSelectorFromObject>[0] };
  status?: PdbStatus;
};

const pdbsRef = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true } as const;
const replicaFields: Record<string, { group: string; resource: string }> = {
  ReplicaSet: { group: 'apps', resource: 'replicasets' },
  Deployment: { group: 'apps', resource: 'deployments' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
  ReplicationController: { group: '', resource: 'replicationcontrollers' },
};

type Scaled = KubeObject & { spec?: { replicas?: number } };

export class DisruptionController {
  readonly queue: WorkQueue<string>;
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly pdbInformer: SharedInformer<PdbObject>;
  private readonly podInformer: SharedInformer<PodObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;

  constructor(private readonly opts: DisruptionControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.client = new RestClient(opts.transport, { fieldManager: 'disruption-controller' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { log: opts.log });
    this.pdbInformer = this.informers.informerFor<PdbObject>(pdbsRef);
    this.podInformer = this.informers.informerFor<PodObject>(podsResource);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'controllermanager', clock: opts.clock, log: opts.log });
    this.queue = new WorkQueue<string>({ name: 'disruption', clock: opts.clock });
    const enqueue = (pdb: KubeObject) => this.queue.add(`${pdb.metadata?.namespace}/${pdb.metadata?.name}`);
    this.pdbInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    const byPod = (pod: PodObject) => { for (const pdb of this.budgetsFor(pod)) enqueue(pdb); };
    this.podInformer.addEventHandler({ onAdd: byPod, onUpdate: (o, n) => { byPod(n); if (canonicalJson(o.metadata.labels) !== canonicalJson(n.metadata.labels)) byPod(o); }, onDelete: byPod });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({
      informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 2, reconcile: (k) => this.sync(k), signal, log: this.opts.log,
      onStop: () => (this.ownRecorder ? this.recorder.stop(1000) : undefined),
    });
  }

  private budgetsFor(pod: PodObject): PdbObject[] {
    return this.pdbInformer.lister.list({ namespace: pod.metadata.namespace }).filter((pdb) => {
      try {
        return labelSelectorFromObject(pdb.spec?.selector).matches(pod.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const pdb = this.pdbInformer.lister.get(namespace, name);
    if (!pdb) return;
    const now = this.clock.now();
    let status: PdbStatus;
    let recheck: number | undefined;
    try {
      const selector = labelSelectorFromObject(pdb.spec?.selector);
      const pods = this.podInformer.lister.list({ namespace }).filter((p) => selector.matches(p.metadata.labels ?? {}));
      const scale = needsControllerScale(pdb.spec ?? {}) ? await this.expectedScale(pdb, pods) : 0;
      const { desiredHealthy, expectedPods } = desiredAndExpected(pdb.spec ?? {}, pods.length, scale);
      const pruned = pruneDisruptedPods(pdb.status?.disruptedPods, pods, now);
      for (const pod of pruned.expired) {
        this.recorder.event(pdb, 'Warning', 'NotDeleted', `Pod ${namespace}/${pod} was expected by PDB ${namespace}/${name} to be deleted but it wasn't`);
      }
      recheck = pruned.nextExpiryMs;
      const currentHealthy = countHealthy(pods, pruned.kept, now);
      const allowed = disruptionsAllowed(currentHealthy, desiredHealthy, expectedPods);
      status = {
        observedGeneration: pdb.metadata.generation,
        disruptedPods: Object.keys(pruned.kept).length ? pruned.kept : undefined,
        disruptionsAllowed: allowed, currentHealthy, desiredHealthy, expectedPods,
        conditions: this.condition(pdb, allowed > 0 ? 'True' : 'False', allowed > 0 ? 'SufficientPods' : 'InsufficientPods', '', now),
      };
    } catch (e) {
      // Fail safe: allow nothing until the budget can be computed again (upstream failSafe).
      this.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${e instanceof Error ? e.message : String(e)}`);
      status = {
        ...(pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 }),
        observedGeneration: pdb.metadata.generation, disruptionsAllowed: 0,
        conditions: this.condition(pdb, 'False', 'SyncFailed', e instanceof Error ? e.message : String(e), now),
      };
      recheck = 5000;
    }
    await this.writeStatus(pdb, status);
    return recheck !== undefined ? { requeueAfterMs: recheck + 10 } : undefined;
  }

  private condition(pdb: PdbObject, status: string, reason: string, message: string, now: number): PdbCondition[] {
    const others = (pdb.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
    const old = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const lastTransitionTime = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now);
    return [...others, { type: 'DisruptionAllowed', status, reason, message, observedGeneration: pdb.metadata.generation, lastTransitionTime }];
  }

  private async writeStatus(pdb: PdbObject, status: PdbStatus): Promise<void> {
    if (canonicalJson(pdb.status ?? {}) === canonicalJson(status)) return;
    try {
      await this.client.resource<PdbObject>(pdbsRef).updateStatus(pdb.metadata.namespace, { ...pdb, status } as PdbObject);
    } catch (e) {
      // A newer budget (the eviction endpoint writes disruptedPods) wakes us again through the informer.
      if (isConflict(e) || isNotFound(e)) return;
      throw e;
    }
  }

  /**
   * The sum of the replicas wanted by the selected pods' controllers, each counted once; a
   * ReplicaSet run by a Deployment counts as the Deployment (upstream getExpectedScale).
   */
  private async expectedScale(pdb: PdbObject, pods: readonly PodObject[]): Promise<number> {
    const seen = new Map<string, number>();
    let unmanaged = 0;
    for (const pod of pods) {
      const ref = getControllerOf(pod);
      if (!ref) { unmanaged++; continue; }
      if (seen.has(ref.uid)) continue;
      const found = await this.controllerScale(pdb.metadata.namespace, ref.apiVersion, ref.kind, ref.name, ref.uid);
      if (!found) { unmanaged++; seen.set(ref.uid, 0); continue; }
      // The pod's controller is marked seen; its scale counts under the top controller's uid.
      if (found.uid !== ref.uid) seen.set(ref.uid, 0);
      seen.set(found.uid, found.replicas);
    }
    if (unmanaged > 0) {
      this.recorder.event(pdb, 'Warning', 'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${canonicalJson(pdb.spec?.selector ?? {})}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`);
    }
    let total = 0;
    for (const v of seen.values()) total += v;
    return total;
  }

  private async controllerScale(namespace: string, apiVersion: string, kind: string, name: string, uid: string): Promise<{ uid: string; replicas: number } | undefined> {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
    const known = replicaFields[kind];
    try {
      if (known && known.group === group) {
        const obj = await this.client.resource<Scaled>({ group, version: 'v1', resource: known.resource, namespaced: true }).get(namespace, name);
        if (obj.metadata?.uid !== uid) return undefined;
        if (kind === 'ReplicaSet') {
          const owner = getControllerOf(obj);
          if (owner?.kind === 'Deployment' && owner.apiVersion.startsWith('apps/')) {
            const d = await this.controllerScale(namespace, owner.apiVersion, owner.kind, owner.name, owner.uid);
            if (d) return d;
          }
        }
        return { uid, replicas: obj.spec?.replicas ?? 1 };
      }
      const info = this.opts.resources?.().find((r) => r.group === group && r.kind === kind && r.subresources?.some((s) => s.name === 'scale'));
      if (!info) return undefined;
      const scale = await this.client.resource({ group: info.group, version: info.version, resource: info.resource, namespaced: info.namespaced })
        .getSubresource<{ metadata?: { uid?: string }; spec?: { replicas?: number } }>(namespace, name, 'scale');
      return { uid, replicas: scale.spec?.replicas ?? 0 };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
