// The node IPAM controller over the in-process API: nodes get pod CIDRs, keep them across a
// controller restart, release them on deletion, and an exhausted range yields CIDRNotAvailable.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import { NodeIpamController, type NodeObject } from '../../src/controllers/nodeipam/node-ipam-controller.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { startTestApi, type TestApi } from './harness.js';

const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const eventsRef = { group: '', version: 'v1', resource: 'events', namespaced: true };

describe('node IPAM controller', () => {
  let t: TestApi;
  let runs: Array<{ abort: AbortController; done: Promise<void> }>;
  beforeEach(async () => {
    t = await startTestApi();
    runs = [];
  });
  afterEach(async () => {
    for (const r of runs) r.abort.abort();
    await Promise.all(runs.map((r) => r.done.catch(() => {})));
    await t.stop();
  });

  const nodes = () => t.client.resource<NodeObject>(nodesRef);
  const addNode = (name: string) => nodes().create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  const cidrOf = async (name: string) => (await nodes().get(undefined, name)).spec?.podCIDR;
  function run(clusterCidr = '10.42.0.0/16', extra: { serviceCidr?: string } = {}): { abort: AbortController; ctl: NodeIpamController } {
    const abort = new AbortController();
    const ctl = new NodeIpamController({ transport: t.api.inProcessTransport(), log: silentLogger, clusterCidr, ...extra });
    runs.push({ abort, done: ctl.start(abort.signal) });
    return { abort, ctl };
  }

  it('allocates, keeps across restarts and releases on deletion', async () => {
    await addNode('a');
    const first = run();
    const a = await waitFor(() => cidrOf('a'), 5000, 'node a podCIDR');
    expect(a).toBe('10.42.0.0/24');
    const na = await nodes().get(undefined, 'a');
    expect(na.spec?.podCIDRs).toEqual([a]);
    first.abort.abort();

    // A fresh controller rebuilds the used set from the Nodes: b must not get a's range.
    await addNode('b');
    const second = run();
    const b = await waitFor(() => cidrOf('b'), 5000, 'node b podCIDR');
    expect(b).toBe('10.42.1.0/24');
    expect(await cidrOf('a')).toBe(a);
    expect(second.ctl.cidrs.allocatedCount).toBe(2);

    // A writer holding the Node from before the allocation gets a Conflict (and re-reads).
    const stale = await addNode('d');
    await waitFor(() => cidrOf('d'), 5000, 'node d podCIDR');
    await expect(nodes().update(undefined, { ...stale, metadata: { ...stale.metadata, labels: { x: 'y' } } })).rejects.toMatchObject({ code: 409 });
    await nodes().delete(undefined, 'd');
    await waitFor(() => second.ctl.cidrs.allocatedCount === 2, 5000, 'd released');

    await nodes().delete(undefined, 'a');
    await waitFor(() => second.ctl.cidrs.allocatedCount === 1, 5000, 'a released');
  });

  it('refuses to change an assigned podCIDR (API validation) and never hands out the service range', async () => {
    run('10.42.0.0/23', { serviceCidr: '10.42.0.0/24' });
    await addNode('c');
    expect(await waitFor(() => cidrOf('c'), 5000, 'node c podCIDR')).toBe('10.42.1.0/24');
    await expect(nodes().patch(undefined, 'c', 'merge', { spec: { podCIDR: '10.42.9.0/24', podCIDRs: ['10.42.9.0/24'] } })).rejects.toThrow(/podCIDR/);
  });

  it('records CIDRNotAvailable when the range is exhausted, and allocates once a node is deleted', async () => {
    const { ctl } = run('10.42.0.0/24');
    await addNode('n1');
    expect(await waitFor(() => cidrOf('n1'), 5000, 'n1 podCIDR')).toBe('10.42.0.0/24');
    await addNode('n2');
    const ev = await waitFor(async () => (await t.client.resource(eventsRef).list('default')).items
      .find((e) => (e as { reason?: string }).reason === 'CIDRNotAvailable'), 5000, 'CIDRNotAvailable event');
    expect(ev).toMatchObject({ type: 'Normal', message: 'Node n2 status is now: CIDRNotAvailable', involvedObject: { kind: 'Node', name: 'n2' }, source: { component: 'cidrAllocator' } });
    await nodes().delete(undefined, 'n1');
    // The retry (with backoff) finds the freed range.
    expect(await waitFor(() => cidrOf('n2'), 8000, 'n2 podCIDR after n1 left')).toBe('10.42.0.0/24');
    expect(ctl.cidrs.allocatedCount).toBe(1);
  });
});
