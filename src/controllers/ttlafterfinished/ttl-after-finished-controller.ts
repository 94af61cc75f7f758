// The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished): a Job with
// spec.ttlSecondsAfterFinished is deleted that many seconds after it finished (completionTime, or
// the Complete / Failed condition's transition time), with Background propagation. Before
// deleting it re-reads the Job from the server, as upstream does, so that a TTL changed in the
// meantime is honoured, and deletes with a UID precondition.
import type { Logger } from '../../api/log.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { splitKey } from '../../client/paths.js';
import { isNotFound } from '../../client/status.js';
import type { RestTransport } from '../../client/transport.js';
import { finishedCondition, jobsResource, type JobObject } from '../job/types.js';

export interface TTLAfterFinishedControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  /** Drives expiry (informers keep real time unless the factory is given). */
  clock?: Clock;
  workers?: number;
}

/** When the Job finished (ms), or undefined if it has not. */
export function jobFinishTime(job: JobObject): number | undefined {
  const cond = finishedCondition(job);
  if (!cond) return undefined;
  const t = Date.parse(job.status?.completionTime ?? cond.lastTransitionTime ?? '');
  return Number.isNaN(t) ? undefined : t;
}

/** Milliseconds until the Job expires (<= 0: expired), or undefined when it never does. */
export function timeLeft(job: JobObject, nowMs: number): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata.deletionTimestamp) return undefined;
  const finished = jobFinishTime(job);
  if (finished === undefined) return undefined;
  return finished + ttl * 1000 - nowMs;
}

export class TTLAfterFinishedController {
  readonly queue: WorkQueue<string>;
  private readonly informers: InformerFactory;
  private readonly jobInformer: SharedInformer<JobObject>;
  private readonly jobs: ResourceClient<JobObject>;
  private readonly clock: Clock;

  constructor(private readonly opts: TTLAfterFinishedControllerOptions) {
    this.clock = opts.clock ?? realClock;
    const client = new RestClient(opts.transport, { fieldManager: 'ttl-after-finished-controller' });
    this.informers = opts.informers ?? new InformerFactory(client, { log: opts.log });
    this.jobInformer = this.informers.informerFor<JobObject>(jobsResource);
    this.jobs = client.resource<JobObject>(jobsResource);
    this.queue = new WorkQueue<string>({ name: 'ttl_jobs_to_delete', clock: opts.clock });
    const enqueue = (j: JobObject) => {
      if (j.spec.ttlSecondsAfterFinished !== undefined && j.spec.ttlSecondsAfterFinished !== null && finishedCondition(j)) {
        this.queue.add(`${j.metadata.namespace}/${j.metadata.name}`);
      }
    };
    this.jobInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, j) => enqueue(j) });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 5, reconcile: (k) => this.sync(k), signal, log: this.opts.log });
  }

  async sync(k: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(k);
    const cached = this.jobInformer.lister.get(namespace, name);
    if (!cached) return;
    const left = timeLeft(cached, this.clock.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left };
    let fresh: JobObject;
    try {
      fresh = await this.jobs.get(namespace, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const freshLeft = timeLeft(fresh, this.clock.now());
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return { requeueAfterMs: freshLeft };
    try {
      await this.jobs.delete(namespace, name, { propagationPolicy: 'Background', preconditions: { uid: fresh.metadata.uid } });
      this.opts.log.info('deleted finished Job after its TTL', { job: k });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
