// A stand-in for the node agent in controller tests and benchmarks: it marks pods Running and
// Ready through the status subresource (optionally after binding them to a node), as a kubelet
// would once containers start. Never used by the server itself.
import type { Logger } from '../../api/log.js';
import { silentLogger } from '../../api/log.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { splitKey } from '../../client/paths.js';
import { isNotFound, isConflict } from '../../client/status.js';
import { rfc3339 } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { isPodReady } from './pods.js';
import { podsResource, type PodObject } from './types.js';

export interface FakeKubeletOptions {
  transport: RestTransport;
  log?: Logger;
  clock?: Clock;
  /** Mark every new pod ready on its own (default true); otherwise call markReady. */
  auto?: boolean;
  /** Wait this long after seeing a pod before marking it ready. */
  delayMs?: number;
  /** Bind pods to this node first (spec.nodeName through pods/binding). */
  nodeName?: string;
  workers?: number;
  /** Only pods for which this returns true are marked (auto mode). */
  filter?: (pod: PodObject) => boolean;
}

export class FakeKubelet {
  readonly informer: SharedInformer<PodObject>;
  private readonly pods: ResourceClient<PodObject>;
  private readonly queue: WorkQueue<string>;
  private readonly clock: Clock;
  private readonly client: RestClient;

  constructor(private readonly opts: FakeKubeletOptions) {
    this.clock = opts.clock ?? realClock;
    this.client = new RestClient(opts.transport, { fieldManager: 'fake-kubelet' });
    this.pods = this.client.resource<PodObject>(podsResource);
    this.informer = new SharedInformer(this.pods, { log: opts.log ?? silentLogger, clock: opts.clock });
    this.queue = new WorkQueue<string>({ name: 'fake-kubelet', clock: opts.clock });
    if (opts.auto !== false) {
      const consider = (p: PodObject) => {
        if (p.metadata.deletionTimestamp && !p.spec?.nodeName) return;
        if (!p.metadata.deletionTimestamp && isPodReady(p)) return;
        if (opts.filter && !opts.filter(p)) return;
        const key = `${p.metadata.namespace}/${p.metadata.name}`;
        if (opts.delayMs) this.queue.addAfter(key, opts.delayMs);
        else this.queue.add(key);
      };
      this.informer.addEventHandler({ onAdd: consider, onUpdate: (_o, p) => consider(p) });
    }
  }

  async start(signal: AbortSignal): Promise<void> {
    this.informer.start(signal);
    if (!(await this.informer.waitForSync(signal))) return;
    await runWorkers(this.queue, this.opts.workers ?? 8, async (key) => {
      const { namespace, name } = splitKey(key);
      const pod = this.informer.lister.get(namespace, name);
      if (!pod) return;
      // A bound pod being deleted waits for its kubelet: finish it at once, as after a fast stop.
      if (pod.metadata.deletionTimestamp) {
        if (pod.spec?.nodeName) await this.pods.delete(namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }).catch((e) => { if (!isNotFound(e) && !isConflict(e)) throw e; });
        return;
      }
      if (!isPodReady(pod)) await this.markReady(pod);
    }, signal, { log: this.opts.log });
  }

  /** Marks one pod Running and Ready now (binding it first when nodeName is set). */
  async markReady(pod: PodObject, ready = true): Promise<PodObject | undefined> {
    const ns = pod.metadata.namespace, name = pod.metadata.name;
    try {
      if (this.opts.nodeName && !pod.spec?.nodeName) {
        await this.client.requestJson({
          method: 'POST', path: this.pods.path(ns, name, 'binding'),
          body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: this.opts.nodeName } },
        });
      }
      const now = rfc3339(this.clock.now());
      const st = ready ? 'True' : 'False';
      const status = {
        phase: 'Running', startTime: pod.status?.startTime ?? now, hostIP: '127.0.0.1', podIP: '10.0.0.1',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: st, lastTransitionTime: now },
          { type: 'Ready', status: st, lastTransitionTime: now },
        ],
        containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
          name: c.name, image: c.image ?? '', imageID: '', ready, started: true, restartCount: 0, state: { running: { startedAt: now } },
        })),
      };
      return await this.pods.patch(ns, name, 'merge', { status }, { subresource: 'status' });
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return undefined;
      throw e;
    }
  }
}
