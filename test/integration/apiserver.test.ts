import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { StatusError } from '../../src/api/errors.js';
import type { KubeObject, WatchEvent } from '../../src/api/types.js';

const cm = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const nsRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ controllers: true }); });
afterAll(async () => { await t?.stop(); });

async function expectStatus(p: Promise<unknown>, code: number, text?: string): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    const se = e as StatusError;
    expect(se.code).toBe(code);
    if (text) expect(se.message).toContain(text);
    return se;
  }
  throw new Error(`expected a ${code} error`);
}

describe('API server (in-process)', () => {
  it('bootstraps the system namespaces', async () => {
    const list = await t.client.resource<KubeObject>(nsRef).list();
    expect(list.items.map((n) => n.metadata?.name).sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect((list.items[0].status as { phase: string }).phase).toBe('Active');
  });

  it('creates, reads, updates with concurrency control and deletes', async () => {
    const c = t.client.resource<KubeObject>(cm);
    const created = await c.create('default', { metadata: { name: 'a' }, data: { k: 'v' } } as KubeObject);
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.creationTimestamp).toMatch(/Z$/);
    expect(created.kind).toBe('ConfigMap');
    await expectStatus(c.create('default', { metadata: { name: 'a' } } as KubeObject), 409, 'configmaps "a" already exists');
    const updated = await c.update('default', { ...created, data: { k: 'w' } });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    await expectStatus(c.update('default', { ...created, data: { k: 'x' } }), 409, 'the object has been modified');
    await c.delete('default', 'a');
    await expectStatus(c.get('default', 'a'), 404, 'configmaps "a" not found');
  });

  it('refuses writes into a missing namespace', async () => {
    await expectStatus(t.client.resource<KubeObject>(cm).create('nope', { metadata: { name: 'x' } } as KubeObject), 404, 'namespaces "nope" not found');
  });

  it('bumps generation only on spec changes and keeps status on the main resource', async () => {
    const d = t.client.resource<KubeObject>(deployments);
    const spec = { replicas: 0, selector: { matchLabels: { app: 'g' } }, template: { metadata: { labels: { app: 'g' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } };
    const created = await d.create('default', { metadata: { name: 'g' }, spec, status: { replicas: 5 } } as KubeObject);
    expect(created.metadata?.generation).toBe(1);
    expect(created.status).toBeUndefined();
    const relabeled = await d.update('default', { ...created, metadata: { ...created.metadata, labels: { x: 'y' } } });
    expect(relabeled.metadata?.generation).toBe(1);
    const scaled = await d.update('default', { ...relabeled, spec: { ...spec, replicas: 2 }, status: { replicas: 9 } });
    expect(scaled.metadata?.generation).toBe(2);
    expect(scaled.status).toBeUndefined();
    const st = await d.updateStatus('default', { ...scaled, status: { replicas: 1, observedGeneration: 2 } });
    expect((st.status as { replicas: number }).replicas).toBe(1);
    expect(st.metadata?.generation).toBe(2);
  });

  it('pages lists with continue tokens and label selectors', async () => {
    const c = t.client.resource<KubeObject>(cm);
    await c.create('kube-public', { metadata: { name: 'unrelated' } } as KubeObject);
    for (let i = 0; i < 25; i++) await c.create('default', { metadata: { name: `p-${String(i).padStart(2, '0')}`, labels: { batch: i % 2 ? 'odd' : 'even' } } } as KubeObject);
    const first = await c.list('default', { limit: 10, labelSelector: 'batch' });
    expect(first.items).toHaveLength(10);
    expect(first.metadata.continue).toBeTruthy();
    const all = await c.listAll('default', { limit: 7, labelSelector: 'batch=odd' });
    expect(all.items).toHaveLength(12);
    const plain = await c.list('default', { limit: 5 });
    expect(plain.metadata.remainingItemCount).toBeGreaterThan(0);
  });

  it('watches from a revision with selector transitions', async () => {
    const c = t.client.resource<KubeObject>(cm);
    const start = await c.list('default');
    const abort = new AbortController();
    const events: WatchEvent<KubeObject>[] = [];
    const done = (async () => {
      for await (const ev of c.watch('default', { resourceVersion: start.metadata.resourceVersion, labelSelector: 'w=yes', signal: abort.signal })) {
        events.push(ev);
        if (events.length === 3) abort.abort();
      }
    })();
    const w = await c.create('default', { metadata: { name: 'w1', labels: { w: 'yes' } } } as KubeObject);
    const w2 = await c.update('default', { ...w, metadata: { ...w.metadata, labels: { w: 'no' } } });
    await c.update('default', { ...w2, metadata: { ...w2.metadata, labels: { w: 'yes' } } });
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    abort.abort();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  it('holds objects with finalizers until they are removed', async () => {
    const c = t.client.resource<KubeObject>(cm);
    await c.create('default', { metadata: { name: 'held', finalizers: ['example.com/hold'] } } as KubeObject);
    await c.delete('default', 'held');
    const held = await c.get('default', 'held');
    expect(held.metadata?.deletionTimestamp).toBeTruthy();
    await c.patch('default', 'held', 'merge', { metadata: { finalizers: null } });
    await expectStatus(c.get('default', 'held'), 404);
  });

  it('deletes a namespace with its content', async () => {
    const n = t.client.resource<KubeObject>(nsRef);
    await n.create(undefined, { metadata: { name: 'doomed' } } as KubeObject);
    await t.client.resource<KubeObject>(cm).create('doomed', { metadata: { name: 'x' } } as KubeObject);
    await n.delete(undefined, 'doomed');
    await expectStatus(t.client.resource<KubeObject>(cm).create('doomed', { metadata: { name: 'y' } } as KubeObject), 403, 'being terminated');
    for (let i = 0; i < 100; i++) {
      try { await n.get(undefined, 'doomed'); } catch { break; }
      await new Promise((r) => setTimeout(r, 50));
    }
    await expectStatus(n.get(undefined, 'doomed'), 404);
    await expectStatus(n.delete(undefined, 'default'), 403, 'may not be deleted');
  });

  it('supports dry run and generateName', async () => {
    const c = t.client.resource<KubeObject>(cm);
    await c.create('default', { metadata: { name: 'dry' } } as KubeObject, { dryRun: true });
    await expectStatus(c.get('default', 'dry'), 404);
    const g = await c.create('default', { metadata: { generateName: 'gen-' } } as KubeObject);
    expect(g.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('serves shared storage through conversions (HPA v1/v2, core and events.k8s.io Events)', async () => {
    const v1 = t.client.resource<KubeObject>({ group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers', namespaced: true });
    const v2 = t.client.resource<KubeObject>({ group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespaced: true });
    await v1.create('default', { metadata: { name: 'h' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 70 } } as KubeObject);
    const asV2 = await v2.get('default', 'h');
    expect(asV2.apiVersion).toBe('autoscaling/v2');
    expect((asV2.spec as { metrics: unknown[] }).metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(((await v1.list('default')).items[0].spec as { targetCPUUtilizationPercentage: number }).targetCPUUtilizationPercentage).toBe(70);
    const ev = t.client.resource<KubeObject>({ group: 'events.k8s.io', version: 'v1', resource: 'events', namespaced: true });
    const core = t.client.resource<KubeObject>({ group: '', version: 'v1', resource: 'events', namespaced: true });
    await ev.create('default', { metadata: { name: 'e1' }, eventTime: '2026-01-01T00:00:00.000000Z', reportingController: 'test', reportingInstance: 'x', action: 'Testing', reason: 'Tested', type: 'Normal', note: 'hello', regarding: { kind: 'Pod', namespace: 'default', name: 'p' } } as KubeObject);
    const asCore = await core.get('default', 'e1');
    expect(asCore).toMatchObject({ apiVersion: 'v1', kind: 'Event', message: 'hello', involvedObject: { kind: 'Pod', name: 'p' }, reportingComponent: 'test' });
  });
});

describe('custom resources', () => {
  const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };
  const widgets = { group: 'demo.example.com', version: 'v1', resource: 'widgets', namespaced: true };

  it('serves a CRD at once, Established, with its objects, status subresource and cleanup', async () => {
    await t.client.resource<KubeObject>(crds).create(undefined, {
      metadata: { name: 'widgets.demo.example.com' },
      spec: {
        group: 'demo.example.com', scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wg'] },
        versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } }, status: { type: 'object', properties: { ready: { type: 'boolean' } } } } } } }],
      },
    } as KubeObject);
    let established = false;
    for (let i = 0; i < 100 && !established; i++) {
      const crd = await t.client.resource<KubeObject>(crds).get(undefined, 'widgets.demo.example.com');
      established = ((crd.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
      if (!established) await new Promise((r) => setTimeout(r, 20));
    }
    expect(established).toBe(true);
    const w = t.client.resource<KubeObject>(widgets);
    const created = await w.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 }, status: { ready: true } } as KubeObject);
    expect(created.metadata?.generation).toBe(1);
    expect(created.status).toBeUndefined();
    await w.patch('default', 'w1', 'merge', { status: { ready: true } }, { subresource: 'status' });
    await w.patch('default', 'w1', 'merge', { status: { ready: false } });
    expect(((await w.get('default', 'w1')).status as { ready: boolean }).ready).toBe(true);
    await expectStatus(w.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name: 'w2' }, spec: { size: 1, extra: 1 } } as KubeObject, { fieldValidation: 'Strict' }), 400, 'unknown field "spec.extra"');
    await t.client.resource<KubeObject>(crds).delete(undefined, 'widgets.demo.example.com');
    for (let i = 0; i < 100; i++) {
      try { await t.client.resource<KubeObject>(crds).get(undefined, 'widgets.demo.example.com'); } catch { break; }
      await new Promise((r) => setTimeout(r, 20));
    }
    await expectStatus(t.client.resource<KubeObject>(crds).get(undefined, 'widgets.demo.example.com'), 404);
    await expectStatus(w.get('default', 'w1'), 404);
  });
});

