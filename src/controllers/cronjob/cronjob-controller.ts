// The CronJob controller (upstream pkg/controller/cronjob, v2): creates a Job for each schedule
// activation, named "<cronjob>-<scheduled minutes since the epoch>", honouring suspend,
// concurrencyPolicy (Allow / Forbid / Replace), startingDeadlineSeconds and spec.timeZone; keeps
// status.active, lastScheduleTime and lastSuccessfulTime; removes finished Jobs beyond the history
// limits; and requeues itself for the next activation.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { CronJobStatus } from 'kubernetes-types/batch/v1.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { splitKey } from '../../client/paths.js';
import { isAlreadyExists, isNotFound } from '../../client/status.js';
import { EventRecorder, rfc3339 } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { controllerIndex, getControllerOf, indexByController, newControllerRef } from '../common/owner.js';
import { errorMessage } from '../common/pod-control.js';
import { cronJobsResource, finishedCondition, jobsResource, type CronJobObject, type JobObject } from '../job/types.js';
import { formatInZone, parseSchedule, type Schedule } from './cron-schedule.js';
import { mostRecentScheduleTime } from './schedule-times.js';

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  /** Drives schedules and requeues (informers keep real time unless the factory is given). */
  clock?: Clock;
  workers?: number;
}

const key = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;

