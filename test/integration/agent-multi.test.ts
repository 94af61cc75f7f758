import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi, type TestApi } from './harness.js';
import { startNodeAgent, type RunningAgent } from '../../src/agent/index.js';
import { fastTimings, podsRef, waitFor } from './agent-helpers.js';

describe('two agents on one server', () => {
  let t: TestApi;
  const agents: RunningAgent[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const a of agents) await a.stop({ stopPods: true });
    await t?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('each runs the pods bound to its own node', async () => {
    t = await startTestApi();
    for (const name of ['node-1', 'node-2']) {
      const dir = mkdtempSync(join(tmpdir(), 'kites-multi-'));
      dirs.push(dir);
      agents.push(await startNodeAgent({ transport: t.api.inProcessTransport(), nodeName: name, dataDir: dir, nodeAddress: '127.0.0.1', timings: fastTimings }));
    }
    const nodes = await t.client.resource({ group: '', version: 'v1', resource: 'nodes', namespaced: false }).list();
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(['node-1', 'node-2']);
    const pods = t.client.resource(podsRef);
    for (const n of ['1', '2']) {
      await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${n}` }, spec: { nodeName: `node-${n}`, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '30'] }] } });
    }
    for (const n of ['1', '2']) {
      await waitFor(async () => ((await pods.get('default', `p${n}`)) as any).status?.phase === 'Running' || undefined);
    }
    expect(await agents[0]!.locator.find('default', 'p1')).toBeDefined();
    expect(await agents[0]!.locator.find('default', 'p2')).toBeUndefined();
    expect(await agents[1]!.locator.find('default', 'p2')).toBeDefined();
  });
});
