import { describe, it, expect, afterEach } from 'vitest';
import { errors } from '../api/errors.js';
import type { StoredObject } from '../api/types.js';
import { RestClient } from './rest-client.js';
import { SharedInformer, type EventHandler } from './informer.js';
import { InformerFactory } from './informer-factory.js';
import { indexByField } from './indexer.js';
import { FakeApi } from './testing/fake-api.js';
import { FakeClock, settle } from './testing/fake-clock.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
type Pod = StoredObject & { spec?: { nodeName?: string } };

function pod(name: string, ns = 'default', nodeName?: string, labels?: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: nodeName ? { nodeName } : {} } as unknown as Pod;
}

interface Recorded { adds: string[]; updates: string[]; deletes: string[] }
function recorder(): EventHandler<Pod> & Recorded {
  const r: Recorded = { adds: [], updates: [], deletes: [] };
  return Object.assign(r, {
    onAdd: (o: Pod, initial: boolean) => r.adds.push(`${o.metadata.name}${initial ? '*' : ''}`),
    onUpdate: (_o: Pod, n: Pod) => r.updates.push(n.metadata.name),
    onDelete: (o: Pod, unknown: boolean) => r.deletes.push(`${o.metadata.name}${unknown ? '?' : ''}`),
  });
}

const stoppers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stoppers.splice(0)) await s();
});

function setup(opts: { split?: boolean; resyncPeriodMs?: number } = {}) {
  const api = new FakeApi({ splitChunks: opts.split });
  const clock = new FakeClock();
  const client = new RestClient(api);
  const pods = client.resource<Pod>(podsRef);
  const informer = new SharedInformer<Pod>(pods, {
    clock, random: () => 0, resyncPeriodMs: opts.resyncPeriodMs,
    indexers: { byNode: indexByField<Pod>((p) => p.spec?.nodeName) },
  });
  stoppers.push(() => informer.stop());
  const watches = () => api.requests.filter((r) => r.watch);
  const lists = () => api.requests.filter((r) => !r.watch && r.method === 'GET');
  return { api, clock, client, pods, informer, watches, lists };
}