describe('pods/eviction', () => {
  it('refuses evictions a disruption budget does not allow, then spends one', async () => {
    const pods = t.client.resource<KubeObject>({ group: '', version: 'v1', resource: 'pods', namespaced: true });
    const pdbs = t.client.resource<KubeObject>({ group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true });
    const pod = await pods.create('default', { metadata: { name: 'ev', labels: { app: 'ev' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as KubeObject);
    await pods.patch('default', 'ev', 'merge', { status: { phase: 'Running' } }, { subresource: 'status' });
    const pdb = await pdbs.create('default', { metadata: { name: 'budget' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'ev' } } } } as KubeObject);
    await pdbs.patch('default', 'budget', 'merge', { status: { observedGeneration: pdb.metadata?.generation, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } }, { subresource: 'status' });
    const evict = () => t.client.requestJson({ method: 'POST', path: '/api/v1/namespaces/default/pods/ev/eviction', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'ev' } } });
    const err = await expectStatus(evict(), 429, 'disruption budget');
    expect(err.details?.causes?.[0]?.message).toBe('The disruption budget budget needs 1 healthy pods and has 1 currently');
    await pdbs.patch('default', 'budget', 'merge', { status: { disruptionsAllowed: 1 } }, { subresource: 'status' });
    await evict();
    await expectStatus(pods.get('default', 'ev'), 404);
    expect(((await pdbs.get('default', 'budget')).status as { disruptionsAllowed: number }).disruptionsAllowed).toBe(0);
    expect(pod.metadata?.uid).toBeTruthy();
  });
});

