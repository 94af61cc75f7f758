import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../api/log.js';
import type { EndpointSliceObject, ServiceObject } from './api-objects.js';
import { ServiceHealthServer } from './healthcheck.js';
import { buildProxyState } from './model.js';

const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: 'default', labels, uid: name, resourceVersion: '1', creationTimestamp: 'x' });
const lb: ServiceObject = {
  apiVersion: 'v1', kind: 'Service', metadata: meta('web'),
  spec: { type: 'LoadBalancer', clusterIP: '10.43.0.10', externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30081 }] },
};
const slice = (eps: Array<[string, string]>): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('web-x', { 'kubernetes.io/service-name': 'web' }), addressType: 'IPv4',
  endpoints: eps.map(([ip, nodeName]) => ({ addresses: [ip], nodeName })), ports: [{ name: 'a', port: 8080, protocol: 'TCP' }, { name: 'b', port: 8081, protocol: 'TCP' }],
});

let hs: ServiceHealthServer | undefined;
afterEach(async () => { await hs?.close(); });

async function get(port: number): Promise<{ status: number; body: unknown; weight: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  return { status: res.status, weight: res.headers.get('x-load-balancing-endpoint-weight'), body: await res.json() };
}

describe('ServiceHealthServer', () => {
  it('answers 200 with the local endpoint count, 503 without local endpoints, and closes with the service', async () => {
    hs = new ServiceHealthServer({ log: silentLogger, bindAddress: '127.0.0.1', portFor: () => 0 });
    await hs.sync(buildProxyState([lb], [slice([['10.42.0.5', 'n1'], ['10.42.0.6', 'n1'], ['10.42.1.7', 'n2']])], 'n1'));
    const port = hs.address(32000)!.port;
    expect(await get(port)).toEqual({
      status: 200, weight: '2', body: { service: { namespace: 'default', name: 'web' }, localEndpoints: 2, serviceProxyHealthy: true },
    });
    await hs.sync(buildProxyState([lb], [slice([['10.42.1.7', 'n2']])], 'n1'));
    expect(hs.address(32000)!.port).toBe(port);
    expect((await get(port)).status).toBe(503);
    await hs.sync(buildProxyState([], [], 'n1'));
    expect(hs.address(32000)).toBeUndefined();
  });
});
