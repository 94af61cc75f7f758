// The pod garbage collector (upstream pkg/controller/podgc), every gcPeriod:
//  - terminated pods (Succeeded/Failed) beyond terminatedPodThreshold, oldest first;
//  - pods bound to nodes that no longer exist, once the node has been missing for a quarantine
//    period and a live GET confirms it (marked Failed with a DisruptionTarget condition first);
//  - terminating pods that were never scheduled;
//  - terminating pods on NotReady nodes tainted node.kubernetes.io/out-of-service.
// All are force-deleted (gracePeriodSeconds 0): no kubelet will finish them.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import type { NodeSpec, NodeStatus, PodCondition } from 'kubernetes-types/core/v1.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { realClock, sleep, type Clock } from '../../client/clock.js';
import { isConflict, isNotFound } from '../../client/status.js';
import { rfc3339 } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { podsResource, type PodObject } from '../common/types.js';

export interface PodGCControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  clock?: Clock;
  /** How often to collect (upstream gcCheckPeriod, 20 s). */
  gcPeriodMs?: number;
  /** How long a node must be missing before its pods go (upstream quarantineTime, 40 s). */
  quarantineMs?: number;
  /** Terminated pods kept (kube-controller-manager --terminated-pod-gc-threshold, 12500); ≤ 0 disables. */
  terminatedPodThreshold?: number;
}

type NodeObject = KubeObject & { spec?: NodeSpec; status?: NodeStatus };
const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;
export const outOfServiceTaint = 'node.kubernetes.io/out-of-service';

const isTerminated = (p: PodObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class PodGCController {
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly podInformer: SharedInformer<PodObject>;
  private readonly nodeInformer: SharedInformer<NodeObject>;
  private readonly pods: ResourceClient<PodObject>;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Missing node name → when it was first found missing. */
  private readonly quarantine = new Map<string, number>();

  constructor(private readonly opts: PodGCControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    this.client = new RestClient(opts.transport, { fieldManager: 'pod-garbage-collector' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { log: opts.log });
    this.podInformer = this.informers.informerFor<PodObject>(podsResource);
    this.nodeInformer = this.informers.informerFor<NodeObject>(nodesRef);
    this.pods = this.client.resource<PodObject>(podsResource);
  }

  async waitForSync(signal: AbortSignal): Promise<boolean> {
    this.informers.start(signal);
    return this.informers.waitForCacheSync(signal);
  }

  async start(signal: AbortSignal): Promise<void> {
    if (!(await this.waitForSync(signal))) return;
    do {
      try {
        await this.gc();
      } catch (e) {
        this.log.warn('pod garbage collection failed', { err: e });
      }
    } while (await sleep(this.clock, this.opts.gcPeriodMs ?? 20_000, signal));
  }

  /** One collection pass. */
  async gc(): Promise<void> {
    const pods = this.podInformer.lister.list();
    await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: readonly PodObject[]): Promise<void> {
    const threshold = this.opts.terminatedPodThreshold ?? 12_500;
    if (threshold <= 0) return;
    const terminated = pods.filter(isTerminated);
    const excess = terminated.length - threshold;
    if (excess <= 0) return;
    terminated.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
    for (const pod of terminated.slice(0, excess)) await this.forceDelete(pod);
  }

  private async gcTerminating(pods: readonly PodObject[]): Promise<void> {
    for (const pod of pods) {
      if (!pod.metadata.deletionTimestamp || !pod.spec?.nodeName) continue;
      const node = this.nodeInformer.lister.get(undefined, pod.spec.nodeName);
      if (!node) continue;
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const outOfService = (node.spec?.taints ?? []).some((t) => t.key === outOfServiceTaint && t.effect === 'NoExecute');
      if (!ready && outOfService) await this.forceDelete(pod);
    }
  }

  private async gcOrphaned(pods: readonly PodObject[]): Promise<void> {
    const now = this.clock.now();
    const missing = new Set<string>();
    for (const pod of pods) {
      const nodeName = pod.spec?.nodeName;
      if (nodeName && !this.nodeInformer.lister.get(undefined, nodeName)) missing.add(nodeName);
    }
    for (const name of this.quarantine.keys()) if (!missing.has(name)) this.quarantine.delete(name);
    const gone = new Set<string>();
    for (const name of missing) {
      const since = this.quarantine.get(name);
      if (since === undefined) {
        this.quarantine.set(name, now);
        continue;
      }
      if (now - since < (this.opts.quarantineMs ?? 40_000)) continue;
      // The cache may lag: only a live NotFound proves the node is gone.
      try {
        await this.client.resource(nodesRef).get(undefined, name);
      } catch (e) {
        if (isNotFound(e)) gone.add(name);
        else throw e;
      }
    }
    for (const pod of pods) {
      if (!pod.spec?.nodeName || !gone.has(pod.spec.nodeName)) continue;
      await this.markFailed(pod, 'PodGC: node no longer exists');
      await this.forceDelete(pod);
    }
  }

  private async gcUnscheduledTerminating(pods: readonly PodObject[]): Promise<void> {
    for (const pod of pods) if (pod.metadata.deletionTimestamp && !pod.spec?.nodeName) await this.forceDelete(pod);
  }

  /** A pod that was still running is Failed, with why (upstream DisruptionTarget, DeletionByPodGC). */
  private async markFailed(pod: PodObject, message: string): Promise<void> {
    if (isTerminated(pod)) return;
    const conditions: PodCondition[] = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message, lastTransitionTime: rfc3339(this.clock.now()) });
    try {
      await this.pods.updateStatus(pod.metadata.namespace, { ...pod, status: { ...pod.status, phase: 'Failed', conditions } } as PodObject);
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) this.log.warn('could not mark pod failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, err: e });
    }
  }

  private async forceDelete(pod: PodObject): Promise<void> {
    this.log.info('garbage collecting pod', { pod: `${pod.metadata.namespace}/${pod.metadata.name}` });
    try {
      await this.pods.delete(pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
}