describe('SharedInformer', () => {
  it('lists, then watches with bookmarks from the list resourceVersion, keeping cache and indexes in step', async () => {
    const { api, pods, informer, watches } = setup({ split: true });
    await pods.create('default', pod('a', 'default', 'node1'));
    await pods.create('other', pod('b', 'other', 'node2', { app: 'web' }));
    const rec = recorder();
    informer.addEventHandler(rec);
    informer.start();
    expect(await informer.waitForSync(AbortSignal.timeout(2000))).toBe(true);
    expect(informer.hasSynced()).toBe(true);
    expect(rec.adds.sort()).toEqual(['a*', 'b*']);
    expect(informer.lastSyncResourceVersion()).toBe('2');
    await settle();
    const w = watches()[0]!;
    expect(w.query).toMatchObject({ watch: 'true', resourceVersion: '2', allowWatchBookmarks: 'true', timeoutSeconds: '300' });

    await pods.create('default', pod('c', 'default', 'node1'));
    const a = await pods.get('default', 'a');
    await pods.update('default', { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    await pods.delete('other', 'b');
    await settle();
    expect(rec.adds).toContain('c');
    expect(rec.updates).toEqual(['a']);
    expect(rec.deletes).toEqual(['b']);
    expect(informer.lister.byIndex('byNode', 'node1').map((p) => p.metadata.name).sort()).toEqual(['a', 'c']);
    expect(informer.lister.byIndex('byNode', 'node2')).toEqual([]);
    expect(informer.lister.list({ namespace: 'default', selector: 'x=y' }).map((p) => p.metadata.name)).toEqual(['a']);
    expect(informer.lister.get('default', 'c')?.metadata.resourceVersion).toBe('3');
    expect(informer.lastSyncResourceVersion()).toBe(api.resourceVersion);

    api.bookmark();
    await pods.create('elsewhere', pod('z', 'elsewhere'));
    api.bookmark();
    await settle();
    expect(informer.lastSyncResourceVersion()).toBe(api.resourceVersion);
  });

  it('re-watches from the last seen resourceVersion when a watch ends, without re-listing', async () => {
    const { api, pods, informer, watches, lists } = setup();
    await pods.create('default', pod('a'));
    const rec = recorder();
    informer.addEventHandler(rec);
    informer.start();
    await informer.waitForSync(AbortSignal.timeout(2000));
    await settle();
    await pods.create('default', pod('b'));
    await settle();
    api.closeWatches();
    await pods.create('default', pod('c')); // happens while disconnected
    await settle();
    expect(watches()).toHaveLength(2);
    expect(watches()[1]!.query.resourceVersion).toBe('2');
    expect(lists()).toHaveLength(1);
    expect(rec.adds).toEqual(['a*', 'b', 'c']);
  });

  it('re-lists on a 410 ERROR event and reports deletions missed meanwhile as final-state-unknown', async () => {
    const { api, pods, informer, lists } = setup();
    await pods.create('default', pod('a'));
    await pods.create('default', pod('b'));
    const rec = recorder();
    informer.addEventHandler(rec);
    informer.start();
    await informer.waitForSync(AbortSignal.timeout(2000));
    await settle();
    api.expireWatches();
    // Runs synchronously before the informer can react: the informer never sees these events.
    void pods.delete('default', 'a');
    void pods.create('default', pod('c'));
    await settle();
    expect(lists()).toHaveLength(2);
    expect(rec.deletes).toEqual(['a?']);
    expect(rec.adds).toEqual(['a*', 'b*', 'c']);
    expect(rec.updates).toEqual(['b']);
    expect(informer.indexer.keys().sort()).toEqual(['default/b', 'default/c']);
  });

  it('re-lists when the watch request itself fails with 410 Gone, e.g. after compaction', async () => {
    const { api, clock, pods, informer, lists, watches } = setup();
    await pods.create('default', pod('a'));
    informer.start();
    await informer.waitForSync(AbortSignal.timeout(2000));
    await settle();
    api.failNext((r) => r.watch, errors.gone('too old resource version: 1 (5)'));
    api.closeWatches();
    await settle();
    // Closing an idle watch at once counts as a failure: one backoff before re-watching.
    expect(watches()).toHaveLength(1);
    await clock.advance(800);
    expect(lists()).toHaveLength(2);
    expect(watches()).toHaveLength(3);
  });

  it('backs off when watches keep expiring right after each re-list', async () => {
    const { api, clock, informer, lists } = setup();
    informer.start();
    await informer.waitForSync(AbortSignal.timeout(2000));
    await settle();
    api.failNext((r) => r.watch, errors.expired('too old resource version'), 3);
    api.closeWatches();
    await clock.advance(800); // the closed idle watch counts as a failure: one backoff
    expect(lists()).toHaveLength(2); // first 410: re-list at once
    await settle();
    expect(lists()).toHaveLength(2); // second 410 in a row: wait first
    await clock.advance(1600);
    expect(lists()).toHaveLength(3);
  });

  it('backs off and retries when LIST fails, then syncs', async () => {
    const { api, clock, pods, informer, lists } = setup();
    await pods.create('default', pod('a'));
    api.failNext((r) => !r.watch && r.method === 'GET', errors.internal('db down'), 2);
    informer.start();
    await settle();
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(799);
    expect(lists()).toHaveLength(1);
    await clock.advance(1);
    expect(lists()).toHaveLength(2);
    await clock.advance(1600);
    expect(lists()).toHaveLength(3);
    expect(informer.hasSynced()).toBe(true);
  });

  it('replays the cache to a late handler and resyncs periodically', async () => {
    const { clock, pods, informer } = setup({ resyncPeriodMs: 30_000 });
    await pods.create('default', pod('a'));
    informer.start();
    await informer.waitForSync(AbortSignal.timeout(2000));
    const rec = recorder();
    const remove = informer.addEventHandler(rec);
    expect(rec.adds).toEqual(['a*']);
    await clock.advance(30_000);
    expect(rec.updates).toEqual(['a']);
    remove();
    await clock.advance(30_000);
    expect(rec.updates).toEqual(['a']);
  });

  it('gives up on a watch the server keeps open past its timeout, and re-watches', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const informer = new SharedInformer<Pod>(new RestClient(api).resource<Pod>(podsRef), { clock, random: () => 0, watchTimeoutSeconds: () => 60 });
    stoppers.push(() => informer.stop());
    informer.start();
    await informer.waitForSync(AbortSignal.timeout(2000));
    await settle();
    expect(api.requests.filter((r) => r.watch)).toHaveLength(1);
    expect(api.requests[1]!.query.timeoutSeconds).toBe('60');
    await clock.advance(89_999);
    expect(api.watchCount).toBe(1);
    await clock.advance(1);
    expect(api.requests.filter((r) => r.watch)).toHaveLength(2);
    expect(api.watchCount).toBe(1);
  });

  it('waitForSync resolves false when aborted', async () => {
    const { api, informer } = setup();
    api.failNext(() => true, errors.internal('down'), 100);
    informer.start();
    const ac = new AbortController();
    const p = informer.waitForSync(ac.signal);
    ac.abort();
    expect(await p).toBe(false);
  });
});

describe('InformerFactory', () => {
  it('shares one informer per resource and variant and waits for all to sync', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const factory = new InformerFactory(new RestClient(api), { clock, random: () => 0 });
    stoppers.push(() => factory.stop());
    const a = factory.informerFor(podsRef);
    const b = factory.informerFor(podsRef, { indexers: { byNode: indexByField<StoredObject>(() => 'n') } });
    const c = factory.informerFor(podsRef, { namespace: 'kube-system' });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    const ac = new AbortController();
    factory.start(ac.signal);
    expect(await factory.waitForCacheSync(AbortSignal.timeout(2000))).toBe(true);
    const d = factory.informerFor({ group: '', version: 'v1', resource: 'nodes', namespaced: false });
    expect(d.started).toBe(true);
    expect(await d.waitForSync(AbortSignal.timeout(2000))).toBe(true);
    expect(api.requests.find((r) => r.path === '/api/v1/namespaces/kube-system/pods')).toBeTruthy();
    ac.abort();
  });
});

