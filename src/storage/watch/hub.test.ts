import { describe, expect, it } from 'vitest';
import { StoreCompactedError } from '../store.js';
import { MemoryStore } from '../backends/memory/index.js';
import { enc, record, settle, waitFor } from '../testing/helpers.js';
import { EventRing } from './ring.js';
import { PrefixIndex } from './prefix-index.js';

describe('PrefixIndex', () => {
  it('finds every item whose prefix the key starts with', () => {
    const idx = new PrefixIndex<string>();
    idx.add('', 'all');
    idx.add('/registry/pods/', 'pods');
    idx.add('/registry/pods/ns1/', 'ns1');
    idx.add('/registry/pods/ns1/', 'ns1-again');
    idx.add('/registry/pods/ns1/a', 'exact');
    expect(idx.size).toBe(5);
    expect(idx.matches('/registry/pods/ns1/a').sort()).toEqual(['all', 'exact', 'ns1', 'ns1-again', 'pods']);
    expect(idx.matches('/registry/pods/ns2/a').sort()).toEqual(['all', 'pods']);
    expect(idx.matches('/registry/services/x')).toEqual(['all']);
    expect(idx.delete('/registry/pods/ns1/', 'ns1')).toBe(true);
    expect(idx.delete('/registry/pods/ns1/', 'ns1')).toBe(false);
    idx.delete('', 'all');
    expect(idx.matches('/registry/pods/ns1/ab').sort()).toEqual(['exact', 'ns1-again', 'pods']);
    expect(idx.size).toBe(3);
  });
});

describe('EventRing', () => {
  it('keeps the newest events and knows what it covers', () => {
    const ring = new EventRing(3, 10);
    const ev = (rev: number) => ({ type: 'PUT' as const, kv: { key: `/k${rev}`, value: new Uint8Array(), createRevision: rev, modRevision: rev } });
    expect(ring.coversAfter).toBe(10);
    for (const rev of [11, 12, 13, 15]) ring.push(ev(rev));
    expect(ring.size).toBe(3);
    expect(ring.coversAfter).toBe(11);
    expect([0, 1, 2].map((i) => ring.at(i).kv.modRevision)).toEqual([12, 13, 15]);
    expect(ring.indexAfter(11)).toBe(0);
    expect(ring.indexAfter(13)).toBe(2);
    expect(ring.indexAfter(14)).toBe(2);
    expect(ring.indexAfter(15)).toBe(3);
  });
});

describe('WatchHub', () => {
  it('ends a watcher that falls behind a compaction while replaying from the log', async () => {
    const store = new MemoryStore({ watch: { ringSize: 2, batchSize: 1 } });
    for (let i = 1; i <= 10; i++) await store.create(`/k/${i}`, enc(String(i)));
    let compactedOnce = false;
    const w = record(store, '/k/', 0, () => {
      if (!compactedOnce) { compactedOnce = true; void store.compact(5); }
    });
    const err = await w.waitError();
    expect(err).toBeInstanceOf(StoreCompactedError);
    expect(w.events.map((e) => e.kv.modRevision)).toEqual([1]);
    await store.close();
  });

  it('live watchers survive a burst larger than the ring within one turn, via the log', async () => {
    const store = new MemoryStore({ watch: { ringSize: 4, batchSize: 5 } });
    const w = record(store, '/k/', 0);
    const other = record(store, '/other/', 0);
    await settle(); // both are live now
    // MemoryStore publishes synchronously: all 50 land before any dispatch round.
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`/k/${i}`, enc(String(i)))));
    await store.create('/other/x', enc('x'));
    await w.waitEvents(50);
    await other.waitEvents(1);
    await settle();
    expect(w.events.map((e) => e.kv.modRevision)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(other.events.map((e) => e.kv.modRevision)).toEqual([51]);
    await store.close();
  });

  it('a watcher in the ring keeps going across a compaction below it', async () => {
    const store = new MemoryStore({ watch: { ringSize: 100, batchSize: 1 } });
    const w = record(store, '/k/', 0);
    for (let i = 1; i <= 10; i++) await store.create(`/k/${i}`, enc(String(i)));
    await store.compact(8);
    await w.waitEvents(10);
    expect(w.errors).toEqual([]);
    await store.close();
  });

  it('sends at most one progress notification per interval, and none while caught up by events', async () => {
    const store = new MemoryStore({ watch: { progressIntervalMs: 30 } });
    const quiet = record(store, '/quiet/', 0);
    for (let i = 1; i <= 20; i++) await store.create(`/busy/${i}`, enc('x'));
    await waitFor(() => quiet.progress.length > 0, 'progress');
    await new Promise((r) => setTimeout(r, 100));
    expect(quiet.progress).toEqual([20]); // the revision did not move again: no repeat
    await store.create('/busy/21', enc('x'));
    await waitFor(() => quiet.progress.length > 1, 'second progress');
    expect(quiet.progress).toEqual([20, 21]);
    await store.close();
  });

  it('fans one write out to many watchers without per-watcher work on the write path', async () => {
    const store = new MemoryStore();
    const watchers = Array.from({ length: 500 }, (_, i) => record(store, `/ns${i % 50}/`, 0));
    for (let i = 0; i < 50; i++) await store.create(`/ns${i}/obj`, enc('x'));
    await waitFor(() => watchers.every((w) => w.events.length === 1), 'every watcher to see its event');
    await settle();
    expect(watchers.every((w) => w.events.length === 1)).toBe(true);
    await store.close();
  });
});
