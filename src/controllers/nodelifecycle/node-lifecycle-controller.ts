// The node lifecycle controller (upstream pkg/controller/nodelifecycle with its NoExecute taint
// manager): a node whose Lease in kube-node-lease (or Ready heartbeat) has not moved for
// nodeMonitorGracePeriod gets its conditions set to Unknown and its pods marked NotReady; nodes
// get the not-ready / unreachable NoSchedule and NoExecute taints from their Ready condition, and
// pods on a NoExecute-tainted node are deleted once their matching tolerations run out.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import type { NodeCondition, NodeSpec, NodeStatus, PodCondition } from 'kubernetes-types/core/v1.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { realClock, sleep, type Clock } from '../../client/clock.js';
import { isConflict, isNotFound } from '../../client/status.js';
import { EventRecorder, rfc3339 } from '../../client/events/recorder.js';
import { indexByField } from '../../client/indexer.js';
import type { RestTransport } from '../../client/transport.js';
import { podsResource, type PodObject } from '../common/types.js';
import {
  type Taint, desiredTaints, isControllerTaint, minTolerationMs, usedTolerations,
} from './taints.js';

export interface NodeLifecycleControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  /** How long a node may go without a lease renewal or heartbeat before it is Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** How often nodes are examined (default 5 s). */
  nodeMonitorPeriodMs?: number;
  /** Taint nodes NoSchedule for MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable as upstream (default true). */
  pressureTaints?: boolean;
}

export type NodeObject = KubeObject & { spec?: NodeSpec; status?: NodeStatus };
type LeaseObject = KubeObject & { spec?: { renewTime?: string; holderIdentity?: string } };

const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;
const leasesRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true } as const;
export const nodeLeaseNamespace = 'kube-node-lease';
const nodeNameIndex = 'spec.nodeName';

/** The conditions the controller turns Unknown besides Ready (upstream's nodeConditionTypes). */
const otherConditions = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

interface Health {
  probeTimestamp: number;
  leaseRenewTime?: string;
  readyHeartbeat?: string;
}

export class NodeLifecycleController {
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly nodeInformer: SharedInformer<NodeObject>;
  private readonly leaseInformer: SharedInformer<LeaseObject>;
  private readonly podInformer: SharedInformer<PodObject>;
  private readonly nodes: ResourceClient<NodeObject>;
  private readonly pods: ResourceClient<PodObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly grace: number;
  private readonly health = new Map<string, Health>();
  /** When a NoExecute taint without timeAdded was first seen, per node and taint. */
  private readonly taintSeen = new Map<string, number>();
  private running = Promise.resolve();

