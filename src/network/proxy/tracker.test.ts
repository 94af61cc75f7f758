import { afterEach, describe, expect, it } from 'vitest';
import { RestClient } from '../../client/rest-client.js';
import { SharedInformer } from '../../client/informer.js';
import { FakeApi } from '../../client/testing/fake-api.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { endpointSlicesResource, servicesResource, type EndpointSliceObject, type ServiceObject } from './api-objects.js';
import type { ProxyMode, ProxyState } from './model.js';
import { SyncRunner } from './sync-runner.js';
import { ServiceProxyTracker } from './tracker.js';

const stoppers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stoppers.splice(0)) await s();
});

describe('SyncRunner', () => {
  it('runs a full sync first, coalesces bursts to one sync per minSyncPeriod, forces periodic full syncs', async () => {
    const clock = new FakeClock();
    const calls: Array<{ at: number; full: boolean }> = [];
    const t0 = clock.now();
    const runner = new SyncRunner({ sync: async (full) => { calls.push({ at: clock.now() - t0, full }); }, minSyncPeriodMs: 1000, fullSyncPeriodMs: 60_000, clock });
    stoppers.push(() => runner.stop());
    runner.start();
    await clock.advance(0);
    expect(calls).toEqual([{ at: 0, full: true }]);
    for (let i = 0; i < 5; i++) runner.request();
    await clock.advance(500);
    expect(calls.length).toBe(1);
    await clock.advance(500);
    expect(calls).toEqual([{ at: 0, full: true }, { at: 1000, full: false }]);
    await clock.advance(60_000);
    expect(calls.at(-1)).toEqual({ at: 60_000, full: true });
    await runner.firstSynced;
  });

  it('retries a failed sync after retryPeriod as a full sync', async () => {
    const clock = new FakeClock();
    const calls: boolean[] = [];
    const runner = new SyncRunner({
      sync: async (full) => { calls.push(full); if (calls.length === 2) throw new Error('boom'); },
      minSyncPeriodMs: 100, retryPeriodMs: 5000, fullSyncPeriodMs: 1e9, clock,
    });
    stoppers.push(() => runner.stop());
    runner.start();
    await clock.advance(0);
    runner.request();
    await clock.advance(100);
    expect(calls).toEqual([true, false]);
    await clock.advance(4000);
    expect(calls.length).toBe(2);
    await clock.advance(1000);
    expect(calls).toEqual([true, false, true]);
  });
});

describe('ServiceProxyTracker', () => {
  it('syncs once caches are full and again after changes', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const client = new RestClient(api);
    const svcClient = client.resource<ServiceObject>(servicesResource);
    const sliceClient = client.resource<EndpointSliceObject>(endpointSlicesResource);
    await svcClient.create('default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
      spec: { clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80 }] },
    });
    const services = new SharedInformer<ServiceObject>(svcClient, { clock });
    const endpointSlices = new SharedInformer<EndpointSliceObject>(sliceClient, { clock });
    const abort = new AbortController();
    services.start(abort.signal);
    endpointSlices.start(abort.signal);
    const states: ProxyState[] = [];
    const mode: ProxyMode = { sync: async (s) => { states.push(s); }, stop: async () => {} };
    const tracker = new ServiceProxyTracker({ services, endpointSlices, nodeName: 'n1', clock, minSyncPeriodMs: 1000 });
    stoppers.push(async () => { await tracker.stop(); abort.abort(); await services.stop(); await endpointSlices.stop(); });
    expect(await tracker.start(mode)).toBe(true);
    await clock.advance(0);
    await tracker.synced();
    expect(states.length).toBe(1);
    expect(states[0]!.full).toBe(true);
    expect(states[0]!.servicePorts.get('default/web:http')!.hasEndpoints).toBe(false);

    await sliceClient.create('default', {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4', endpoints: [{ addresses: ['10.42.0.5'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    await settle(20);
    await clock.advance(1000);
    expect(states.length).toBe(2);
    expect(states[1]!.full).toBe(false);
    expect(states[1]!.generation).toBeGreaterThan(states[0]!.generation);
    expect(states[1]!.servicePorts.get('default/web:http')!.clusterEndpoints.map((e) => e.ip)).toEqual(['10.42.0.5']);
  });
});
