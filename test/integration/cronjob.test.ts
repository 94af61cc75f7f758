// CronJob and TTL-after-finished controllers against the in-process API server, with a fake clock
// driving schedules: job naming and annotations, status, concurrency policies, history limits,
// suspend, and TTL deletion of finished Jobs.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { silentLogger } from '../../src/api/log.js';
import { FakeClock } from '../../src/client/testing/fake-clock.js';
import { CronJobController, jobNameFor } from '../../src/controllers/cronjob/cronjob-controller.js';
import { TTLAfterFinishedController } from '../../src/controllers/ttlafterfinished/ttl-after-finished-controller.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { cronJobsResource, jobsResource, type CronJobObject, type JobObject } from '../../src/controllers/job/types.js';
import type { ResourceClient } from '../../src/client/rest-client.js';

const ns = 'default';

function cronJob(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { metadata: { labels: { cron: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

describe('CronJob and TTL-after-finished controllers', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<unknown>[];
  let clock: FakeClock;
  let jobs: ResourceClient<JobObject>;
  let cronJobs: ResourceClient<CronJobObject>;

  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    clock = new FakeClock(Date.now());
    const transport = t.api.inProcessTransport();
    running = [
      new CronJobController({ transport, log: silentLogger, clock }).start(abort.signal),
      new TTLAfterFinishedController({ transport, log: silentLogger, clock }).start(abort.signal),
    ];
    jobs = t.client.resource<JobObject>(jobsResource);
    cronJobs = t.client.resource<CronJobObject>(cronJobsResource);
  });

  afterEach(async () => {
    abort.abort();
    await Promise.all(running.map((p) => p.catch(() => {})));
    await t.stop();
  });

  const jobsOf = async (name: string) => (await jobs.list(ns, { labelSelector: `cron=${name}` })).items.filter((j) => !j.metadata.deletionTimestamp);
  const nextMinute = () => Math.floor(clock.now() / 60000) * 60000 + 60000;
  /** Moves the fake clock just past the next minute boundary. */
  const tick = async () => clock.advance(nextMinute() - clock.now() + 200);
  const finish = async (j: JobObject, type: 'Complete' | 'Failed') => {
    const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status: Record<string, unknown> = {
      startTime: now, conditions: [{ type, status: 'True', lastTransitionTime: now, lastProbeTime: now, reason: type === 'Complete' ? 'CompletionsReached' : 'BackoffLimitExceeded', message: 'x' }],
    };
    if (type === 'Complete') { status.completionTime = now; status.succeeded = 1; } else status.failed = 1;
    return jobs.patch(ns, j.metadata.name, 'merge', { status }, { subresource: 'status' });
  };

  it('creates a Job per activation with upstream naming and status; Forbid waits for the active one', async () => {
    await cronJobs.create(ns, cronJob('tick', { concurrencyPolicy: 'Forbid' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(await jobsOf('tick')).toEqual([]);
    const scheduled = nextMinute();
    await tick();
    const [j] = await waitFor(async () => { const l = await jobsOf('tick'); return l.length === 1 && l; }, 5000, 'first job');
    expect(j!.metadata.name).toBe(jobNameFor('tick', scheduled));
    expect(j!.metadata.name).toBe(`tick-${scheduled / 60000}`);
    expect(j!.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(new Date(scheduled).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(j!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
    const st = await waitFor(async () => { const c = await cronJobs.get(ns, 'tick'); return c.status?.active?.length === 1 && c.status; }, 5000, 'active');
    expect(st.lastScheduleTime).toBe(new Date(scheduled).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(st.active?.[0]).toMatchObject({ kind: 'Job', name: j!.metadata.name, uid: j!.metadata.uid });

    // Forbid: the next activation is skipped while the first Job runs.
    await tick();
    await new Promise((r) => setTimeout(r, 100));
    expect((await jobsOf('tick')).length).toBe(1);

    // Once it completes, the activation skipped meanwhile runs (no startingDeadlineSeconds).
    await finish(j!, 'Complete');
    const missedName = jobNameFor('tick', scheduled + 60_000);
    const after = await waitFor(async () => { const c = await cronJobs.get(ns, 'tick'); return (c.status?.lastSuccessfulTime && c.status.active?.[0]?.name === missedName) ? c.status : undefined; }, 5000, 'missed activation');
    expect(after.active?.length).toBe(1);
    expect((await jobsOf('tick')).length).toBe(2);
  });

  it('Replace deletes the running Job; history limits prune finished Jobs; suspend stops scheduling', async () => {
    await cronJobs.create(ns, cronJob('rep', { concurrencyPolicy: 'Replace', successfulJobsHistoryLimit: 1 }));
    await tick();
    const [first] = await waitFor(async () => { const l = await jobsOf('rep'); return l.length === 1 && l; }, 5000, 'first');
    await waitFor(async () => (await cronJobs.get(ns, 'rep')).status?.active?.length === 1, 5000, 'active');
    await tick();
    const [second] = await waitFor(async () => { const l = await jobsOf('rep'); return l.length === 1 && l[0]!.metadata.uid !== first!.metadata.uid && l; }, 5000, 'replaced');
    await waitFor(async () => (await cronJobs.get(ns, 'rep')).status?.active?.[0]?.uid === second!.metadata.uid, 5000, 'active is the new one');

    // Two completions with a history limit of one: the older goes.
    await finish(second!, 'Complete');
    await waitFor(async () => !(await cronJobs.get(ns, 'rep')).status?.active?.length, 5000, 'inactive');
    await tick();
    const [third] = await waitFor(async () => { const l = (await jobsOf('rep')).filter((j) => j.metadata.uid !== second!.metadata.uid); return l.length === 1 && l; }, 5000, 'third');
    await finish(third!, 'Complete');
    await waitFor(async () => { const l = await jobsOf('rep'); return l.length === 1 && l[0]!.metadata.uid === third!.metadata.uid; }, 5000, 'pruned to one');

    await cronJobs.patch(ns, 'rep', 'merge', { spec: { suspend: true } });
    await new Promise((r) => setTimeout(r, 50));
    await tick();
    await new Promise((r) => setTimeout(r, 100));
    expect((await jobsOf('rep')).length).toBe(1);
  });

  it('deletes finished Jobs after ttlSecondsAfterFinished', async () => {
    const j = await jobs.create(ns, {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'short', labels: { cron: 'none' } },
      spec: { ttlSecondsAfterFinished: 30, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    await finish(j, 'Complete');
    await clock.advance(29_000);
    await new Promise((r) => setTimeout(r, 100));
    expect((await jobs.get(ns, 'short')).metadata.name).toBe('short');
    await clock.advance(2_000);
    await waitFor(async () => { try { await jobs.get(ns, 'short'); return false; } catch { return true; } }, 5000, 'deleted');
  });
});
