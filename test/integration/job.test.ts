// Job controller against the in-process API server: completions with parallelism, backoffLimit,
// Indexed mode, suspend, podFailurePolicy, activeDeadlineSeconds, orphaned tracking finalizers.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { silentLogger } from '../../src/api/log.js';
import { JobController } from '../../src/controllers/job/job-controller.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { podsResource, type PodObject } from '../../src/controllers/common/types.js';
import { jobsResource, type JobObject } from '../../src/controllers/job/types.js';
import { setPodPhase } from '../../src/controllers/job/testing.js';
import type { ResourceClient } from '../../src/client/rest-client.js';

const ns = 'default';

function job(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'busybox' }] } }, ...spec },
  };
}

describe('Job controller', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<unknown>;
  let pods: ResourceClient<PodObject>;
  let jobs: ResourceClient<JobObject>;

  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    const ctl = new JobController({ transport: t.api.inProcessTransport(), log: silentLogger, backoff: { initialMs: 20, maxMs: 100 } });
    running = ctl.start(abort.signal);
    pods = t.client.resource<PodObject>(podsResource);
    jobs = t.client.resource<JobObject>(jobsResource);
  });

  afterEach(async () => {
    abort.abort();
    await running.catch(() => {});
    await t.stop();
  });

  const podsOf = async (name: string) => (await pods.list(ns, { labelSelector: `job-name=${name}` })).items;
  const activeOf = async (name: string) => (await podsOf(name)).filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
  const cond = (j: JobObject, type: string) => j.status?.conditions?.find((c) => c.type === type && c.status === 'True');

  it('runs completions with parallelism and completes', async () => {
    await jobs.create(ns, job('many', { completions: 3, parallelism: 2 }));
    const first = await waitFor(async () => { const l = await activeOf('many'); return l.length === 2 && l; }, 5000, '2 pods');
    const p0 = first[0]!;
    expect(p0.metadata.finalizers).toContain('batch.kubernetes.io/job-tracking');
    expect(p0.metadata.labels?.['batch.kubernetes.io/job-name']).toBe('many');
    expect(p0.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'many', controller: true });
    await setPodPhase(pods, first[0]!, 'Ready');
    await waitFor(async () => (await jobs.get(ns, 'many')).status?.ready === 1, 5000, 'ready 1');
    for (const p of first) await setPodPhase(pods, p, 'Succeeded');
    const third = await waitFor(async () => { const l = await activeOf('many'); return l.length === 1 && l; }, 5000, 'third pod');
    await setPodPhase(pods, third[0]!, 'Succeeded');
    const done = await waitFor(async () => { const j = await jobs.get(ns, 'many'); return cond(j, 'Complete') && j; }, 5000, 'Complete').catch(async (e) => { console.log(JSON.stringify((await jobs.get(ns, 'many')).status), JSON.stringify((await podsOf('many')).map((p) => [p.metadata.name, p.status?.phase, p.metadata.finalizers, p.metadata.deletionTimestamp]))); throw e; });
    expect(done.status).toMatchObject({ succeeded: 3, failed: 0, active: 0 });
    expect(done.status?.completionTime).toBeTruthy();
    expect(cond(done, 'SuccessCriteriaMet')).toBeTruthy();
    // Every counted pod let go of its finalizer, and none was counted twice.
    for (const p of await podsOf('many')) expect(p.metadata.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
    expect(done.status?.uncountedTerminatedPods ?? {}).toEqual({});
  });

  it('re-creates failed pods with backoff and fails after backoffLimit', async () => {
    await jobs.create(ns, job('doomed', { backoffLimit: 1 }));
    for (let i = 0; i < 2; i++) {
      const [p] = await waitFor(async () => { const l = await activeOf('doomed'); return l.length === 1 && l; }, 5000, `attempt ${i}`);
      await setPodPhase(pods, p!, 'Failed');
    }
    const failed = await waitFor(async () => { const j = await jobs.get(ns, 'doomed'); return cond(j, 'Failed') && j; }, 5000, 'Failed');
    expect(cond(failed, 'Failed')?.reason).toBe('BackoffLimitExceeded');
    expect(cond(failed, 'FailureTarget')?.reason).toBe('BackoffLimitExceeded');
    expect(failed.status?.failed).toBe(2);
    expect(failed.status?.completionTime).toBeUndefined();
    expect((await podsOf('doomed')).length).toBe(2);
  });

  it('runs Indexed jobs with index annotations, env and hostnames, reporting completedIndexes', async () => {
    await jobs.create(ns, job('idx', { completions: 4, parallelism: 4, completionMode: 'Indexed' }));
    const all = await waitFor(async () => { const l = await activeOf('idx'); return l.length === 4 && l; }, 5000, '4 pods');
    const byIndex = new Map(all.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    expect([...byIndex.keys()].sort()).toEqual(['0', '1', '2', '3']);
    const p2 = byIndex.get('2')!;
    expect(p2.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe('2');
    expect(p2.spec?.hostname).toBe('idx-2');
    expect(p2.spec?.containers[0]?.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath)
      .toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    for (const i of ['0', '1', '3']) await setPodPhase(pods, byIndex.get(i)!, 'Succeeded');
    await waitFor(async () => (await jobs.get(ns, 'idx')).status?.completedIndexes === '0,1,3', 5000, 'completedIndexes 0,1,3');
    // A failed index gets a new pod with the same index.
    await setPodPhase(pods, p2, 'Failed');
    const again = await waitFor(async () => { const l = await activeOf('idx'); return l.length === 1 && l; }, 5000, 'index 2 again');
    expect(again[0]!.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).toBe('2');
    await setPodPhase(pods, again[0]!, 'Succeeded');
    const done = await waitFor(async () => { const j = await jobs.get(ns, 'idx'); return cond(j, 'Complete') && j; }, 5000, 'Complete');
    expect(done.status).toMatchObject({ succeeded: 4, failed: 1, completedIndexes: '0-3' });
  });

  it('limits retries per index with backoffLimitPerIndex and fails with FailedIndexes', async () => {
    await jobs.create(ns, job('per', { completions: 2, parallelism: 2, completionMode: 'Indexed', backoffLimitPerIndex: 1 }));
    const idxOf = (p: PodObject) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
    const first = await waitFor(async () => { const l = await activeOf('per'); return l.length === 2 && l; }, 5000, '2 pods');
    const zero = first.find((p) => idxOf(p) === '0')!;
    expect(zero.metadata.annotations?.['batch.kubernetes.io/job-index-failure-count']).toBe('0');
    await setPodPhase(pods, zero, 'Failed');
    const retry = await waitFor(async () => (await activeOf('per')).find((p) => idxOf(p) === '0' && p.metadata.uid !== zero.metadata.uid), 5000, 'index 0 retried');
    expect(retry.metadata.annotations?.['batch.kubernetes.io/job-index-failure-count']).toBe('1');
    await setPodPhase(pods, retry, 'Failed');
    await waitFor(async () => (await jobs.get(ns, 'per')).status?.failedIndexes === '0', 5000, 'failedIndexes 0');
    expect((await activeOf('per')).map(idxOf)).toEqual(['1']);
    await setPodPhase(pods, first.find((p) => idxOf(p) === '1')!, 'Succeeded');
    const failed = await waitFor(async () => { const j = await jobs.get(ns, 'per'); return cond(j, 'Failed') && j; }, 5000, 'Failed');
    expect(cond(failed, 'Failed')?.reason).toBe('FailedIndexes');
    expect(failed.status).toMatchObject({ completedIndexes: '1', failedIndexes: '0', failed: 2, succeeded: 1 });
  });

  it('completes early by successPolicy, removing the other pods', async () => {
    await jobs.create(ns, job('lead', { completions: 3, parallelism: 3, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0' }] } }));
    const all = await waitFor(async () => { const l = await activeOf('lead'); return l.length === 3 && l; }, 5000, '3 pods');
    await setPodPhase(pods, all.find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '0')!, 'Succeeded');
    const done = await waitFor(async () => { const j = await jobs.get(ns, 'lead'); return cond(j, 'Complete') && j; }, 5000, 'Complete');
    expect(cond(done, 'Complete')).toMatchObject({ reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    expect(cond(done, 'SuccessCriteriaMet')?.reason).toBe('SuccessPolicy');
    expect(done.status).toMatchObject({ succeeded: 1, completedIndexes: '0', active: 0, failed: 0 });
    expect(await activeOf('lead')).toEqual([]);
  });

  it('suspends (deleting active pods, resetting startTime) and resumes', async () => {
    await jobs.create(ns, job('sus', { parallelism: 2, completions: 2 }));
    await waitFor(async () => (await activeOf('sus')).length === 2, 5000, '2 pods');
    await waitFor(async () => (await jobs.get(ns, 'sus')).status?.startTime, 5000, 'startTime');
    await jobs.patch(ns, 'sus', 'merge', { spec: { suspend: true } });
    const s = await waitFor(async () => { const j = await jobs.get(ns, 'sus'); return cond(j, 'Suspended') && (await podsOf('sus')).length === 0 && j; }, 5000, 'suspended');
    expect(cond(s, 'Suspended')?.reason).toBe('JobSuspended');
    expect(s.status?.startTime).toBeUndefined();
    expect(s.status?.failed ?? 0).toBe(0);
    expect(s.status?.active).toBe(0);
    await jobs.patch(ns, 'sus', 'merge', { spec: { suspend: false } });
    const r = await waitFor(async () => { const j = await jobs.get(ns, 'sus'); return (j.status?.startTime && (await activeOf('sus')).length === 2) ? j : undefined; }, 5000, 'resumed');
    expect(r.status?.conditions?.find((c) => c.type === 'Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
  });

  it('applies podFailurePolicy: Ignore does not count, FailJob fails at once', async () => {
    await jobs.create(ns, job('pfp', {
      backoffLimit: 6,
      podFailurePolicy: { rules: [
        { action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } },
        { action: 'FailJob', onExitCodes: { containerName: 'w', operator: 'In', values: [42] } },
      ] },
    }));
    const [a] = await waitFor(async () => { const l = await activeOf('pfp'); return l.length === 1 && l; }, 5000, 'pod');
    await setPodPhase(pods, a!, 'Failed', 3);
    const [b] = await waitFor(async () => { const l = await activeOf('pfp'); return l.length === 1 && l[0]!.metadata.uid !== a!.metadata.uid && l; }, 5000, 'replacement');
    expect((await jobs.get(ns, 'pfp')).status?.failed ?? 0).toBe(0);
    await setPodPhase(pods, b!, 'Failed', 42);
    const failed = await waitFor(async () => { const j = await jobs.get(ns, 'pfp'); return cond(j, 'Failed') && j; }, 5000, 'Failed').catch(async (e) => { console.log(JSON.stringify((await jobs.get(ns, 'pfp')).status), JSON.stringify((await podsOf('pfp')).map((p) => [p.metadata.name, p.status?.phase, p.metadata.finalizers, p.metadata.deletionTimestamp, p.status?.containerStatuses?.[0]?.state]))); throw e; });
    expect(cond(failed, 'Failed')).toMatchObject({
      reason: 'PodFailurePolicy', message: `Container w for pod default/${b!.metadata.name} failed with exit code 42 matching FailJob rule at index 1`,
    });
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and removes running pods', async () => {
    await jobs.create(ns, job('slow', { activeDeadlineSeconds: 1 }));
    // Under load the pod may come and go within the deadline before a poll sees it: wait for the outcome only.
    const failed = await waitFor(async () => { const j = await jobs.get(ns, 'slow'); return cond(j, 'Failed') && j; }, 15000, 'Failed');
    expect(cond(failed, 'Failed')?.reason).toBe('DeadlineExceeded');
    expect(cond(failed, 'Failed')?.message).toBe('Job was active longer than specified deadline');
    expect(await podsOf('slow')).toEqual([]);
  });
});
