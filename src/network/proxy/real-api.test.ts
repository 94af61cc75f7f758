// The model against the real API server (defaulting, ClusterIP/NodePort allocation, the status
// subresource), through the in-process transport.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/integration/harness.js';
import { InformerFactory } from '../../client/informer-factory.js';
import { endpointSlicesResource, servicesResource, type EndpointSliceObject, type ServiceObject } from './api-objects.js';
import type { ProxyMode, ProxyState } from './model.js';
import { ServiceProxyTracker } from './tracker.js';

let api: TestApi | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await api?.stop();
  api = undefined;
});

async function until<T>(get: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('service proxy model on the real API server', () => {
  it('sees allocated cluster IPs and node ports, slices, and load balancer status', async () => {
    api = await startTestApi();
    const services = api.client.resource<ServiceObject>(servicesResource);
    const slices = api.client.resource<EndpointSliceObject>(endpointSlicesResource);
    const factory = new InformerFactory(api.client);
    const tracker = new ServiceProxyTracker({
      services: factory.informerFor<ServiceObject>(servicesResource), endpointSlices: factory.informerFor<EndpointSliceObject>(endpointSlicesResource),
      nodeName: 'n1', minSyncPeriodMs: 10,
    });
    let last: ProxyState | undefined;
    const mode: ProxyMode = { sync: async (s) => { last = s; }, stop: async () => {} };
    const abort = new AbortController();
    factory.start(abort.signal);
    cleanups.push(async () => { await tracker.stop(); abort.abort(); await factory.stop(); });
    expect(await tracker.start(mode, abort.signal)).toBe(true);

    const svc = await services.create('default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    await services.updateStatus('default', { ...svc, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } });
    await slices.create('default', {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4', endpoints: [{ addresses: ['10.42.0.5'], conditions: { ready: true }, nodeName: 'n1' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    const entry = await until(() => {
      const e = last?.servicePorts.get('default/web:http');
      return e && e.endpoints.length > 0 && e.info.loadBalancerIPs.length > 0 ? e : undefined;
    });
    expect(entry.info.clusterIPs[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(entry.info.nodePort).toBeGreaterThanOrEqual(30000);
    expect(entry.info).toMatchObject({ protocol: 'TCP', type: 'LoadBalancer', loadBalancerIPs: ['192.0.2.10'], externalTrafficPolicy: 'Cluster' });
    expect(entry.clusterEndpoints.map((e) => `${e.ip}:${e.port}`)).toEqual(['10.42.0.5:8080']);
  });
});