describe('server-side apply', () => {
  it('records managers, reports conflicts and lets force take over', async () => {
    const c = t.client.resource<KubeObject>(cm);
    const body = (owner: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { owner } });
    const a = await c.patch('default', 'ssa', 'apply', body('alice'), { fieldManager: 'alice' });
    expect(a.metadata?.managedFields?.map((m) => `${m.manager}/${m.operation}`)).toEqual(['alice/Apply']);
    const err = await expectStatus(c.patch('default', 'ssa', 'apply', body('bob'), { fieldManager: 'bob' }), 409, 'Apply failed with 1 conflict: conflict with "alice": .data.owner');
    expect(err.details?.causes?.[0]).toMatchObject({ reason: 'FieldManagerConflict', field: '.data.owner' });
    const b = await c.patch('default', 'ssa', 'apply', body('bob'), { fieldManager: 'bob', force: true });
    expect((b.data as { owner: string }).owner).toBe('bob');
    expect(b.metadata?.managedFields?.map((m) => m.manager).sort()).toEqual(['bob']);
    const again = await c.patch('default', 'ssa', 'apply', body('bob'), { fieldManager: 'bob' });
    expect(again.metadata?.resourceVersion).toBe(b.metadata?.resourceVersion);
  });
});

describe('pod admission', () => {
  it('defaults the service account, resolves priority and adds default tolerations', async () => {
    const pods = t.client.resource<KubeObject>({ group: '', version: 'v1', resource: 'pods', namespaced: true });
    const p = await pods.create('default', { metadata: { name: 'adm' }, spec: { priorityClassName: 'system-cluster-critical', containers: [{ name: 'c', image: 'busybox' }] } } as KubeObject);
    const spec = p.spec as { serviceAccountName: string; priority: number; preemptionPolicy: string; tolerations: Array<{ key: string; tolerationSeconds: number }> };
    expect(spec.serviceAccountName).toBe('default');
    expect(spec.priority).toBe(2000000000);
    expect(spec.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(spec.tolerations.map((x) => `${x.key}/${x.tolerationSeconds}`)).toEqual(['node.kubernetes.io/not-ready/300', 'node.kubernetes.io/unreachable/300']);
    await expectStatus(pods.create('default', { metadata: { name: 'adm2' }, spec: { priorityClassName: 'nope', containers: [{ name: 'c', image: 'busybox' }] } } as KubeObject), 403, 'no PriorityClass with name nope was found');
  });
});

describe('service addresses', () => {
  it('allocates ClusterIPs and NodePorts without collisions and keeps them on update', async () => {
    const svcs = t.client.resource<KubeObject>({ group: '', version: 'v1', resource: 'services', namespaced: true });
    const k = await svcs.get('default', 'kubernetes');
    expect((k.spec as { clusterIP: string }).clusterIP).toBe('10.43.0.1');
    const a = await svcs.create('default', { metadata: { name: 'a' }, spec: { type: 'NodePort', selector: { app: 'a' }, ports: [{ port: 80 }] } } as KubeObject);
    const spec = a.spec as { clusterIP: string; clusterIPs: string[]; ports: Array<{ nodePort: number; targetPort: number }> };
    expect(spec.clusterIP).toMatch(/^10\.43\.\d+\.\d+$/);
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
    expect(spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const updated = await svcs.update('default', { ...a, spec: { ...spec, clusterIP: undefined, clusterIPs: undefined } });
    expect((updated.spec as { clusterIP: string }).clusterIP).toBe(spec.clusterIP);
    await expectStatus(svcs.create('default', { metadata: { name: 'b' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: spec.ports[0].nodePort }] } } as KubeObject), 422, 'provided port is already allocated');
    await expectStatus(svcs.create('default', { metadata: { name: 'c' }, spec: { clusterIP: spec.clusterIP, ports: [{ port: 80 }] } } as KubeObject), 422, 'provided IP is already allocated');
    const h = await svcs.create('default', { metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } } as KubeObject);
    expect((h.spec as { clusterIPs: string[] }).clusterIPs).toEqual(['None']);
  });
});

