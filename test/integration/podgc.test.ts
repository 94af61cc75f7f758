// Pod GC over the in-process API with a fake clock: pods of vanished nodes after the
// quarantine, terminated pods beyond the threshold.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject } from '../../src/api/types.js';
import { FakeClock } from '../../src/client/testing/fake-clock.js';
import { PodGCController } from '../../src/controllers/podgc/pod-gc-controller.js';
import type { PodObject } from '../../src/controllers/common/types.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { startTestApi, type TestApi } from './harness.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false };

describe('pod GC', () => {
  let t: TestApi;
  let abort: AbortController;
  let clock: FakeClock;
  let ctl: PodGCController;
  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    clock = new FakeClock();
    ctl = new PodGCController({ transport: t.api.inProcessTransport(), log: silentLogger, clock, quarantineMs: 40_000, terminatedPodThreshold: 2 });
  });
  afterEach(async () => {
    abort.abort();
    await t.stop();
  });

  async function pod(name: string, nodeName?: string, phase?: string): Promise<void> {
    const p = await t.client.resource<PodObject>(podsRef).create('default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] },
    } as KubeObject);
    if (phase) await t.client.resource<PodObject>(podsRef).updateStatus('default', { ...p, status: { phase } } as PodObject);
  }
  const names = async () => (await t.client.resource(podsRef).list('default')).items.map((p) => p.metadata!.name!).sort();
  const until = (check: () => Promise<boolean>, what: string) => waitFor(async () => { await ctl.gc(); return check(); }, 5000, what);

  it('deletes pods of a missing node after the quarantine, keeps pods of live nodes', async () => {
    await t.client.resource(nodesRef).create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'here' } });
    await pod('on-ghost', 'ghost');
    await pod('on-here', 'here');
    expect(await ctl.waitForSync(abort.signal)).toBe(true);
    await waitFor(async () => (await names()).length === 2, 1000, 'pods');
    await ctl.gc();
    await clock.advance(39_000);
    await ctl.gc();
    expect(await names()).toEqual(['on-ghost', 'on-here']);
    await clock.advance(1_000);
    await until(async () => (await names()).join() === 'on-here', 'orphaned pod collected');
  });

  it('keeps only terminatedPodThreshold terminated pods, deleting the oldest', async () => {
    await pod('a', undefined, 'Succeeded');
    await pod('b', undefined, 'Failed');
    await pod('c', undefined, 'Succeeded');
    await pod('running', undefined, 'Running');
    expect(await ctl.waitForSync(abort.signal)).toBe(true);
    await until(async () => (await names()).length === 3, 'one terminated pod collected');
    expect(await names()).toEqual(['b', 'c', 'running']);
  });
});
