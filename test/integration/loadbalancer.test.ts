// The service (load balancer) controller with the local cloud provider over the in-process API:
// finalizer, status.loadBalancer.ingress, loadBalancerIP, pool exhaustion events, cleanup on
// delete and on type change, loadBalancerClass left alone, node addresses without a pool.
import { setMaxListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject } from '../../src/api/types.js';
import { LocalCloudProvider } from '../../src/cloud/index.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { ServiceController } from '../../src/controllers/service/service-controller.js';
import type { ServiceObject } from '../../src/controllers/service/types.js';
import { startTestApi, type TestApi } from './harness.js';

const svcRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
const eventsRef = { group: '', version: 'v1', resource: 'events', namespaced: true };
const nodeRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const finalizer = 'service.kubernetes.io/load-balancer-cleanup';

describe('service controller with the local cloud provider', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<void>;
  const start = async (pool: string) => {
    t = await startTestApi();
    abort = new AbortController();
    setMaxListeners(0, abort.signal);
    let ctl: ServiceController | undefined;
    const provider = new LocalCloudProvider({ lbAddressPool: pool, listServices: () => ctl?.listServices() ?? [] });
    ctl = new ServiceController({ transport: t.api.inProcessTransport(), log: silentLogger, loadBalancer: provider.loadBalancer(), retryBaseMs: 50 });
    running = ctl.start(abort.signal);
  };
  afterEach(async () => {
    abort.abort();
    await running;
    await t.stop();
  });

  const create = (name: string, spec: Record<string, unknown> = {}) => t.client.resource<ServiceObject>(svcRef).create('default', {
    apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
  } as KubeObject);
  const get = (name: string) => t.client.resource<ServiceObject>(svcRef).get('default', name);
  const ingressOf = (name: string, want: (ips: string[]) => boolean, what: string) => waitFor(async () => {
    const s = await get(name);
    const ips = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
    return want(ips) ? s : undefined;
  }, 15_000, what);
  const eventsFor = async (name: string) => (await t.client.resource<KubeObject>(eventsRef).list('default')).items
    .filter((e) => (e.involvedObject as { name?: string }).name === name)
    .map((e) => ({ reason: e.reason as string, message: e.message as string, type: e.type as string }));
  const eventUntil = (name: string, reason: string) => waitFor(async () => (await eventsFor(name)).find((e) => e.reason === reason), 15_000, `${reason} event for ${name}`);

  it('assigns pool addresses with the cleanup finalizer, and cleans up on delete', async () => {
    await start('127.240.0.0/29');
    await create('web');
    const s = await ingressOf('web', (ips) => ips.length === 1, 'web ingress');
    expect(s.status?.loadBalancer?.ingress).toEqual([{ ip: '127.240.0.1', ipMode: 'VIP' }]);
    expect(s.metadata.finalizers).toContain(finalizer);
    await eventUntil('web', 'EnsuredLoadBalancer');
    expect((await eventsFor('web')).map((e) => e.reason)).toEqual(expect.arrayContaining(['EnsuringLoadBalancer', 'EnsuredLoadBalancer']));

    await create('api', { loadBalancerIP: '127.240.0.5' });
    await ingressOf('api', (ips) => ips[0] === '127.240.0.5', 'requested address');
    await create('clash', { loadBalancerIP: '127.240.0.5' });
    const failed = await eventUntil('clash', 'SyncLoadBalancerFailed');
    expect(failed).toMatchObject({ type: 'Warning', message: expect.stringMatching(/^Error syncing load balancer: failed to ensure load balancer: requested loadBalancerIP 127.240.0.5 is already allocated to service default\/api/) });
    await create('outside', { loadBalancerIP: '10.9.9.9' });
    expect((await eventUntil('outside', 'SyncLoadBalancerFailed')).message).toMatch(/not in the load balancer address pool 127.240.0.0\/29/);

    // Deleting api releases its address; clash, retrying, gets it.
    await t.client.resource(svcRef).delete('default', 'api');
    await waitFor(async () => (await get('api').catch(() => undefined)) === undefined, 15_000, 'api gone');
    await eventUntil('api', 'DeletedLoadBalancer');
    await ingressOf('clash', (ips) => ips[0] === '127.240.0.5', 'clash gets the freed address');
  });

  it('reports an exhausted pool and recovers when an address frees up', async () => {
    await start('127.240.0.9');
    await create('one');
    await ingressOf('one', (ips) => ips[0] === '127.240.0.9', 'one');
    await create('two');
    expect((await eventUntil('two', 'SyncLoadBalancerFailed')).message).toMatch(/no free address in the load balancer address pool 127.240.0.9/);
    // one stops being a LoadBalancer: status cleared, finalizer removed, address released.
    await t.client.resource<ServiceObject>(svcRef).patch('default', 'one', 'merge', {
      spec: { type: 'ClusterIP', ports: [{ port: 80 }], externalTrafficPolicy: null, allocateLoadBalancerNodePorts: null },
    });
    const cleared = await waitFor(async () => { const s = await get('one'); return !s.metadata.finalizers?.includes(finalizer) ? s : undefined; }, 15_000, 'finalizer removed');
    expect(cleared.status?.loadBalancer?.ingress ?? []).toEqual([]);
    await ingressOf('two', (ips) => ips[0] === '127.240.0.9', 'two gets the address');
  });

  it('leaves Services with a loadBalancerClass alone, and uses node addresses without a pool', async () => {
    await start('');
    await t.client.resource(nodeRef).create(undefined, {
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' },
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'n1' }] },
    } as KubeObject);
    await create('classy', { loadBalancerClass: 'example.com/other' });
    await create('a');
    await create('b', { ports: [{ port: 8080 }] });
    await ingressOf('a', (ips) => ips[0] === '127.0.0.1', 'a on the node address');
    await ingressOf('b', (ips) => ips[0] === '127.0.0.1', 'b shares it (other port)');
    await create('c');
    expect((await eventUntil('c', 'SyncLoadBalancerFailed')).message).toMatch(/no node address has ports TCP\/80 free \(used by default\/a\)/);
    const classy = await get('classy');
    expect(classy.metadata.finalizers ?? []).toEqual([]);
    expect(classy.status?.loadBalancer?.ingress ?? []).toEqual([]);
  });
});
