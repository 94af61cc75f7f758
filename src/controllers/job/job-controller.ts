// The Job controller (upstream pkg/controller/job): runs pods until enough succeed, re-creating
// failed ones with an exponential backoff until backoffLimit, honouring parallelism, Indexed
// completion, suspend, activeDeadlineSeconds and podFailurePolicy. Finished pods are counted
// exactly once through the job-tracking finalizer (see tracking.ts). Finishing is two-step as in
// 1.31+: SuccessCriteriaMet / FailureTarget first, Complete / Failed once no pod is left running.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import type { JobStatus } from 'kubernetes-types/batch/v1.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { splitKey } from '../../client/paths.js';
import { isNotFound } from '../../client/status.js';
import { EventRecorder, rfc3339 } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { claimCandidates, claimObjects, recheckOwner } from '../common/claim.js';
import { ControllerExpectations } from '../common/expectations.js';
import { controllerIndex, getControllerOf, indexByController } from '../common/owner.js';
import { isPodActive, isPodReady } from '../common/pods.js';
import { errorMessage } from '../common/pod-control.js';
import { podsResource, type PodObject } from '../common/types.js';
import { jobPod } from './job-pods.js';
import { hasTrackingFinalizer, indexFailureCount, indexFailureCountAnnotation, moveCounted, planTracking, uncountedOf, type TrackingPlan } from './tracking.js';
import { finishedCondition, jobTrackingFinalizer, jobsResource, trueCondition, type JobObject } from './types.js';
import { finishing, setJobCondition } from './finish.js';
import { planPods } from './plan-pods.js';

export interface JobBackoff {
  /** First re-creation delay after a failure (upstream DefaultJobPodFailureBackOff, 10 s). */
  initialMs: number;
  /** Cap of the doubling delay (upstream MaxJobPodFailureBackOff, 6 min). */
  maxMs: number;
}

export interface JobControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
  backoff?: JobBackoff;
}

const key = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;
const orphanPodPrefix = 'pod:';
const unseenWriteWaitMs = 10_000;

/** Whether resourceVersion `a` is known to be older than `b` (numeric versions; opaque ones compare equal only). */
function rvOlder(a: string, b: string): boolean {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return a !== b;
  return BigInt(a) < BigInt(b);
}

interface FailureRecord { failures: number; lastAt: number }


export class JobController {
  readonly queue: WorkQueue<string>;
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly jobInformer: SharedInformer<JobObject>;
  private readonly podInformer: SharedInformer<PodObject>;
  private readonly jobs: ResourceClient<JobObject>;
  private readonly pods: ResourceClient<PodObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff: JobBackoff;
  private readonly expectations: ControllerExpectations;
  /** Pod UIDs whose finalizer this controller removed (the cache may still show it). */
  private readonly finalizerGone = new Set<string>();
  /** Pod UIDs this controller deleted without failure (suspend, lower parallelism): not counted. */
  private readonly quietDeletions = new Set<string>();
  private readonly failureRecords = new Map<string, FailureRecord>();
  /**
   * resourceVersion of our last status write per Job, until the cache shows it: acting on an older
   * copy would count or create from stale numbers (the later status write would conflict, but pods
   * would already have been made).
   */
  private readonly unseenWrites = new Map<string, { rv: string; at: number }>();

  constructor(private readonly opts: JobControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
    this.backoff = opts.backoff ?? { initialMs: 10_000, maxMs: 360_000 };
    this.client = new RestClient(opts.transport, { fieldManager: 'job-controller' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { clock: opts.clock, log: opts.log });
    this.jobInformer = this.informers.informerFor<JobObject>(jobsResource);
    this.podInformer = this.informers.informerFor<PodObject>(podsResource, { indexers: { [controllerIndex]: indexByController } });
    this.jobs = this.client.resource<JobObject>(jobsResource);
    this.pods = this.client.resource<PodObject>(podsResource);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'job-controller', clock: opts.clock, log: opts.log });
    this.expectations = new ControllerExpectations({ clock: this.clock });
    this.queue = new WorkQueue<string>({ name: 'job', clock: opts.clock });