/** upstream getJobName: the scheduled time in minutes since the epoch. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60000)}`;
}

export class CronJobController {
  readonly queue: WorkQueue<string>;
  private readonly informers: InformerFactory;
  private readonly cjInformer: SharedInformer<CronJobObject>;
  private readonly jobInformer: SharedInformer<JobObject>;
  private readonly cronJobs: ResourceClient<CronJobObject>;
  private readonly jobs: ResourceClient<JobObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: CronJobControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    const client = new RestClient(opts.transport, { fieldManager: 'cronjob-controller' });
    this.informers = opts.informers ?? new InformerFactory(client, { log: opts.log });
    this.cjInformer = this.informers.informerFor<CronJobObject>(cronJobsResource);
    this.jobInformer = this.informers.informerFor<JobObject>(jobsResource, { indexers: { [controllerIndex]: indexByController } });
    this.cronJobs = client.resource<CronJobObject>(cronJobsResource);
    this.jobs = client.resource<JobObject>(jobsResource);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'cronjob-controller', clock: opts.clock, log: opts.log });
    this.queue = new WorkQueue<string>({ name: 'cronjob', clock: opts.clock });
    this.cjInformer.addEventHandler({ onAdd: (c) => this.queue.add(key(c)), onUpdate: (_o, c) => this.queue.add(key(c)) });
    const wakeOwner = (j: JobObject) => {
      const ref = getControllerOf(j);
      if (ref?.kind === 'CronJob') this.queue.add(`${j.metadata.namespace}/${ref.name}`);
    };
    this.jobInformer.addEventHandler({ onAdd: wakeOwner, onUpdate: (_o, j) => wakeOwner(j), onDelete: wakeOwner });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({
      informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 5, reconcile: (k) => this.sync(k), signal, log: this.log,
      onStop: () => (this.ownRecorder ? this.recorder.stop(1000) : undefined),
    });
  }

  /** Reconciles one CronJob by key (upstream syncCronJob + cleanupFinishedJobs). */
  async sync(k: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(k);
    const cached = this.cjInformer.lister.get(namespace, name);
    if (!cached) return;
    const cj: CronJobObject = { ...cached, apiVersion: 'batch/v1', kind: 'CronJob' };
    const ns = namespace!;
    const jobs = this.jobInformer.indexer.byIndex(controllerIndex, cj.metadata.uid);
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    this.reconcileActive(cj, status, jobs);
    const result = await this.schedule(cj, status, jobs, ns);
    await this.writeStatus(cached, status);
    await this.cleanupFinished(cj, jobs, status);
    return result;
  }

  /** Drops finished and missing Jobs from status.active and records the last success. */
  private reconcileActive(cj: CronJobObject, status: CronJobStatus, jobs: JobObject[]): void {
    const byUid = new Map(jobs.map((j) => [j.metadata.uid, j]));
    const active: ObjectReference[] = [];
    for (const ref of status.active ?? []) {
      const j = ref.uid ? byUid.get(ref.uid) : undefined;
      if (!j) {
        // The informer may not have seen a Job we just created; keep it until it is known.
        const byName = ref.name ? this.jobInformer.lister.get(cj.metadata.namespace, ref.name) : undefined;
        if (this.recentlyCreated.has(ref.uid ?? '') || (byName && byName.metadata.uid === ref.uid)) active.push(ref);
        else this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        continue;
      }
      const done = finishedCondition(j);
      if (done) {
        this.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${done.type}`);
        continue;
      }
      active.push(ref);
    }
    for (const j of jobs) {
      if (finishedCondition(j) || active.some((r) => r.uid === j.metadata.uid)) continue;
      if (!(cj.status?.active ?? []).some((r) => r.uid === j.metadata.uid) && !this.recentlyCreated.has(j.metadata.uid)) {
        this.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      }
    }
    for (const j of jobs) {
      if (finishedCondition(j)?.type !== 'Complete' || !j.status?.completionTime) continue;
      if (!status.lastSuccessfulTime || Date.parse(j.status.completionTime) > Date.parse(status.lastSuccessfulTime)) {
        status.lastSuccessfulTime = j.status.completionTime;
      }
    }
    status.active = active;
  }

  /** UIDs of Jobs created in this process that the informer may not have reported yet. */
  private readonly recentlyCreated = new Set<string>();

  private async schedule(cj: CronJobObject, status: CronJobStatus, jobs: JobObject[], ns: string): Promise<ReconcileResult | undefined> {
    if (cj.metadata.deletionTimestamp) return undefined;
    let sched: Schedule;
    try {
      sched = parseSchedule(cj.spec.schedule, cj.spec.timeZone);
    } catch (e) {
      const msg = errorMessage(e);
      if (/time zone/.test(msg)) this.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${cj.spec.timeZone}": ${msg}`);
      else this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec.schedule}" : ${msg}`);
      return undefined;
    }
    if (cj.spec.suspend) return undefined;
    const now = this.clock.now();
    const requeue = (): ReconcileResult | undefined => {
      const next = sched.next(now);
      return next === undefined ? undefined : { requeueAfterMs: next - now + 100 };
    };
    const { time, missed } = mostRecentScheduleTime({ ...cj, status }, sched, now);
    if (missed > 100) {
      this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    if (time === undefined) return requeue();
    const sds = cj.spec.startingDeadlineSeconds;
    if (sds !== undefined && sds !== null && time + sds * 1000 < now) {
      this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatInZone(time, sched.timeZone)}`);
      return requeue();
    }
    const jobName = jobNameFor(cj.metadata.name, time);
    if (status.active?.some((r) => r.name === jobName) || jobs.some((j) => j.metadata.name === jobName)) return requeue();
    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (status.active?.length ?? 0) > 0) {
      this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return requeue();
    }
    if (policy === 'Replace') {
      for (const ref of status.active ?? []) {
        try {
          await this.jobs.delete(ns, ref.name!, { propagationPolicy: 'Background' });
          this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
        } catch (e) {
          if (!isNotFound(e)) {
            this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorMessage(e)}`);
            throw e;
          }
        }
      }
      status.active = [];
    }
    let job: JobObject;
    try {
      job = await this.jobs.create(ns, this.jobFromTemplate(cj, jobName, time, sched.timeZone));
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
      this.recentlyCreated.add(job.metadata.uid);
      this.clock.setTimeout(() => this.recentlyCreated.delete(job.metadata.uid), 60_000);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(e)}`);
        throw e;
      }
      // Created before (a lost status write): record it as ours if it is.
      job = await this.jobs.get(ns, jobName);
      status.lastScheduleTime = rfc3339(time);
      if (getControllerOf(job)?.uid !== cj.metadata.uid || finishedCondition(job)) return requeue();
    }
    status.active = [...(status.active ?? []), {
      apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: ns, uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion,
    }];
    status.lastScheduleTime = rfc3339(time);
    return requeue();
  }

  /** upstream getJobFromTemplate2. */
  private jobFromTemplate(cj: CronJobObject, name: string, scheduledMs: number, zone: string): KubeObject {
    const tpl = cj.spec.jobTemplate;
    return {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: {
        name, namespace: cj.metadata.namespace,
        labels: { ...(tpl.metadata?.labels ?? {}) },
        annotations: { ...(tpl.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: formatInZone(scheduledMs, zone) },
        ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: structuredClone(tpl.spec ?? {}),
    };
  }

  private async writeStatus(cached: CronJobObject, status: CronJobStatus): Promise<void> {
    const cur = { ...status };
    if (!cur.active?.length) delete cur.active;
    if (canonicalJson(cached.status) === canonicalJson(cur)) return;
    await this.cronJobs.updateStatus(cached.metadata.namespace, { ...cached, apiVersion: 'batch/v1', kind: 'CronJob', status: cur });
  }

  /** Deletes the oldest finished Jobs beyond successful/failedJobsHistoryLimit (defaults 3 and 1). */
  private async cleanupFinished(cj: CronJobObject, jobs: JobObject[], status: CronJobStatus): Promise<void> {
    const active = new Set((status.active ?? []).map((r) => r.uid));
    const succeeded: JobObject[] = [], failed: JobObject[] = [];
    for (const j of jobs) {
      if (active.has(j.metadata.uid) || j.metadata.deletionTimestamp) continue;
      const c = finishedCondition(j);
      if (c?.type === 'Complete') succeeded.push(j);
      else if (c?.type === 'Failed') failed.push(j);
    }
    const startOf = (j: JobObject) => Date.parse(j.status?.startTime ?? j.metadata.creationTimestamp);
    const prune = async (list: JobObject[], limit: number) => {
      if (list.length <= limit) return;
      list.sort((a, b) => startOf(a) - startOf(b));
      for (const j of list.slice(0, list.length - limit)) {
        try {
          await this.jobs.delete(j.metadata.namespace, j.metadata.name, { propagationPolicy: 'Background' });
          this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    };
    await prune(succeeded, cj.spec.successfulJobsHistoryLimit ?? 3);
    await prune(failed, cj.spec.failedJobsHistoryLimit ?? 1);
  }
}
