// kube-scheduler for kites: informers feed the node cache and the scheduling queue; one loop pops
// the highest-priority pending pod, runs a synchronous scheduling cycle, assumes the pod on the
// chosen node and binds it through pods/binding in the background (many bindings in flight, as
// upstream's binding goroutines). Failures become a FailedScheduling event and a
// PodScheduled=False condition; success a Scheduled event.
import { setMaxListeners } from 'node:events';
import type { Logger } from '../api/log.js';
import { silentLogger } from '../api/log.js';
import { realClock, type Clock } from '../client/clock.js';
import { InformerFactory } from '../client/informer-factory.js';
import type { SharedInformer } from '../client/informer.js';
import { RestClient } from '../client/rest-client.js';
import type { RestTransport } from '../client/transport.js';
import { isConflict, isNotFound } from '../client/status.js';
import { EventRecorder } from '../client/events/index.js';
import { defaultSchedulerName, type Namespace, type Node, type Pod, type PodCondition, type PriorityClass } from './api-types.js';
import { SchedulerCache } from './cache.js';
import { Algorithm, type AlgorithmOptions } from './algorithm.js';
import { isBind, type BindPlugin, type Handle, type Plugin } from './framework.js';
import { newPodInfo, podKey, type PodInfo } from './pod-info.js';
import { PriorityResolver } from './priority.js';
import { defaultPlugins, eventPlugins } from './profile.js';
import { SchedulingQueue, type QueueOptions, type QueuedPodInfo } from './queue.js';
import { QuantityParser } from './resources.js';
import { rfc3339 } from '../client/events/recorder.js';

export interface SchedulerOptions {
  transport: RestTransport;
  log?: Logger;
  schedulerName?: string;
  clock?: Clock;
  random?: () => number;
  /** Queue timings (tests shorten the 1 s backoff). */
  queue?: Omit<QueueOptions, 'clock'>;
  percentageOfNodesToScore?: number;
  /** Bindings in flight at once before the loop waits for one to finish. */
  maxInFlightBindings?: number;
  /** Replaces the default plugin set (tests). */
  plugins?: (h: Handle, client: RestClient) => Plugin[];
  /** Host name for events' reportingInstance. */
  host?: string;
}

const refs = {
  pods: { group: '', version: 'v1', resource: 'pods', namespaced: true },
  nodes: { group: '', version: 'v1', resource: 'nodes', namespaced: false },
  namespaces: { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  priorityClasses: { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false },
} as const;

/** Events need the involved object's kind; list items may come without it. */
function asPod(pod: Pod): Pod {
  return pod.kind && pod.apiVersion ? pod : { ...pod, apiVersion: 'v1', kind: 'Pod' };
}

/** How long the scheduling loop may run before it lets I/O and timers in. */
const yieldEveryMs = 10;

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Whether a pending pod's update could change the outcome (upstream isPodUpdated): anything but
 * status and bookkeeping metadata. The scheduler's own PodScheduled patch must not requeue the pod.
 */
function schedulingRelevantChange(old: Pod, pod: Pod): boolean {
  const view = (p: Pod) => JSON.stringify([p.spec, p.metadata.labels, p.metadata.annotations, p.metadata.deletionTimestamp]);
  return view(old) !== view(pod);
}

/** Fields of a Node that can change a scheduling decision (heartbeats change none of them). */
function nodeSchedulingView(n: Node): string {
  return JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable, n.status?.capacity]);
}

export class Scheduler {
  readonly name: string;
  private readonly client: RestClient;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly parser = new QuantityParser();
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  private readonly factory: InformerFactory;
  private readonly pods: SharedInformer<Pod>;
  private readonly nodes: SharedInformer<Node>;
  private readonly namespaces: SharedInformer<Namespace>;
  private readonly priorityClasses: SharedInformer<PriorityClass>;
  private readonly priorities: PriorityResolver;
  private readonly recorder: EventRecorder;
  private readonly algorithm: Algorithm;
  private readonly binder: BindPlugin;
  private readonly bindings = new Set<Promise<void>>();
  private counts = { attempts: 0, bound: 0, unschedulable: 0, errors: 0 };

