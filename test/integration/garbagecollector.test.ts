// Garbage collector over the in-process API: background, foreground and orphan propagation,
// namespaced and cluster-scoped owners, dependents with another living owner.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject, OwnerReference } from '../../src/api/types.js';
import { GarbageCollector } from '../../src/controllers/garbagecollector/garbage-collector.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { startTestApi, type TestApi } from './harness.js';

const cms = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const clusterRoles = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false };

describe('garbage collector', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<void>;

  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    const gc = new GarbageCollector({ transport: t.api.inProcessTransport(), log: silentLogger, resources: () => t.api.resources(), resourceRefreshMs: 100, foregroundRecheckMs: 100 });
    running = gc.start(abort.signal);
  });
  afterEach(async () => {
    abort.abort();
    await running;
    await t.stop();
  });

  const cm = t0();
  function t0() {
    return {
      create: (name: string, owners: OwnerReference[] = [], finalizers?: string[]) =>
        t.client.resource(cms).create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ownerReferences: owners, finalizers } }),
      get: async (name: string) => {
        try {
          return await t.client.resource(cms).get('default', name);
        } catch {
          return undefined;
        }
      },
    };
  }
  const refTo = (o: KubeObject, block?: boolean): OwnerReference =>
    ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name!, uid: o.metadata!.uid!, ...(block !== undefined ? { blockOwnerDeletion: block } : {}) });
  const gone = (name: string) => waitFor(async () => (await cm.get(name)) === undefined, 5000, `${name} deleted`);

  it('background: deletes dependents whose owners are all gone, keeps those with a living owner', async () => {
    const owner = await cm.create('owner');
    const other = await cm.create('other');
    await cm.create('dep', [refTo(owner)]);
    await cm.create('shared', [refTo(owner), refTo(other)]);
    await t.client.resource(cms).delete('default', 'owner');
    await gone('dep');
    const shared = await waitFor(async () => {
      const s = await cm.get('shared');
      return s?.metadata?.ownerReferences?.length === 1 ? s : undefined;
    }, 5000, 'dangling reference dropped');
    expect(shared.metadata?.ownerReferences?.[0]?.name).toBe('other');
  });

  it('collects a dependent created after its owner is already gone', async () => {
    await cm.create('late', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never', uid: 'no-such-uid' }]);
    await gone('late');
  });

  it('cluster-scoped owner of a namespaced dependent', async () => {
    const role = await t.client.resource(clusterRoles).create(undefined, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'gc-owner' }, rules: [] } as KubeObject);
    await cm.create('of-role', [refTo(role)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await cm.get('of-role')).toBeDefined();
    await t.client.resource(clusterRoles).delete(undefined, 'gc-owner');
    await gone('of-role');
  });

  it('a namespaced owner referenced from a cluster-scoped dependent is invalid: reported, never collected', async () => {
    const owner = await cm.create('ns-owner');
    await t.client.resource(clusterRoles).create(undefined, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'bad-ref', ownerReferences: [refTo(owner)] }, rules: [] } as KubeObject);
    const events = { group: '', version: 'v1', resource: 'events', namespaced: true };
    const ev = await waitFor(async () => (await t.client.resource(events).list(undefined)).items.find((e) => (e as { reason?: string }).reason === 'OwnerRefInvalidNamespace'), 5000, 'event');
    expect((ev as { involvedObject?: { name?: string } }).involvedObject?.name).toBe('bad-ref');
    await t.client.resource(cms).delete('default', 'ns-owner');
    await new Promise((r) => setTimeout(r, 200));
    expect((await t.client.resource(clusterRoles).get(undefined, 'bad-ref')).metadata?.name).toBe('bad-ref');
  });

  it('a reference to an owner in another namespace is dangling', async () => {
    const other = await t.client.resource(cms).create('kube-system', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere' } });
    await cm.create('cross', [refTo(other)]);
    await gone('cross');
    expect((await t.client.resource(cms).get('kube-system', 'elsewhere')).metadata?.name).toBe('elsewhere');
  });

  it('foreground: the owner waits for blocking dependents, then goes', async () => {
    const owner = await cm.create('fg-owner');
    await cm.create('fg-block', [refTo(owner, true)], ['test.kites.io/hold']);
    await cm.create('fg-free', [refTo(owner, false)]);
    await t.client.resource(cms).delete('default', 'fg-owner', { propagationPolicy: 'Foreground' });
    await gone('fg-free');
    const held = await waitFor(async () => (await cm.get('fg-block'))?.metadata?.deletionTimestamp ? true : undefined, 5000, 'blocking dependent deleting');
    expect(held).toBe(true);
    const o = await cm.get('fg-owner');
    expect(o?.metadata?.deletionTimestamp).toBeTruthy();
    expect(o?.metadata?.finalizers).toContain('foregroundDeletion');
    const dep = (await cm.get('fg-block'))!;
    await t.client.resource(cms).update('default', { ...dep, metadata: { ...dep.metadata, finalizers: [] } });
    await gone('fg-block');
    await gone('fg-owner');
  });

  it('orphan: dependents lose the reference and stay; the owner goes', async () => {
    const owner = await cm.create('or-owner');
    const other = await cm.create('or-other');
    await cm.create('or-dep', [refTo(owner)]);
    await cm.create('or-dep2', [refTo(owner), refTo(other)]);
    await new Promise((r) => setTimeout(r, 50));
    await t.client.resource(cms).delete('default', 'or-owner', { propagationPolicy: 'Orphan' });
    await gone('or-owner');
    expect((await cm.get('or-dep'))?.metadata?.ownerReferences ?? []).toEqual([]);
    expect((await cm.get('or-dep2'))?.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['or-other']);
  });
  it('foreground through a chain: a dependent with dependents of its own is deleted in foreground too', async () => {
    const a = await cm.create('ch-a');
    const b = await cm.create('ch-b', [refTo(a, true)]);
    await cm.create('ch-c', [refTo(b, true)], ['test.kites.io/hold']);
    await new Promise((r) => setTimeout(r, 50));
    await t.client.resource(cms).delete('default', 'ch-a', { propagationPolicy: 'Foreground' });
    const bDeleting = await waitFor(async () => {
      const x = await cm.get('ch-b');
      return x?.metadata?.deletionTimestamp ? x : undefined;
    }, 5000, 'middle deleting');
    expect(bDeleting.metadata?.finalizers).toContain('foregroundDeletion');
    await waitFor(async () => !!(await cm.get('ch-c'))?.metadata?.deletionTimestamp, 5000, 'leaf deleting');
    expect(await cm.get('ch-a')).toBeDefined();
    const c = (await cm.get('ch-c'))!;
    await t.client.resource(cms).update('default', { ...c, metadata: { ...c.metadata, finalizers: [] } });
    await gone('ch-c');
    await gone('ch-b');
    await gone('ch-a');
  });

  it('custom resources join the graph once their CRD is served', async () => {
    const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };
    const widgets = { group: 'gc.example.com', version: 'v1', resource: 'widgets', namespaced: true };
    await t.client.resource(crds).create(undefined, {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.gc.example.com' },
      spec: {
        group: 'gc.example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    } as KubeObject);
    const owner = await cm.create('cr-owner');
    const w = await waitFor(async () => {
      try {
        return await t.client.resource(widgets).create('default', { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w1', ownerReferences: [refTo(owner)] } });
      } catch {
        return undefined;
      }
    }, 5000, 'widget created');
    await cm.create('of-widget', [refTo(w)]);
    await new Promise((r) => setTimeout(r, 250));
    await t.client.resource(cms).delete('default', 'cr-owner');
    await waitFor(async () => {
      try {
        await t.client.resource(widgets).get('default', 'w1');
        return false;
      } catch {
        return true;
      }
    }, 5000, 'widget collected');
    await gone('of-widget');
  });
});
