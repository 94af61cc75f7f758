import { describe, it, expect, afterAll } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { NodeHeartbeat } from '../../src/agent/node/heartbeat.js';
import { gatherHostFacts } from '../../src/agent/node/host-info.js';
import type { NodeIdentity } from '../../src/agent/node/node-object.js';
import { FakeClock, settle } from '../../src/client/testing/fake-clock.js';
import { waitFor } from './agent-helpers.js';

describe('node heartbeat', () => {
  let t: TestApi;
  afterAll(async () => { await t?.stop(); });

  it('spreads lease renewals over the interval and re-registers a deleted node', async () => {
    t = await startTestApi();
    const clock = new FakeClock(Date.now());
    const facts = gatherHostFacts('/tmp');
    const ids: NodeIdentity[] = Array.from({ length: 20 }, (_, i) => ({ name: `hb-${i}`, address: '10.0.0.1', facts, kubeletPort: 10250, runtime: { runtimeName: 'simulated', runtimeVersion: 't' } }));
    const hb = new NodeHeartbeat({ client: t.client, clock, renewIntervalMs: 10_000, statusIntervalMs: 5_000, slots: 10 });
    await hb.register(ids);
    hb.start();
    const leases = t.client.resource({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true });
    const renewTimes = async () => new Map((await leases.list('kube-node-lease')).items.map((l: any) => [l.metadata.name, l.spec.renewTime]));
    const before = await renewTimes();
    expect(before.size).toBe(20);

    // One tick (a tenth of the interval) renews one slot: 2 of the 20 nodes.
    await clock.advance(1000);
    const changed = await waitFor(async () => {
      const now = await renewTimes();
      const n = [...now].filter(([k, v]) => v !== before.get(k)).length;
      return n > 0 ? n : undefined;
    });
    await settle(20);
    const afterOne = [...(await renewTimes())].filter(([k, v]) => v !== before.get(k)).length;
    expect(changed).toBeGreaterThan(0);
    expect(afterOne).toBe(2);

    // A deleted Node comes back with its next status post (at most statusIntervalMs later).
    const nodes = t.client.resource({ group: '', version: 'v1', resource: 'nodes', namespaced: false });
    await nodes.delete(undefined, 'hb-1');
    for (let i = 0; i < 12; i++) {
      // the next tick is scheduled once the previous one's writes are done
      await waitFor(async () => clock.pending > 0 || undefined);
      await clock.advance(1000);
    }
    await waitFor(async () => (await nodes.get(undefined, 'hb-1')) && true);
    await hb.stop();
  });
});
