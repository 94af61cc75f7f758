import { describe, expect, it } from 'vitest';
import type { PodObject } from '../common/types.js';
import { endpointKey, endpointPorts, findPort, podToEndpoint, portsKey, shouldPodBeInEndpoints } from './pod-endpoints.js';
import { planSlices, sliceLabels, type EndpointGroup } from './reconciler.js';
import type { Endpoint, EndpointSliceObject, ServiceObject } from './types.js';

const svc = (spec: ServiceObject['spec'] = {}, name = 'web'): ServiceObject => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name, namespace: 'default', uid: 'svc-uid', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
});

const pod = (name: string, ip: string, o: { ready?: boolean; deleting?: boolean; phase?: string; ports?: Array<{ name: string; containerPort: number }>; hostname?: string; subdomain?: string } = {}): PodObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z', ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:01:00Z' } : {}) },
  spec: { nodeName: 'n1', hostname: o.hostname, subdomain: o.subdomain, containers: [{ name: 'c', ports: o.ports ?? [] }] },
  status: { phase: o.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});

const ep = (i: number): Endpoint => ({
  addresses: [`10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`], conditions: { ready: true, serving: true, terminating: false },
  targetRef: { kind: 'Pod', namespace: 'default', name: `p${i}`, uid: `u${i}` },
});
const ports = [{ name: 'http', port: 8080, protocol: 'TCP' }];
const group = (n: number, from = 0): Map<string, EndpointGroup> =>
  new Map([[portsKey(ports), { ports, endpoints: Array.from({ length: n }, (_, i) => ep(i + from)) }]]);

let seq = 0;
const stored = (endpoints: Endpoint[], s = svc()): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', endpoints, ports,
  metadata: {
    name: `web-${seq++}`, namespace: 'default', uid: `slice-${seq}`, resourceVersion: '5', creationTimestamp: '2026-01-01T00:00:00Z',
    labels: sliceLabels(s), ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
  },
});

describe('pod endpoints', () => {
  it('resolves numeric and named target ports per pod', () => {
    const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }, { name: 'm', port: 9, targetPort: 9090 }] });
    expect(findPort(pod('a', '1.1.1.1', { ports: [{ name: 'web', containerPort: 8081 }] }), s.spec!.ports![0]!)).toBe(8081);
    expect(endpointPorts(s, pod('a', '1.1.1.1', { ports: [{ name: 'web', containerPort: 8081 }] }))).toEqual([
      { name: 'http', port: 8081, protocol: 'TCP' }, { name: 'm', port: 9090, protocol: 'TCP' },
    ]);
    // The named port is missing on this pod: only the numeric one remains.
    expect(endpointPorts(s, pod('b', '1.1.1.2'))).toEqual([{ name: 'm', port: 9090, protocol: 'TCP' }]);
    expect(findPort(pod('a', '1.1.1.1'), { port: 80 })).toBe(80);
  });

  it('sets conditions as upstream: terminating is serving from readiness and not ready; publishNotReadyAddresses is ready', () => {
    expect(podToEndpoint(svc(), pod('a', '1.1.1.1'), undefined).conditions).toEqual({ ready: true, serving: true, terminating: false });
    expect(podToEndpoint(svc(), pod('a', '1.1.1.1', { ready: false }), undefined).conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(podToEndpoint(svc(), pod('a', '1.1.1.1', { deleting: true }), undefined).conditions).toEqual({ ready: false, serving: true, terminating: true });
    expect(podToEndpoint(svc({ publishNotReadyAddresses: true }), pod('a', '1.1.1.1', { ready: false }), undefined).conditions).toEqual({ ready: true, serving: true, terminating: false });
  });

  it('fills node, zone, target and hostname (headless subdomain only)', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n', resourceVersion: '1', creationTimestamp: '', labels: { 'topology.kubernetes.io/zone': 'z1' } } };
    const e = podToEndpoint(svc({ clusterIP: 'None' }), pod('a', '1.1.1.1', { hostname: 'h', subdomain: 'web' }), node);
    expect(e).toMatchObject({ addresses: ['1.1.1.1'], nodeName: 'n1', zone: 'z1', hostname: 'h', targetRef: { kind: 'Pod', name: 'a', uid: 'uid-a' } });
    expect(podToEndpoint(svc(), pod('a', '1.1.1.1', { hostname: 'h', subdomain: 'web' }), node).hostname).toBeUndefined();
  });

  it('leaves out finished and IP-less pods, and terminating ones unless asked', () => {
    expect(shouldPodBeInEndpoints(pod('a', '1.1.1.1', { phase: 'Succeeded' }), true)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a', ''), true)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a', '1.1.1.1', { deleting: true }), true)).toBe(true);
    expect(shouldPodBeInEndpoints(pod('a', '1.1.1.1', { deleting: true }), false)).toBe(false);
  });

  it('keys endpoints by address and pod, so pods sharing an address stay apart', () => {
    const a = podToEndpoint(svc(), pod('a', '127.0.0.1'), undefined);
    const b = podToEndpoint(svc(), pod('b', '127.0.0.1'), undefined);
    expect(endpointKey(a)).not.toBe(endpointKey(b));
  });
});

