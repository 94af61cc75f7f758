import { describe, expect, it } from 'vitest';
import type { EndpointSliceObject, EndpointSpec, ServiceObject, ServiceSpec } from './api-objects.js';
import { buildProxyState, categorizeEndpoints, servicePortInfos, type EndpointInfo } from './model.js';

const meta = (name: string, namespace = 'default', labels?: Record<string, string>) => ({
  name, namespace, labels, uid: name, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z',
});

export function service(name: string, spec: ServiceSpec, status?: ServiceObject['status']): ServiceObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec, status };
}

export function slice(svc: string, name: string, endpoints: EndpointSpec[], ports = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSliceObject {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta(name, 'default', { 'kubernetes.io/service-name': svc }),
    addressType: 'IPv4', endpoints, ports,
  };
}

const web = (extra: Partial<ServiceSpec> = {}) => service('web', {
  type: 'ClusterIP', clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...extra,
});

describe('servicePortInfos', () => {
  it('builds one entry per port with upstream defaults', () => {
    const [p] = servicePortInfos(web({ sessionAffinity: 'ClientIP' }));
    expect(p).toMatchObject({
      key: 'default/web:http', namespace: 'default', name: 'web', portName: 'http', protocol: 'TCP', clusterIPs: ['10.43.0.10'],
      port: 80, sessionAffinity: { clientIP: { timeoutSeconds: 10800 } }, externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', type: 'ClusterIP',
    });
    expect(p!.nodePort).toBeUndefined();
  });

  it('keys an unnamed port as ns/name, as upstream ServicePortName.String()', () => {
    const [p] = servicePortInfos(web({ ports: [{ port: 53, protocol: 'UDP' }] }));
    expect(p!.key).toBe('default/web');
    expect(p!.protocol).toBe('UDP');
  });

  it('skips headless and ExternalName Services', () => {
    expect(servicePortInfos(web({ clusterIP: 'None', clusterIPs: ['None'] }))).toEqual([]);
    expect(servicePortInfos(service('x', { type: 'ExternalName', externalName: 'example.com' }))).toEqual([]);
  });

  it('reads load balancer ingress IPs and honours externalTrafficPolicy only for NodePort/LoadBalancer', () => {
    const [lb] = servicePortInfos(service('lb', {
      type: 'LoadBalancer', clusterIP: '10.43.0.11', ports: [{ name: 'http', port: 80, nodePort: 30080 }], externalTrafficPolicy: 'Local', healthCheckNodePort: 32000,
    }, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { hostname: 'lb.example' }] } }));
    expect(lb).toMatchObject({ loadBalancerIPs: ['192.0.2.10'], nodePort: 30080, externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, type: 'LoadBalancer' });
    const [cip] = servicePortInfos(web({ externalTrafficPolicy: 'Local', externalIPs: ['192.0.2.5'] }));
    expect(cip!.externalTrafficPolicy).toBe('Cluster');
    expect(cip!.externalIPs).toEqual(['192.0.2.5']);
  });
});

describe('buildProxyState', () => {
  it('joins slices to ports by name and protocol, dedupes addresses, reads conditions', () => {
    const state = buildProxyState([web()], [
      slice('web', 'web-a', [
        { addresses: ['10.42.0.5'], conditions: { ready: true }, nodeName: 'n1' },
        { addresses: ['10.42.0.4'], conditions: {}, nodeName: 'n2', zone: 'z' },
      ]),
      slice('web', 'web-b', [{ addresses: ['10.42.0.5'], conditions: { ready: false } }, { addresses: ['10.42.0.9'], conditions: { ready: false, serving: true, terminating: true } }]),
      slice('web', 'web-c', [{ addresses: ['10.42.0.7'] }], [{ name: 'other', port: 1, protocol: 'TCP' }]),
      slice('other', 'other-a', [{ addresses: ['10.42.0.8'] }]),
    ], 'n1');
    const e = state.servicePorts.get('default/web:http')!;
    expect(e.endpoints.map((x) => `${x.ip}:${x.port}`)).toEqual(['10.42.0.4:8080', '10.42.0.5:8080', '10.42.0.9:8080']);
    expect(e.endpoints[0]).toMatchObject({ ready: true, serving: true, terminating: false, nodeName: 'n2', zone: 'z', isLocal: false });
    expect(e.endpoints[1]).toMatchObject({ ready: true, isLocal: true });
    expect(e.clusterEndpoints.map((x) => x.ip)).toEqual(['10.42.0.4', '10.42.0.5']);
    expect(e.hasEndpoints).toBe(true);
  });

  it('has no endpoints for a Service without slices', () => {
    const e = buildProxyState([web()], [], 'n1').servicePorts.get('default/web:http')!;
    expect(e.hasEndpoints).toBe(false);
    expect(e.reachableEndpoints).toEqual([]);
  });
});

describe('categorizeEndpoints', () => {
  const ep = (ip: string, o: Partial<EndpointInfo> = {}): EndpointInfo => ({ ip, port: 80, ready: true, serving: true, terminating: false, isLocal: false, ...o });
  const local = (extra: Partial<ServiceSpec>) => servicePortInfos(service('s', {
    type: 'NodePort', clusterIP: '10.43.0.12', ports: [{ name: 'p', port: 80, nodePort: 30001 }], ...extra,
  }))[0]!;

  it('falls back to serving terminating endpoints when none is ready', () => {
    const sel = categorizeEndpoints(local({}), [ep('10.0.0.1', { ready: false, serving: true, terminating: true }), ep('10.0.0.2', { ready: false, serving: false, terminating: true })]);
    expect(sel.clusterEndpoints.map((e) => e.ip)).toEqual(['10.0.0.1']);
    expect(sel.hasEndpoints).toBe(true);
  });

  it('Local external policy: only local endpoints for external traffic, cluster ones for the cluster IP', () => {
    const sel = categorizeEndpoints(local({ externalTrafficPolicy: 'Local' }), [ep('10.0.0.1', { isLocal: true }), ep('10.0.0.2')]);
    expect(sel.externalEndpoints.map((e) => e.ip)).toEqual(['10.0.0.1']);
    expect(sel.internalEndpoints.map((e) => e.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(sel.reachableEndpoints.map((e) => e.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('Local policy with only remote endpoints: none local, yet the service has endpoints', () => {
    const sel = categorizeEndpoints(local({ externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local' }), [ep('10.0.0.2')]);
    expect(sel.localEndpoints).toEqual([]);
    expect(sel.internalEndpoints).toEqual([]);
    expect(sel.externalEndpoints).toEqual([]);
    expect(sel.hasEndpoints).toBe(true);
    // a NodePort service still needs the cluster endpoints for traffic from the node itself
    expect(sel.reachableEndpoints.map((e) => e.ip)).toEqual(['10.0.0.2']);
    const clusterIPOnly = servicePortInfos(service('c', { clusterIP: '10.43.0.13', ports: [{ port: 80 }], internalTrafficPolicy: 'Local' }))[0]!;
    expect(categorizeEndpoints(clusterIPOnly, [ep('10.0.0.2')]).reachableEndpoints).toEqual([]);
  });

  it('Local policy uses local terminating endpoints when no local one is ready', () => {
    const sel = categorizeEndpoints(local({ internalTrafficPolicy: 'Local' }), [
      ep('10.0.0.1', { isLocal: true, ready: false, serving: true, terminating: true }), ep('10.0.0.2'),
    ]);
    expect(sel.internalEndpoints.map((e) => e.ip)).toEqual(['10.0.0.1']);
    expect(sel.externalEndpoints.map((e) => e.ip)).toEqual(['10.0.0.2']);
  });
});