  constructor(private readonly opts: NodeLifecycleControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    this.grace = opts.nodeMonitorGracePeriodMs ?? 40_000;
    this.client = new RestClient(opts.transport, { fieldManager: 'node-controller' });
    // Informers keep real time: the injected clock drives only the health and eviction decisions.
    this.informers = opts.informers ?? new InformerFactory(this.client, { log: opts.log });
    this.nodeInformer = this.informers.informerFor<NodeObject>(nodesRef);
    this.leaseInformer = this.informers.informerFor<LeaseObject>(leasesRef, { namespace: nodeLeaseNamespace });
    this.podInformer = this.informers.informerFor<PodObject>(podsResource, { indexers: { [nodeNameIndex]: indexByField((p: PodObject) => p.spec?.nodeName) } });
    this.nodes = this.client.resource<NodeObject>(nodesRef);
    this.pods = this.client.resource<PodObject>(podsResource);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'node-controller', clock: opts.clock, log: opts.log });
    this.nodeInformer.addEventHandler({ onDelete: (n) => this.health.delete(n.metadata?.name ?? '') });
  }

  /** Starts the informers and waits for their caches (tests then call monitor() themselves). */
  async waitForSync(signal: AbortSignal): Promise<boolean> {
    this.informers.start(signal);
    return this.informers.waitForCacheSync(signal);
  }

  async start(signal: AbortSignal): Promise<void> {
    if (!(await this.waitForSync(signal))) return;
    const period = this.opts.nodeMonitorPeriodMs ?? 5000;
    try {
      for (;;) {
        let next = period;
        try {
          next = Math.min(period, await this.monitor());
        } catch (e) {
          this.log.warn('node monitor pass failed', { err: e });
        }
        if (!(await sleep(this.clock, Math.max(10, next), signal))) return;
      }
    } finally {
      if (this.ownRecorder) await this.recorder.stop(1000);
    }
  }

  /** One pass over every node; resolves with the ms until the next pending eviction. Serialized. */
  monitor(): Promise<number> {
    const run = this.running.then(() => this.monitorOnce());
    this.running = run.then(() => undefined, () => undefined);
    return run;
  }

  private async monitorOnce(): Promise<number> {
    let next = Infinity;
    for (const cached of this.nodeInformer.lister.list()) {
      try {
        let node = await this.checkHealth(cached);
        node = await this.reconcileTaints(node);
        next = Math.min(next, await this.evictPods(node));
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) this.log.warn('node lifecycle failed', { node: cached.metadata?.name, err: e });
      }
    }
    return next;
  }

  /** Updates the probe time from the lease and heartbeat; marks the node Unknown when stale. */
  private async checkHealth(node: NodeObject): Promise<NodeObject> {
    const name = node.metadata!.name!;
    const now = this.clock.now();
    const lease = this.leaseInformer.lister.get(nodeLeaseNamespace, name);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const renew = lease?.spec?.renewTime;
    const heartbeat = ready?.lastHeartbeatTime;
    let h = this.health.get(name);
    if (!h) this.health.set(name, (h = { probeTimestamp: now, leaseRenewTime: renew, readyHeartbeat: heartbeat }));
    else if (h.leaseRenewTime !== renew || h.readyHeartbeat !== heartbeat) {
      h.probeTimestamp = now;
      h.leaseRenewTime = renew;
      h.readyHeartbeat = heartbeat;
    }
    if (now <= h.probeTimestamp + this.grace) return node;
    if (ready?.status === 'Unknown' && otherConditions.every((t) => node.status?.conditions?.find((c) => c.type === t)?.status !== 'True')) {
      await this.markPodsNotReady(name);
      return node;
    }
    const stamp = rfc3339(now);
    const conditions: NodeCondition[] = [...(node.status?.conditions ?? [])].map((c) => ({ ...c }));
    for (const type of ['Ready', ...otherConditions]) {
      const c = conditions.find((x) => x.type === type);
      if (!c) {
        conditions.push({
          type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
          lastHeartbeatTime: node.metadata?.creationTimestamp ?? undefined, lastTransitionTime: stamp,
        });
      } else if (c.status !== 'Unknown') {
        Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: stamp });
      }
    }
    const updated = await this.nodes.updateStatus(undefined, { ...node, status: { ...node.status, conditions } } as NodeObject);
    if (ready?.status === 'True' || !ready) {
      this.recorder.event(updated, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    }
    await this.markPodsNotReady(name);
    return updated;
  }

  /** Pods of an unreachable node are not ready any more (upstream MarkPodsNotReady). */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    const stamp = rfc3339(this.clock.now());
    for (const pod of this.podInformer.indexer.byIndex(nodeNameIndex, nodeName)) {
      const conditions: PodCondition[] = (pod.status?.conditions ?? []).map((c) => ({ ...c }));
      const ready = conditions.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      Object.assign(ready, { status: 'False', lastTransitionTime: stamp });
      try {
        await this.pods.updateStatus(pod.metadata.namespace, { ...pod, status: { ...pod.status, conditions } } as PodObject);
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
  }

  /** Says why the pod goes before deleting it (upstream's DisruptionTarget, DeletionByTaintManager). */
  private async markDisruptionTarget(pod: PodObject): Promise<void> {
    const conditions: PodCondition[] = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conditions.push({
      type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(this.clock.now()),
    });
    try {
      await this.pods.updateStatus(pod.metadata.namespace, { ...pod, status: { ...pod.status, conditions } } as PodObject);
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) this.log.warn('could not add the DisruptionTarget condition', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, err: e });
    }
  }

  /** The controller's taints follow the conditions (Ready False → not-ready, Unknown → unreachable, pressures). */
  private async reconcileTaints(node: NodeObject): Promise<NodeObject> {
    const want = desiredTaints(node.status?.conditions ?? [], this.opts.pressureTaints ?? true);
    const taints = node.spec?.taints ?? [];
    const keep = taints.filter((t) => !isControllerTaint(t) || want.some((w) => w.key === t.key && w.effect === t.effect));
    const next: Taint[] = [...keep];
    for (const w of want) {
      if (next.some((t) => t.key === w.key && t.effect === w.effect)) continue;
      // NoExecute taints carry when they were added: evictions count tolerationSeconds from it.
      next.push(w.effect === 'NoExecute' ? { ...w, timeAdded: rfc3339(this.clock.now()) } : { ...w });
    }
    if (next.length === taints.length && keep.length === taints.length) return node;
    for (;;) {
      try {
        return await this.nodes.update(undefined, { ...node, spec: { ...node.spec, taints: next.length ? next : undefined } } as NodeObject);
      } catch (e) {
        if (!isConflict(e)) throw e;
        // Someone else wrote the node: redo the taint arithmetic on the fresh copy.
        const fresh = await this.nodes.get(undefined, node.metadata!.name!);
        return this.reconcileTaints(fresh);
      }
    }
  }

  /** Deletes pods whose tolerations of the node's NoExecute taints ran out; ms until the next one. */
  private async evictPods(node: NodeObject): Promise<number> {
    const name = node.metadata!.name!;
    const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    for (const k of this.taintSeen.keys()) if (k.startsWith(`${name}|`) && !taints.some((t) => k === `${name}|${t.key}|${t.value ?? ''}`)) this.taintSeen.delete(k);
    if (taints.length === 0) return Infinity;
    const now = this.clock.now();
    // The taint set holds since its newest member was added.
    let since = 0;
    for (const t of taints) {
      const k = `${name}|${t.key}|${t.value ?? ''}`;
      let at = t.timeAdded ? Date.parse(t.timeAdded) : NaN;
      if (Number.isNaN(at)) {
        if (!this.taintSeen.has(k)) this.taintSeen.set(k, now);
        at = this.taintSeen.get(k)!;
      }
      since = Math.max(since, at);
    }
    let next = Infinity;
    for (const pod of this.podInformer.indexer.byIndex(nodeNameIndex, name)) {
      if (pod.metadata.deletionTimestamp) continue;
      const used = usedTolerations(pod.spec?.tolerations ?? [], taints);
      const due = used === undefined ? now : since + minTolerationMs(used);
      if (due > now) {
        next = Math.min(next, due - now);
        continue;
      }
      this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      await this.markDisruptionTarget(pod);
      try {
        await this.pods.delete(pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
    return next;
  }
}