describe('planSlices', () => {
  const opts = { maxEndpointsPerSlice: 100 };

  it('creates a placeholder for a Service without endpoints, and keeps it', () => {
    const p = planSlices(svc(), new Map(), [], opts);
    expect(p.create).toHaveLength(1);
    expect(p.create[0]).toMatchObject({ endpoints: [], ports: [], addressType: 'IPv4', metadata: { generateName: 'web-' } });
    const placeholder = { ...stored([]), ports: [] };
    expect(planSlices(svc(), new Map(), [placeholder], opts)).toEqual({ create: [], update: [], delete: [] });
  });

  it('splits past the maximum and labels slices', () => {
    const p = planSlices(svc(), group(250), [], opts);
    expect(p.create.map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
    expect(p.create[0]!.metadata.labels).toEqual({ app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(p.create[0]!.metadata.ownerReferences[0]).toMatchObject({ kind: 'Service', uid: 'svc-uid', controller: true });
  });

  it('does nothing when the slices are current', () => {
    const s = stored(group(3).values().next().value!.endpoints);
    expect(planSlices(svc(), group(3), [s], opts)).toEqual({ create: [], update: [], delete: [] });
  });

  it('updates in place: a changed endpoint, a removed one, and new ones fill the slice being written', () => {
    const eps = group(3).values().next().value!.endpoints;
    const s = stored(eps);
    const want = group(5);
    want.values().next().value!.endpoints[1] = { ...ep(1), conditions: { ready: false, serving: false, terminating: false } };
    want.values().next().value!.endpoints.splice(0, 1);
    const p = planSlices(svc(), want, [s], opts);
    expect(p.create).toEqual([]);
    expect(p.delete).toEqual([]);
    expect(p.update).toHaveLength(1);
    expect(p.update[0]!.metadata.name).toBe(s.metadata.name);
    expect(p.update[0]!.endpoints!.map((e) => e.targetRef!.name)).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('puts a few new endpoints into an unchanged slice they fit in rather than creating one', () => {
    const full = stored(group(100).values().next().value!.endpoints);
    const part = stored(group(10, 100).values().next().value!.endpoints);
    const p = planSlices(svc(), group(112), [full, part], opts);
    expect(p.create).toEqual([]);
    expect(p.update.map((s) => [s.metadata.name, s.endpoints!.length])).toEqual([[part.metadata.name, 12]]);
  });

  it('reuses a slice that would be deleted for one that would be created (ports changed)', () => {
    const old = stored(group(3).values().next().value!.endpoints);
    const newPorts = [{ name: 'http', port: 9090, protocol: 'TCP' }];
    const want = new Map([[portsKey(newPorts), { ports: newPorts, endpoints: group(3).values().next().value!.endpoints }]]);
    const p = planSlices(svc(), want, [old], { ...opts, triggerTime: '2026-01-01T00:00:05Z' });
    expect(p.create).toEqual([]);
    expect(p.delete).toEqual([]);
    expect(p.update[0]).toMatchObject({ metadata: { name: old.metadata.name, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:05Z' } }, ports: newPorts });
  });

  it('deletes slices that end up empty when others remain, and turns the last into the placeholder', () => {
    const a = stored([ep(0)]);
    const b = stored([ep(1)]);
    const p = planSlices(svc(), group(1, 1), [a, b], opts);
    expect(p.delete.map((s) => s.metadata.name)).toEqual([a.metadata.name]);
    const none = planSlices(svc(), new Map(), [a, b], opts);
    expect(none.create).toEqual([]);
    expect(none.update).toHaveLength(1);
    expect(none.update[0]).toMatchObject({ endpoints: [], ports: [] });
    expect(none.delete).toHaveLength(1);
  });

  it('marks headless Services and rewrites labels when the Service changes', () => {
    expect(sliceLabels(svc({ clusterIP: 'None' }))['service.kubernetes.io/headless']).toBe('');
    const s = stored(group(1).values().next().value!.endpoints);
    const relabelled = { ...svc(), metadata: { ...svc().metadata, labels: { app: 'web', tier: 'x' } } };
    const p = planSlices(relabelled, group(1), [s], opts);
    expect(p.update[0]!.metadata.labels).toMatchObject({ tier: 'x' });
  });
});