    const observe = (j: JobObject) => {
      const unseen = this.unseenWrites.get(key(j));
      if (unseen && !rvOlder(j.metadata.resourceVersion, unseen.rv)) this.unseenWrites.delete(key(j));
      this.queue.add(key(j));
    };
    this.jobInformer.addEventHandler({
      onAdd: observe,
      onUpdate: (_o, j) => observe(j),
      onDelete: (j) => {
        this.unseenWrites.delete(key(j));
        this.expectations.delete(key(j));
        this.failureRecords.delete(key(j));
        // Pods of a deleted Job must not keep their finalizer forever.
        for (const p of this.podInformer.indexer.byIndex(controllerIndex, j.metadata.uid)) this.queue.add(orphanPodPrefix + key(p));
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.podChanged(p, true),
      onUpdate: (_o, p) => this.podChanged(p, false),
      onDelete: (p) => {
        this.finalizerGone.delete(p.metadata.uid);
        this.quietDeletions.delete(p.metadata.uid);
        const job = this.jobOf(p);
        if (!job) return;
        this.expectations.deletionObserved(key(job), key(p));
        this.queue.add(key(job));
      },
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({
      informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 5, reconcile: (k) => this.sync(k), signal, log: this.log,
      onStop: () => (this.ownRecorder ? this.recorder.stop(1000) : undefined),
    });
  }

  private jobOf(pod: PodObject): JobObject | undefined {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== 'Job') return undefined;
    const job = this.jobInformer.lister.get(pod.metadata.namespace, ref.name);
    return job && job.metadata.uid === ref.uid ? job : undefined;
  }

  private podChanged(pod: PodObject, added: boolean): void {
    if (!hasTrackingFinalizer(pod)) this.finalizerGone.delete(pod.metadata.uid);
    const job = this.jobOf(pod);
    if (job) {
      if (added) this.expectations.creationObserved(key(job));
      this.queue.add(key(job));
      return;
    }
    const ref = getControllerOf(pod);
    if (hasTrackingFinalizer(pod) && ref?.kind === 'Job') {
      this.queue.add(orphanPodPrefix + key(pod));
      return;
    }
    if (!ref) {
      for (const j of this.jobInformer.lister.list({ namespace: pod.metadata.namespace })) {
        try {
          if (labelSelectorFromObject(j.spec.selector).matches(pod.metadata.labels)) this.queue.add(key(j));
        } catch { /* invalid selector: the Job never adopts */ }
      }
    }
  }

  /** Reconciles one Job by key (upstream syncJob). */
  async sync(k: string): Promise<void | ReconcileResult> {
    if (k.startsWith(orphanPodPrefix)) return this.syncOrphanPod(k.slice(orphanPodPrefix.length));
    const { namespace, name } = splitKey(k);
    const job = this.jobInformer.lister.get(namespace, name);
    if (!job) return;
    // A Job another controller manages is left alone (spec.managedBy, upstream 1.30+).
    if (job.spec.managedBy && job.spec.managedBy !== 'kubernetes.io/job-controller') return;
    const unseen = this.unseenWrites.get(k);
    if (unseen) {
      // The watch brings the write and a new sync; look again anyway should it never come.
      const waited = this.clock.now() - unseen.at;
      if (waited < unseenWriteWaitMs) return { requeueAfterMs: unseenWriteWaitMs - waited };
      this.unseenWrites.delete(k);
    }
    const ns = namespace!;
    let selector;
    try {
      selector = labelSelectorFromObject(job.spec.selector);
    } catch (e) {
      this.log.warn('invalid Job selector', { key: k, err: e });
      return;
    }
    const candidates = claimCandidates(this.podInformer.indexer, job);
    const pods = await claimObjects(candidates, {
      owner: job, ownerApiVersion: 'batch/v1', ownerKind: 'Job', selector, client: this.pods,
      canAdopt: recheckOwner(() => this.jobs.get(ns, name), job.metadata.uid),
    });

    if (finishedCondition(job) || job.metadata.deletionTimestamp) {
      // Nothing more to count: let every remaining pod go.
      await this.stripFinalizers(pods.filter((p) => hasTrackingFinalizer(p) && !this.finalizerGone.has(p.metadata.uid)));
      return;
    }

    const now = this.clock.now();
    const plan = planTracking(job, pods, this.finalizerGone, this.quietDeletions);
    let current = job;
    let status: JobStatus = structuredClone(job.status ?? {});
    const before = canonicalJson(status.uncountedTerminatedPods);
    status.uncountedTerminatedPods = uncountedOf(plan);
    if (canonicalJson(status.uncountedTerminatedPods) !== before) {
      current = await this.writeStatus(current, status);
      status = structuredClone(current.status ?? {});
    }
    const counted = await this.removeFinalizersOf(pods, plan);
    const podsByUid = new Map(pods.map((p) => [p.metadata.uid, p]));
    status = moveCounted(job, status, plan, counted, podsByUid);
    this.recordFailures(k, plan, now);
    // Counts go to the server before any pod is made or removed because of them.
    current = await this.writeStatus(current, status);
    status = structuredClone(current.status ?? {});

    const remaining = pods.filter((p) => hasTrackingFinalizer(p) && !counted.has(p.metadata.uid) && !this.finalizerGone.has(p.metadata.uid));
    const active = pods.filter((p) => isPodActive(p) && !this.quietDeletions.has(p.metadata.uid));
    const result = await this.reconcile(k, job, status, plan, active, remaining, pods, now);
    current = await this.writeStatus(current, result.status);
    return result.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : undefined;
  }

  /** Decides finishing, suspension and the pods to create or delete; returns the status to write. */
  private async reconcile(
    k: string, job: JobObject, status: JobStatus, plan: TrackingPlan,
    active: PodObject[], remaining: PodObject[], pods: PodObject[], now: number,
  ): Promise<{ status: JobStatus; requeueAfterMs?: number }> {
    const ns = job.metadata.namespace!;
    const st: JobStatus = { ...status };
    let requeueAfterMs: number | undefined;
    const uncounted = plan.uncountedSucceeded.size + plan.uncountedFailed.size;
    const finish = finishing(job, st, plan, active, now);
    let activeCount = active.length;

    if (finish) {
      const interim = finish.type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget';
      if (!trueCondition(job, interim)) {
        st.conditions = setJobCondition(st.conditions, interim, 'True', finish.reason, finish.message, now);
        if (finish.type === 'Failed') this.recorder.event(job, 'Warning', finish.reason, finish.message);
      }
      // Pods still running are removed; when failing they count as failed, as upstream.
      const victims = active.filter((p) => !p.metadata.deletionTimestamp);
      if (finish.type === 'Complete') for (const p of victims) this.quietDeletions.add(p.metadata.uid);
      await this.deletePods(k, job, victims);
      activeCount = 0;
      const stillThere = remaining.filter((p) => !plan.uncountedSucceeded.has(p.metadata.uid) && !plan.uncountedFailed.has(p.metadata.uid));
      // As 1.31+ does, the terminal condition waits until no pod is still shutting down.
      const shuttingDown = pods.some((p) => p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
      if (stillThere.length === 0 && uncounted === 0 && !shuttingDown) {
        st.conditions = setJobCondition(st.conditions, finish.type, 'True', finish.reason, finish.message, now);
        if (finish.type === 'Complete') {
          st.completionTime = rfc3339(now);
          this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
        }
      } else {
        requeueAfterMs = 1000;
      }
    } else if (job.spec.suspend) {
      const victims = active.filter((p) => !p.metadata.deletionTimestamp);
      for (const p of victims) this.quietDeletions.add(p.metadata.uid);
      await this.deletePods(k, job, victims);
      activeCount = 0;
      if (!trueCondition(job, 'Suspended')) {
        st.conditions = setJobCondition(st.conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        delete st.startTime;
        this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
    } else {
      if (trueCondition(job, 'Suspended')) {
        st.conditions = setJobCondition(st.conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
        this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        st.startTime = rfc3339(now);
      }
      st.startTime ??= rfc3339(now);
      if (this.expectations.satisfied(k)) {
        const managed = await this.manage(k, job, st, active, pods, now);
        activeCount = managed.active;
        requeueAfterMs = managed.requeueAfterMs;
      }
      const ads = job.spec.activeDeadlineSeconds;
      if (ads !== undefined && ads !== null) {
        const left = Date.parse(st.startTime) + ads * 1000 - now;
        requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, Math.max(left, 0) + 1);
      }
    }
    if (uncounted > 0) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, 1000);
    st.active = activeCount;
    st.ready = active.filter(isPodReady).length;
    st.terminating = pods.filter((p) => p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;
    return { status: st, requeueAfterMs };
  }

  /** Creates or deletes pods toward the wanted parallelism (upstream manageJob); returns the active count. */
  private async manage(k: string, job: JobObject, st: JobStatus, active: PodObject[], pods: PodObject[], now: number): Promise<{ active: number; requeueAfterMs?: number }> {
    const running = active.filter((p) => !p.metadata.deletionTimestamp);
    const plan = planPods(job, st, running, pods);
    const toDelete = plan.toDelete;
    let toCreate = plan.toCreate;
    for (const p of toDelete) this.quietDeletions.add(p.metadata.uid);
    await this.deletePods(k, job, toDelete);
    let requeueAfterMs: number | undefined;
    if (toCreate.length) {
      const wait = this.backoffRemaining(k, now);
      if (wait > 0) {
        requeueAfterMs = wait;
        toCreate = [];
      }
    }
    const created = await this.createPods(k, job, toCreate, plan.failures);
    return { active: running.length - toDelete.length + created, requeueAfterMs };
  }

  private backoffRemaining(k: string, now: number): number {
    const r = this.failureRecords.get(k);
    if (!r || r.failures === 0) return 0;
    const delay = Math.min(this.backoff.initialMs * 2 ** (r.failures - 1), this.backoff.maxMs);
    return r.lastAt + delay - now;
  }

  private recordFailures(k: string, plan: TrackingPlan, now: number): void {
    if (plan.newFailures > 0) {
      const r = this.failureRecords.get(k) ?? { failures: 0, lastAt: now };
      this.failureRecords.set(k, { failures: r.failures + plan.newFailures, lastAt: now });
    } else if (plan.newSuccesses > 0) {
      this.failureRecords.delete(k);
    }
  }

  private async createPods(k: string, job: JobObject, indexes: Array<number | undefined>, failures: ReadonlyMap<number, number>): Promise<number> {
    if (!indexes.length) return 0;
    const ns = job.metadata.namespace!;
    const owner: KubeObject = { ...job, apiVersion: 'batch/v1', kind: 'Job' };
    this.expectations.expectCreations(k, indexes.length);
    let created = 0;
    let failure: unknown;
    await Promise.all(indexes.map(async (idx) => {
      try {
        const body = jobPod(job, idx);
        const prior = idx === undefined ? 0 : failures.get(idx) ?? 0;
        if (idx !== undefined && job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null) {
          body.metadata!.annotations = { ...body.metadata!.annotations, [indexFailureCountAnnotation]: String(prior) };
        }
        const pod = await this.pods.create(ns, body);
        created++;
        this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (e) {
        this.expectations.creationObserved(k);
        failure ??= e;
        this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(e)}`);
      }
    }));
    if (failure !== undefined) throw failure;
    return created;
  }

  private async deletePods(k: string, job: JobObject, victims: PodObject[]): Promise<void> {
    if (!victims.length) return;
    const owner: KubeObject = { ...job, apiVersion: 'batch/v1', kind: 'Job' };
    this.expectations.expectDeletions(k, victims.map(key));
    const results = await Promise.allSettled(victims.map(async (p) => {
      try {
        await this.pods.delete(p.metadata.namespace, p.metadata.name);
        this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (e) {
        this.expectations.deletionObserved(k, key(p));
        if (!isNotFound(e)) throw e;
      }
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Removes the tracking finalizer from every pod recorded as uncounted; returns the UIDs now countable. */
  private async removeFinalizersOf(pods: PodObject[], plan: TrackingPlan): Promise<Set<string>> {
    const uids = new Set([...plan.uncountedSucceeded, ...plan.uncountedFailed]);
    const counted = new Set<string>();
    const present = new Set(pods.map((p) => p.metadata.uid));
    for (const uid of uids) if (!present.has(uid) || this.finalizerGone.has(uid)) counted.add(uid);
    const targets = pods.filter((p) => uids.has(p.metadata.uid) && !counted.has(p.metadata.uid) && hasTrackingFinalizer(p));
    for (const p of pods) if (uids.has(p.metadata.uid) && !hasTrackingFinalizer(p)) counted.add(p.metadata.uid);
    const ok = await this.stripFinalizers([...targets, ...plan.stripOnly]);
    for (const uid of ok) if (uids.has(uid)) counted.add(uid);
    return counted;
  }

  /** Removes the tracking finalizer; returns the UIDs for which it is gone. */
  private async stripFinalizers(pods: PodObject[]): Promise<Set<string>> {
    const ok = new Set<string>();
    let failure: unknown;
    await Promise.all(pods.map(async (p) => {
      try {
        await this.pods.patch(p.metadata.namespace, p.metadata.name, 'strategic', {
          metadata: { uid: p.metadata.uid, [`$deleteFromPrimitiveList/finalizers`]: [jobTrackingFinalizer] },
        });
        ok.add(p.metadata.uid);
        this.finalizerGone.add(p.metadata.uid);
      } catch (e) {
        if (isNotFound(e)) ok.add(p.metadata.uid);
        else failure ??= e;
      }
    }));
    if (failure !== undefined) throw failure;
    return ok;
  }

  /** A pod whose Job is gone keeps no tracking finalizer (upstream does this in its pod handler). */
  private async syncOrphanPod(k: string): Promise<void> {
    const { namespace, name } = splitKey(k);
    const pod = this.podInformer.lister.get(namespace, name);
    if (!pod || !hasTrackingFinalizer(pod) || this.jobOf(pod)) return;
    await this.stripFinalizers([pod]);
  }

  private async writeStatus(job: JobObject, status: JobStatus): Promise<JobObject> {
    if (canonicalJson(job.status) === canonicalJson(status)) return job;
    const written = await this.jobs.updateStatus(job.metadata.namespace, { ...job, apiVersion: 'batch/v1', kind: 'Job', status });
    this.unseenWrites.set(key(written), { rv: written.metadata.resourceVersion, at: this.clock.now() });
    return written;
  }
}
