// The EndpointSlice and Endpoints controllers over the in-process API: slices and Endpoints follow
// pod readiness and deletion, split past the per-slice maximum, resolve named ports per pod, and
// handle headless Services and publishNotReadyAddresses; the kubernetes Service's endpoints.
import { setMaxListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject } from '../../src/api/types.js';
import { InformerFactory } from '../../src/client/informer-factory.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { PodObject } from '../../src/controllers/common/types.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { EndpointSliceController } from '../../src/controllers/endpointslice/endpointslice-controller.js';
import { EndpointSliceMirroringController } from '../../src/controllers/endpointslice/mirroring-controller.js';
import { EndpointsController } from '../../src/controllers/endpoints/endpoints-controller.js';
import { reconcileKubernetesEndpoints } from '../../src/controllers/endpoints/master.js';
import type { EndpointSliceObject, EndpointsObject, ServiceObject } from '../../src/controllers/endpointslice/types.js';
import { startTestApi, type TestApi } from './harness.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const svcRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
const epRef = { group: '', version: 'v1', resource: 'endpoints', namespaced: true };
const sliceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };
const nodeRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false };

describe('endpointslice and endpoints controllers', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<unknown>;
  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    setMaxListeners(0, abort.signal);
    const transport = t.api.inProcessTransport();
    const informers = new InformerFactory(new RestClient(transport), { log: silentLogger });
    running = Promise.all([
      new EndpointSliceController({ transport, log: silentLogger, informers, maxEndpointsPerSlice: 100 }).start(abort.signal),
      new EndpointsController({ transport, log: silentLogger, informers }).start(abort.signal),
      new EndpointSliceMirroringController({ transport, log: silentLogger, informers }).start(abort.signal),
    ]);
    await t.client.resource(nodeRef).create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
  });
  afterEach(async () => {
    abort.abort();
    await running;
    await t.stop();
  });

  const service = (name: string, spec: Record<string, unknown>) => t.client.resource<ServiceObject>(svcRef).create('default', {
    apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { team: 'a' } }, spec,
  } as KubeObject);
  const pod = async (name: string, ip: string, o: { ready?: boolean; labels?: Record<string, string>; ports?: Array<{ name: string; containerPort: number }>; hostname?: string; subdomain?: string } = {}) => {
    const p = await t.client.resource<PodObject>(podsRef).create('default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: o.labels ?? { app: 'web' } },
      spec: { nodeName: 'n1', hostname: o.hostname, subdomain: o.subdomain, containers: [{ name: 'c', image: 'busybox', ports: o.ports }] },
    } as KubeObject);
    return setReady(p, ip, o.ready ?? true);
  };
  const setReady = (p: PodObject, ip: string, ready: boolean) => t.client.resource<PodObject>(podsRef).updateStatus('default', {
    ...p, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  } as PodObject);
  const slicesOf = async (svc: string) => (await t.client.resource<EndpointSliceObject>(sliceRef).list('default', { labelSelector: `kubernetes.io/service-name=${svc}` })).items;
  // Generous deadlines: the suite may share two cores with many other tests.
  const slicesUntil = (svc: string, pred: (s: EndpointSliceObject[]) => boolean, what: string) =>
    waitFor(async () => { const s = await slicesOf(svc); return pred(s) ? s : undefined; }, 15_000, what);
  const endpointsUntil = (svc: string, pred: (e: EndpointsObject) => boolean, what: string) =>
    waitFor(async () => { const e = await t.client.resource<EndpointsObject>(epRef).get('default', svc).catch(() => undefined); return e && pred(e) ? e : undefined; }, 15_000, what);
  const allEndpoints = (s: EndpointSliceObject[]) => s.flatMap((x) => x.endpoints ?? []);

  it('lists selected pods with conditions, node, zone and target, following readiness and deletion', async () => {
    await service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    await pod('a', '10.42.0.5');
    const b = await pod('b', '10.42.0.6', { ready: false });
    await pod('other', '10.42.0.7', { labels: { app: 'other' } });
    const slices = await slicesUntil('web', (s) => allEndpoints(s).length === 2, 'two endpoints');
    expect(slices).toHaveLength(1);
    const s = slices[0]!;
    expect(s.metadata.name).toMatch(/^web-/);
    expect(s.metadata.labels).toMatchObject({ team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(s.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web', controller: true });
    expect(s.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toBeDefined();
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const a = s.endpoints!.find((e) => e.targetRef?.name === 'a')!;
    expect(a).toMatchObject({ addresses: ['10.42.0.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1', zone: 'zone-a', targetRef: { kind: 'Pod', namespace: 'default' } });
    expect(s.endpoints!.find((e) => e.targetRef?.name === 'b')!.conditions).toEqual({ ready: false, serving: false, terminating: false });

    const ep = await endpointsUntil('web', (e) => (e.subsets?.[0]?.addresses?.length ?? 0) === 1 && (e.subsets?.[0]?.notReadyAddresses?.length ?? 0) === 1, 'Endpoints');
    expect(ep.subsets).toEqual([{
      addresses: [{ ip: '10.42.0.5', nodeName: 'n1', targetRef: expect.objectContaining({ kind: 'Pod', name: 'a' }) }],
      notReadyAddresses: [{ ip: '10.42.0.6', nodeName: 'n1', targetRef: expect.objectContaining({ kind: 'Pod', name: 'b' }) }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
    expect(ep.metadata?.labels).toEqual({ team: 'a' });

    // Settled: no rewrites while nothing changes (our own writes come back as no-op syncs).
    const rvs = async () => [...(await slicesOf('web')).map((x) => x.metadata.resourceVersion), (await t.client.resource<EndpointsObject>(epRef).get('default', 'web')).metadata.resourceVersion];
    const before = await rvs();
    await new Promise((r) => setTimeout(r, 500));
    expect(await rvs()).toEqual(before);

    // b becomes ready: updated in place, same slice.
    await setReady(await t.client.resource<PodObject>(podsRef).get('default', 'b'), '10.42.0.6', true);
    const after = await slicesUntil('web', (x) => allEndpoints(x).every((e) => e.conditions?.ready), 'b ready');
    expect(after.map((x) => x.metadata.name)).toEqual([s.metadata.name]);

    // a terminates gracefully: still listed, serving, not ready; gone from Endpoints.
    await t.client.resource(podsRef).delete('default', 'a', { gracePeriodSeconds: 30 });
    const term = await slicesUntil('web', (x) => allEndpoints(x).some((e) => e.conditions?.terminating), 'a terminating');
    expect(allEndpoints(term).find((e) => e.targetRef?.name === 'a')!.conditions).toEqual({ ready: false, serving: true, terminating: true });
    await endpointsUntil('web', (e) => e.subsets?.[0]?.addresses?.length === 1 && e.subsets[0].addresses[0]!.ip === '10.42.0.6', 'a out of Endpoints');

    // Deleted for good: out of the slice.
    await t.client.resource(podsRef).delete('default', 'a', { gracePeriodSeconds: 0 });
    await t.client.resource(podsRef).delete('default', b.metadata.name, { gracePeriodSeconds: 0 });
    const empty = await slicesUntil('web', (x) => allEndpoints(x).length === 0, 'no endpoints');
    expect(empty).toHaveLength(1);
    expect(empty[0]!.metadata.name).toBe(s.metadata.name);
    await endpointsUntil('web', (e) => (e.subsets ?? []).length === 0, 'empty Endpoints');
  });

  it('splits past 100 endpoints and truncates nothing below 1000', async () => {
    await service('big', { selector: { app: 'big' }, ports: [{ port: 80 }] });
    for (let i = 0; i < 130; i++) await pod(`big-${i}`, `10.42.1.${i + 1}`, { labels: { app: 'big' } });
    const slices = await slicesUntil('big', (s) => allEndpoints(s).length === 130, '130 endpoints');
    expect(slices.map((s) => s.endpoints!.length).sort((a, b) => b - a)).toEqual([100, 30]);
    const ep = await endpointsUntil('big', (e) => e.subsets?.[0]?.addresses?.length === 130, 'Endpoints with 130');
    expect(ep.metadata?.annotations?.['endpoints.kubernetes.io/over-capacity']).toBeUndefined();
  });

  it('resolves named target ports per pod: pods without the port go to a slice with other ports', async () => {
    await service('named', { selector: { app: 'n' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    await pod('n1', '10.42.2.1', { labels: { app: 'n' }, ports: [{ name: 'web', containerPort: 8080 }] });
    await pod('n2', '10.42.2.2', { labels: { app: 'n' }, ports: [{ name: 'web', containerPort: 9090 }] });
    await pod('n3', '10.42.2.3', { labels: { app: 'n' } });
    const slices = await slicesUntil('named', (s) => allEndpoints(s).length === 3, 'three endpoints');
    const byPort = Object.fromEntries(slices.map((s) => [JSON.stringify(s.ports), s.endpoints!.map((e) => e.targetRef!.name)]));
    expect(byPort).toEqual({
      [JSON.stringify([{ name: 'http', port: 8080, protocol: 'TCP' }])]: ['n1'],
      [JSON.stringify([{ name: 'http', port: 9090, protocol: 'TCP' }])]: ['n2'],
      '[]': ['n3'],
    });
    const ep = await endpointsUntil('named', (e) => (e.subsets ?? []).length === 2, 'two subsets');
    expect(ep.subsets!.map((s) => s.ports![0]!.port).sort()).toEqual([8080, 9090]);
  });

  it('headless Services get slices with hostnames; publishNotReadyAddresses makes all ready', async () => {
    await service('db', { clusterIP: 'None', selector: { app: 'db' }, publishNotReadyAddresses: true, ports: [{ port: 5432 }] });
    await pod('db-0', '10.42.3.1', { labels: { app: 'db' }, hostname: 'db-0', subdomain: 'db', ready: false });
    const slices = await slicesUntil('db', (s) => allEndpoints(s).length === 1, 'db endpoint');
    expect(slices[0]!.metadata.labels?.['service.kubernetes.io/headless']).toBe('');
    expect(slices[0]!.endpoints![0]).toMatchObject({ hostname: 'db-0', conditions: { ready: true, serving: true, terminating: false } });
    const ep = await endpointsUntil('db', (e) => e.subsets?.[0]?.addresses?.length === 1, 'db Endpoints');
    expect(ep.subsets![0]!.addresses![0]).toMatchObject({ ip: '10.42.3.1', hostname: 'db-0' });
    expect(ep.metadata?.labels?.['service.kubernetes.io/headless']).toBe('');
  });

  it('leaves selector-less and ExternalName Services alone; empty Services get a placeholder slice', async () => {
    await service('manual', { ports: [{ port: 80 }] });
    await service('ext', { type: 'ExternalName', externalName: 'example.com', selector: { app: 'web' } });
    await service('empty', { selector: { app: 'nothing' }, ports: [{ port: 80 }] });
    await pod('a', '10.42.0.5');
    const placeholder = await slicesUntil('empty', (s) => s.length === 1, 'placeholder');
    expect(placeholder[0]!.endpoints ?? []).toEqual([]);
    await endpointsUntil('empty', () => true, 'empty Endpoints');
    expect(await slicesOf('manual')).toEqual([]);
    expect(await slicesOf('ext')).toEqual([]);
    await expect(t.client.resource(epRef).get('default', 'manual')).rejects.toThrow();
  });

  it('mirrors hand-written Endpoints of selector-less Services into slices', async () => {
    await service('ext-db', { ports: [{ name: 'pg', port: 5432 }] });
    await t.client.resource(epRef).create('default', {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext-db', labels: { team: 'b' } },
      subsets: [{ addresses: [{ ip: '192.0.2.10' }], notReadyAddresses: [{ ip: '192.0.2.11' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }],
    });
    const slices = await slicesUntil('ext-db', (s) => allEndpoints(s).length === 2, 'mirrored slice');
    expect(slices[0]!.metadata.labels).toEqual({ team: 'b', 'kubernetes.io/service-name': 'ext-db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
    expect(slices[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Endpoints', name: 'ext-db', controller: true });
    expect(slices[0]!.ports).toEqual([{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    expect(slices[0]!.endpoints).toEqual([{ addresses: ['192.0.2.10'], conditions: { ready: true } }, { addresses: ['192.0.2.11'], conditions: { ready: false } }]);
    await t.client.resource(epRef).delete('default', 'ext-db');
    await slicesUntil('ext-db', (s) => s.length === 0, 'mirrored slice removed');
  });

  it('reconciles the kubernetes Service endpoints to the API server addresses', async () => {
    await reconcileKubernetesEndpoints(t.client, { addresses: ['10.0.0.1'], port: 6443 });
    await reconcileKubernetesEndpoints(t.client, { addresses: ['10.0.0.2'], port: 6443 });
    const ep = await t.client.resource<EndpointsObject>(epRef).get('default', 'kubernetes');
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.0.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    const slice = await t.client.resource<EndpointSliceObject>(sliceRef).get('default', 'kubernetes');
    expect(slice).toMatchObject({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.2'], conditions: { ready: true } }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] });
    expect(slice.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' });
    const rv = slice.metadata.resourceVersion;
    await reconcileKubernetesEndpoints(t.client, { addresses: ['10.0.0.2'], port: 6443 });
    expect((await t.client.resource<EndpointSliceObject>(sliceRef).get('default', 'kubernetes')).metadata.resourceVersion).toBe(rv);
    // Not mirrored (skip-mirror), not touched by the controllers (no selector).
    expect((await slicesOf('kubernetes')).map((s) => s.metadata.name)).toEqual(['kubernetes']);
  });
});
