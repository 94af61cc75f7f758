// Changing a Service's type clears the fields that no longer apply when the update carried them
// over unchanged (upstream's dropTypeDependentFields), and random ClusterIPs stay out of the
// static band that holds well-known addresses such as the cluster DNS's .10.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { startTestApi, type TestApi } from './harness.js';

const svcRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
type Svc = KubeObject & { spec: Record<string, unknown> };

describe('Service type changes and ClusterIP bands', () => {
  let t: TestApi;
  let services: ReturnType<RestClient['resource']>;
  beforeEach(async () => {
    t = await startTestApi();
    services = new RestClient(t.api.inProcessTransport()).resource(svcRef);
  });
  afterEach(async () => t.stop());

  it('a LoadBalancer Service with externalTrafficPolicy Local becomes a ClusterIP Service by a type patch', async () => {
    await services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { a: 'b' }, ports: [{ port: 80 }] } });
    const lb = (await services.get('default', 'lb')) as Svc;
    expect(lb.spec.healthCheckNodePort ?? lb.spec.externalTrafficPolicy).toBeTruthy();
    const patched = (await services.patch('default', 'lb', 'merge', { spec: { type: 'ClusterIP' } })) as Svc;
    expect(patched.spec.type).toBe('ClusterIP');
    expect(patched.spec.externalTrafficPolicy).toBeUndefined();
    expect(patched.spec.healthCheckNodePort).toBeUndefined();
    expect((patched.spec.ports as Array<{ nodePort?: number }>)[0]!.nodePort).toBeUndefined();
    // A value the update itself sets is still checked.
    await expect(services.patch('default', 'lb', 'merge', { spec: { externalTrafficPolicy: 'Local' } })).rejects.toThrow(/may only be set for externally-accessible services/);
  });

  it('random ClusterIPs come from above the static band (.0-.255 of a /16)', async () => {
    for (let i = 0; i < 20; i++) {
      const s = (await services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}` }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } })) as Svc;
      const [a, b, c] = String(s.spec.clusterIP).split('.').map(Number);
      expect([a, b]).toEqual([10, 43]);
      expect(c).toBeGreaterThan(0);
    }
    const dns = (await services.create('kube-system', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dns' }, spec: { clusterIP: '10.43.0.10', ports: [{ port: 53, protocol: 'UDP' }] } })) as Svc;
    expect(dns.spec.clusterIP).toBe('10.43.0.10');
  });
});