  constructor(private readonly opts: SchedulerOptions) {
    this.name = opts.schedulerName ?? defaultSchedulerName;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger).child('scheduler');
    this.client = new RestClient(opts.transport, { fieldManager: this.name });
    this.factory = new InformerFactory(this.client, { clock: this.clock, log: this.log });
    this.pods = this.factory.informerFor<Pod>(refs.pods);
    this.nodes = this.factory.informerFor<Node>(refs.nodes);
    this.namespaces = this.factory.informerFor<Namespace>(refs.namespaces);
    this.priorityClasses = this.factory.informerFor<PriorityClass>(refs.priorityClasses);
    const pcLister = this.priorityClasses.lister;
    this.priorities = new PriorityResolver(() => pcLister.list(), (n) => pcLister.get(undefined, n));
    this.cache = new SchedulerCache(this.parser);
    this.queue = new SchedulingQueue({ clock: this.clock, ...opts.queue });
    this.recorder = new EventRecorder({ transport: opts.transport, component: this.name, reportingInstance: opts.host ? `${this.name}-${opts.host}` : this.name, clock: this.clock, log: this.log });
    const nsLister = this.namespaces.lister;
    const handle: Handle = {
      cache: this.cache, parser: this.parser,
      namespaceLabels: (ns) => nsLister.get(undefined, ns)?.metadata?.labels,
      priorityOf: (pod) => this.priorities.priority(pod),
    };
    const plugins = (opts.plugins ?? defaultPlugins)(handle, this.client);
    const binder = plugins.find(isBind);
    if (!binder) throw new Error('scheduler profile has no Bind plugin');
    this.binder = binder;
    this.algorithm = new Algorithm(plugins, handle, { percentageOfNodesToScore: opts.percentageOfNodesToScore, random: opts.random } satisfies AlgorithmOptions);
    this.wireHandlers();
  }

  /** Runs until `signal` aborts; resolves after in-flight bindings and events are flushed. */
  async start(outer: AbortSignal): Promise<void> {
    // One listener on the caller's signal; the informers, queue and loop hang off our own.
    const ctl = new AbortController();
    setMaxListeners(64, ctl.signal);
    const relay = () => ctl.abort();
    if (outer.aborted) ctl.abort();
    else outer.addEventListener('abort', relay, { once: true });
    try {
      await this.run(ctl.signal);
    } finally {
      outer.removeEventListener('abort', relay);
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    this.factory.start(signal);
    const synced = await this.factory.waitForCacheSync(signal);
    if (synced) {
      this.log.info('caches synced; scheduling', { nodes: this.cache.nodeCount() });
      this.queue.run();
      const onAbort = () => this.queue.close();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await this.loop(signal);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    }
    this.queue.close();
    await Promise.allSettled([...this.bindings]);
    await this.recorder.stop();
    await this.factory.stop();
  }

  private responsible(pod: Pod): boolean {
    return (pod.spec?.schedulerName || defaultSchedulerName) === this.name;
  }

  private pending(pod: Pod): boolean {
    return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod) && this.responsible(pod) && !pod.spec.schedulingGates?.length;
  }

  private wireHandlers(): void {
    this.pods.addEventHandler({
      onAdd: (pod) => this.onPod(undefined, pod),
      onUpdate: (old, pod) => this.onPod(old, pod),
      onDelete: (pod) => {
        if (pod.spec?.nodeName) {
          this.cache.removePod(pod);
          this.queue.moveAllToActiveOrBackoff(eventPlugins.assignedPodDelete);
        } else {
          this.queue.delete(podKey(pod));
          this.cache.setNominated(podKey(pod), undefined, undefined);
          // Deleted while its binding was in flight: its room is free again.
          this.cache.forget(podKey(pod), pod.metadata.uid);
        }
      },
    });
    this.nodes.addEventHandler({
      onAdd: (node) => {
        this.cache.setNode(node);
        this.queue.moveAllToActiveOrBackoff();
      },
      onUpdate: (old, node) => {
        this.cache.setNode(node);
        if (old === node || nodeSchedulingView(old) !== nodeSchedulingView(node)) this.queue.moveAllToActiveOrBackoff();
      },
      onDelete: (node) => this.cache.removeNode(node.metadata.name),
    });
  }

  private onPod(old: Pod | undefined, pod: Pod): void {
    if (!pod.spec) return;
    if (pod.spec.nodeName) {
      if (!old?.spec?.nodeName) {
        this.queue.delete(podKey(pod));
        this.cache.setNominated(podKey(pod), undefined, undefined);
      }
      if (isTerminal(pod)) {
        // Finished pods hold no resources (upstream drops them from the cache).
        if (this.cache.removePod(pod)) this.queue.moveAllToActiveOrBackoff(eventPlugins.assignedPodDelete);
        return;
      }
      this.cache.setPod(pod);
      if (!old?.spec?.nodeName) this.queue.moveAllToActiveOrBackoff(eventPlugins.assignedPodAdd);
      // Status updates of running pods (the kubelet's) change nothing the plugins look at.
      else if (schedulingRelevantChange(old, pod)) this.queue.moveAllToActiveOrBackoff(eventPlugins.assignedPodUpdate);
      return;
    }
    if (this.pending(pod)) {
      if (this.cache.isAssumedOrBound(podKey(pod), pod.metadata.uid)) return; // bound by us; the watch has not caught up
      const info = newPodInfo(this.parser, pod);
      this.cache.setNominated(info.key, info, pod.status?.nominatedNodeName || undefined);
      if (old) this.queue.update(info, this.priorities.priority(pod), schedulingRelevantChange(old, pod));
      else this.queue.add(info, this.priorities.priority(pod));
    } else {
      this.queue.delete(podKey(pod));
      this.cache.setNominated(podKey(pod), undefined, undefined);
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const maxBindings = this.opts.maxInFlightBindings ?? 512;
    let sliceStart = Date.now();
    while (!signal.aborted) {
      if (this.bindings.size >= maxBindings) await Promise.race(this.bindings);
      // Popping a ready pod only takes microtasks; with a long queue the loop would hold the
      // event loop (and the API server sharing this process) for seconds. Yield every few ms.
      if (Date.now() - sliceStart > yieldEveryMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = Date.now();
      }
      const q = await this.queue.pop(signal);
      if (!q) break;
      try {
        this.scheduleOne(q, signal);
      } catch (e) {
        this.log.error('scheduling cycle failed', { err: e, pod: q.info.key });
        this.queue.addBackoff(q);
      }
    }
  }

  private scheduleOne(q: QueuedPodInfo, signal: AbortSignal): void {
    const info = q.info;
    const cycle = this.queue.cycle;
    if (q.gone || !this.pending(info.pod) || this.cache.isAssumedOrBound(info.key, info.pod.metadata.uid)) {
      this.queue.done(info.key);
      return;
    }
    const result = this.algorithm.schedule(info);
    this.counts.attempts++;
    switch (result.kind) {
      case 'scheduled': {
        this.cache.setNominated(info.key, undefined, undefined);
        this.cache.assume(info, result.nodeName);
        this.queue.done(info.key);
        const p = this.bind(q, result.nodeName, signal);
        this.bindings.add(p);
        void p.finally(() => this.bindings.delete(p));
        return;
      }
      case 'unschedulable':
        this.counts.unschedulable++;
        q.unschedulablePlugins = result.plugins;
        this.log.debug('unable to schedule pod', { pod: info.key, reason: result.message });
        this.queue.addUnschedulable(q, cycle);
        if (result.nominatedNodeName) {
          this.cache.setNominated(info.key, info, result.nominatedNodeName);
          this.preempt(info.pod, result.nominatedNodeName, result.victims ?? []);
        }
        this.reportFailure(info.pod, 'Unschedulable', result.message, result.nominatedNodeName);
        return;
      case 'error':
        this.counts.errors++;
        this.log.warn('error scheduling pod; retrying', { pod: info.key, err: result.message });
        q.unschedulablePlugins = new Set();
        this.queue.addBackoff(q);
        this.reportFailure(info.pod, 'SchedulerError', result.message);
    }
  }

  private async bind(q: QueuedPodInfo, nodeName: string, signal: AbortSignal): Promise<void> {
    const info = q.info;
    const st = await this.binder.bind(info, nodeName);
    if (!st) {
      this.counts.bound++;
      const m = info.pod.metadata;
      this.recorder.event(asPod(info.pod), 'Normal', 'Scheduled', `Successfully assigned ${m.namespace}/${m.name} to ${nodeName}`);
      return;
    }
    this.cache.forget(info.key, info.pod.metadata.uid);
    if (signal.aborted) return;
    const latest = this.pods.lister.get(info.pod.metadata.namespace, info.pod.metadata.name);
    if (!latest || !this.pending(latest)) return; // deleted or bound meanwhile: nothing to retry
    this.log.warn('binding rejected; retrying', { pod: info.key, node: nodeName, err: st.message() });
    q.info = latest === info.pod ? info : newPodInfo(this.parser, latest);
    this.queue.addBackoff(q);
    this.reportFailure(latest, 'SchedulerError', `Binding rejected: ${st.message()}`);
  }

  /**
   * Evicts the victims preemption chose (graceful delete, as upstream) with a Preempted event on
   * each. The preemptor stays parked; the victims' deletions move it back to the queue.
   */
  private preempt(preemptor: Pod, nodeName: string, victims: PodInfo[]): void {
    const pods = this.client.resource<Pod>(refs.pods);
    for (const v of victims) {
      const m = v.pod.metadata;
      this.log.info('preempting pod', { victim: v.key, preemptor: podKey(preemptor), node: nodeName });
      this.recorder.event(asPod(v.pod), 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid ?? ''} on node ${nodeName}`);
      pods.delete(m.namespace, m.name, m.uid ? { preconditions: { uid: m.uid } } : undefined).catch((e) => {
        if (!isNotFound(e) && !isConflict(e)) this.log.warn('could not delete preemption victim', { victim: v.key, err: e });
      });
    }
  }

  /** The FailedScheduling event, and PodScheduled=False (and nominatedNodeName) when they would change. */
  private reportFailure(pod: Pod, reason: string, message: string, nominatedNodeName?: string): void {
    this.recorder.event(asPod(pod), 'Warning', 'FailedScheduling', message);
    const latest = this.pods.lister.get(pod.metadata.namespace, pod.metadata.name) ?? pod;
    const cur = latest.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nominationChanges = nominatedNodeName !== undefined && latest.status?.nominatedNodeName !== nominatedNodeName;
    if (!nominationChanges && cur && cur.status === 'False' && cur.reason === reason && cur.message === message) return;
    const cond: PodCondition = {
      type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null,
      lastTransitionTime: cur && cur.status === 'False' ? (cur.lastTransitionTime ?? rfc3339(this.clock.now())) : rfc3339(this.clock.now()),
    };
    const m = pod.metadata;
    this.client.resource<Pod>(refs.pods)
      .patch(m.namespace, m.name, 'strategic', { status: { conditions: [cond], ...(nominationChanges ? { nominatedNodeName } : {}) } }, { subresource: 'status' })
      .catch((e) => {
        if (!isNotFound(e) && !isConflict(e)) this.log.warn('could not update pod condition', { pod: podKey(pod), err: e });
      });
  }

  /** For tests and metrics. */
  stats(): { nodes: number; podsCached: number; queue: ReturnType<SchedulingQueue['lengths']>; bindingsInFlight: number; attempts: number; bound: number; unschedulable: number; errors: number } {
    return { nodes: this.cache.nodeCount(), podsCached: this.pods.indexer.size, queue: this.queue.lengths(), bindingsInFlight: this.bindings.size, ...this.counts };
  }
}