describe('custom resource scale and CRD schema checks', () => {
  const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };
  it('serves /scale at the CRD-declared paths and refuses non-structural schemas', async () => {
    await expectStatus(t.client.resource<KubeObject>(crds).create(undefined, {
      metadata: { name: 'bads.demo.example.com' },
      spec: { group: 'demo.example.com', scope: 'Namespaced', names: { plural: 'bads', kind: 'Bad' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { x: { type: 'string' } } } } } } }] },
    } as KubeObject), 422, 'spec.versions[0].schema.openAPIV3Schema.properties[spec].type');
    await t.client.resource<KubeObject>(crds).create(undefined, {
      metadata: { name: 'pools.demo.example.com' },
      spec: {
        group: 'demo.example.com', scope: 'Namespaced', names: { plural: 'pools', kind: 'Pool' },
        versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size', labelSelectorPath: '.status.selector' } },
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } }, status: { type: 'object', properties: { size: { type: 'integer' }, selector: { type: 'string' } } } } } } }],
      },
    } as KubeObject);
    const pools = t.client.resource<KubeObject>({ group: 'demo.example.com', version: 'v1', resource: 'pools', namespaced: true });
    for (let i = 0; i < 100; i++) {
      try { await pools.list('default'); break; } catch { await new Promise((r) => setTimeout(r, 20)); }
    }
    await pools.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Pool', metadata: { name: 'p' }, spec: { size: 2 } } as KubeObject);
    await pools.patch('default', 'p', 'merge', { status: { size: 2, selector: 'app=p' } }, { subresource: 'status' });
    const scale = await t.client.requestJson<KubeObject>({ method: 'GET', path: '/apis/demo.example.com/v1/namespaces/default/pools/p/scale' });
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=p' } });
    await t.client.requestJson({ method: 'PATCH', path: '/apis/demo.example.com/v1/namespaces/default/pools/p/scale', body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    expect(((await pools.get('default', 'p')).spec as { size: number }).size).toBe(5);
  });
});
