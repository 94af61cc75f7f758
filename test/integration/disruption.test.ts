// The disruption controller over the in-process API: PodDisruptionBudget status numbers from
// ready pods and the controllers' scale, disruptedPods pruning, and eviction consulting it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { rfc3339 } from '../../src/client/events/recorder.js';
import { DisruptionController, type PdbObject } from '../../src/controllers/disruption/disruption-controller.js';
import type { PodObject } from '../../src/controllers/common/types.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { startTestApi, type TestApi } from './harness.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const rsRef = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true };
const pdbRef = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true };

describe('disruption controller', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<void>;
  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    running = new DisruptionController({ transport: t.api.inProcessTransport(), log: silentLogger, resources: () => t.api.resources() }).start(abort.signal);
    const rs = await t.client.resource(rsRef).create('default', {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    } as KubeObject);
    for (const [i, ready] of [true, true, false].entries()) {
      const p = await t.client.resource<PodObject>(podsRef).create('default', {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: `web-${i}`, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid!, controller: true }] },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      } as KubeObject);
      await t.client.resource<PodObject>(podsRef).updateStatus('default', { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } } as PodObject);
    }
  });
  afterEach(async () => {
    abort.abort();
    await running;
    await t.stop();
  });

  const pdb = (name: string, spec: Record<string, unknown>) => t.client.resource<PdbObject>(pdbRef).create('default', {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  } as KubeObject);
  const statusOf = (name: string, pred: (s: PdbObject['status']) => boolean = () => true) => waitFor(async () => {
    const p = await t.client.resource<PdbObject>(pdbRef).get('default', name);
    return p.status && p.status.observedGeneration === p.metadata.generation && pred(p.status) ? p.status : undefined;
  }, 5000, `status of ${name}`);
  /** Waits until the status settles on `want` (the controller may first see only some pods). */
  const settled = async (name: string, want: Record<string, number>) => {
    const s = await statusOf(name, (st) => Object.entries(want).every(([k, v]) => (st as unknown as Record<string, number>)[k] === v)).catch(() => undefined);
    const last = s ?? (await t.client.resource<PdbObject>(pdbRef).get('default', name)).status;
    expect(last).toMatchObject(want);
    return last!;
  };

  it('minAvailable as an integer counts the selected pods', async () => {
    await pdb('min1', { minAvailable: 1 });
    const s = await settled('min1', { expectedPods: 3, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    expect(s!.conditions?.find((c) => c.type === 'DisruptionAllowed')).toMatchObject({ status: 'True', reason: 'SufficientPods' });
  });

  it('percentages and maxUnavailable use the controller scale, rounding up', async () => {
    await pdb('max50', { maxUnavailable: '50%' });
    await pdb('min25', { minAvailable: '25%' });
    await pdb('max1', { maxUnavailable: 1 });
    const s = await settled('max50', { expectedPods: 4, desiredHealthy: 2, currentHealthy: 2, disruptionsAllowed: 0 });
    expect(s.conditions?.[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
    await settled('min25', { expectedPods: 4, desiredHealthy: 1, disruptionsAllowed: 1 });
    await settled('max1', { expectedPods: 4, desiredHealthy: 3, disruptionsAllowed: 0 });
  });

  it('disruptedPods: recent entries count as unhealthy; stale and vanished ones are pruned', async () => {
    await pdb('dp', { minAvailable: 0 });
    const first = await t.client.resource<PdbObject>(pdbRef).get('default', (await statusOf('dp'), 'dp'));
    const now = Date.now();
    await t.client.resource<PdbObject>(pdbRef).updateStatus('default', {
      ...first, status: { ...first.status!, disruptedPods: { 'web-0': rfc3339(now), 'web-1': rfc3339(now - 3 * 60_000), gone: rfc3339(now) } },
    } as PdbObject);
    const s = await statusOf('dp', (st) => st?.currentHealthy === 1 && Object.keys(st.disruptedPods ?? {}).length === 1);
    expect(Object.keys(s!.disruptedPods!)).toEqual(['web-0']);
  });

  it('eviction is refused while the budget allows nothing and accepted when it allows one', async () => {
    await pdb('guard', { minAvailable: 2 });
    await settled('guard', { currentHealthy: 2, disruptionsAllowed: 0 });
    // One attempt: the refusal carries Retry-After, which the client would otherwise honour.
    const once = new RestClient(t.api.inProcessTransport(), { maxRetries: 0 });
    const evict = (pod: string) => once.resource(podsRef).createSubresource('default', pod, 'eviction',
      { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'default' } });
    await expect(evict('web-0')).rejects.toMatchObject({ code: 429 });
    await t.client.resource(pdbRef).delete('default', 'guard');
    await pdb('loose', { minAvailable: 1 });
    await settled('loose', { currentHealthy: 2, disruptionsAllowed: 1 });
    await evict('web-0');
  });
});
