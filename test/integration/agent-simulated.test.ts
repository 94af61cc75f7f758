import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi, type TestApi } from './harness.js';
import { startNodeAgent, type RunningAgent } from '../../src/agent/index.js';
import { waitFor, podsRef } from './agent-helpers.js';

describe('simulated nodes', () => {
  let t: TestApi;
  let agent: RunningAgent;
  const dir = mkdtempSync(join(tmpdir(), 'kites-sim-'));
  afterAll(async () => {
    await agent?.stop();
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hosts many nodes whose pods report Running and Ready, and removes deleted pods', async () => {
    t = await startTestApi();
    const t0 = Date.now();
    agent = await startNodeAgent({
      transport: t.api.inProcessTransport(), nodeName: 'sim', dataDir: dir, runtime: 'simulated', simulatedNodes: 200,
      timings: { leaseRenewMs: 1000 },
    });
    const registerMs = Date.now() - t0;
    expect(agent.nodeNames).toHaveLength(200);
    const nodes = t.client.resource({ group: '', version: 'v1', resource: 'nodes', namespaced: false });
    const list = await nodes.list(undefined, { labelSelector: 'kites.io/simulated=true' });
    expect(list.items).toHaveLength(200);
    const n = list.items.find((x) => x.metadata.name === 'sim-7') as any;
    expect(n.metadata.annotations['kites.io/simulated']).toMatch(/simulated: for scale tests and benchmarks/);
    expect(n.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    expect(n.status.nodeInfo.osImage).toBe('simulated: for scale tests and benchmarks');
    expect(n.status.nodeInfo.containerRuntimeVersion).toMatch(/^simulated:\/\//);
    expect(n.metadata.labels['kubernetes.io/hostname']).toBe('sim-7');
    expect(registerMs).toBeLessThan(10000);

    const leases = t.client.resource({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true });
    const first = (await leases.get('kube-node-lease', 'sim-199')) as any;
    await waitFor(async () => ((await leases.get('kube-node-lease', 'sim-199')) as any).spec.renewTime !== first.spec.renewTime || undefined, 5000, 'lease renewed');

    const pods = t.client.resource(podsRef);
    await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'sim-3', containers: [{ name: 'c', image: 'nginx' }] } });
    const p = await waitFor(async () => {
      const x = (await pods.get('default', 'p')) as any;
      return x.status?.phase === 'Running' ? x : undefined;
    });
    expect(p.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    expect(p.status.containerStatuses[0].ready).toBe(true);
    expect(p.status.podIP).toMatch(/^100\./);
    await pods.delete('default', 'p');
    await waitFor(async () => {
      try {
        await pods.get('default', 'p');
        return undefined;
      } catch {
        return true;
      }
    }, 5000, 'pod removed');
  }, 30000);
});
