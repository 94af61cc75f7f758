// The one conformance suite every Store backend passes (hono's `runTest({ newRouter })` habit):
// each promise of src/storage/store.ts, checked through the interface only.
import { afterEach, describe, expect, it } from 'vitest';
import {
  StoreClosedError, StoreCompactedError, StoreConflictError, StoreKeyExistsError, StoreNotFoundError, type Store,
} from '../store.js';
import { StoreFutureRevisionError } from '../errors.js';
import { dec, enc, record } from './helpers.js';
import { runWatchConformance } from './conformance-watch.js';

export type NewStore = () => Promise<Store>;

/** Registers the suite; `newStore` must return a fresh, empty store each call. */
export function runStoreConformance(name: string, newStore: NewStore): void {
  describe(`Store conformance: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async () => {
      const s = await newStore();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('creates, gets, and refuses to create an existing key', async () => {
      const s = await fresh();
      expect(await s.currentRevision()).toBe(0);
      expect(await s.get('/a')).toBeUndefined();
      const r1 = await s.create('/a', enc('one'));
      expect(r1).toBeGreaterThan(0);
      const kv = await s.get('/a');
      expect(kv && { ...kv, value: dec(kv.value) }).toEqual({ key: '/a', value: 'one', createRevision: r1, modRevision: r1 });
      await expect(s.create('/a', enc('again'))).rejects.toBeInstanceOf(StoreKeyExistsError);
      expect(await s.currentRevision()).toBe(r1);
    });

    it('gives every write a strictly greater revision, also under concurrency', async () => {
      const s = await fresh();
      const revs = await Promise.all(Array.from({ length: 50 }, (_, i) => s.create(`/k/${i}`, enc(String(i)))));
      expect(new Set(revs).size).toBe(50);
      const r = await s.update('/k/0', enc('x'), revs[0]);
      expect(r).toBeGreaterThan(Math.max(...revs));
      const d = await s.delete('/k/1');
      expect(d.revision).toBeGreaterThan(r);
      expect(await s.currentRevision()).toBe(d.revision);
    });

    it('updates only at the expected revision; conflicts carry the current value', async () => {
      const s = await fresh();
      const r1 = await s.create('/a', enc('v1'));
      const r2 = await s.update('/a', enc('v2'), r1);
      expect(r2).toBeGreaterThan(r1);
      const kv = await s.get('/a');
      expect(kv?.createRevision).toBe(r1);
      expect(kv?.modRevision).toBe(r2);
      const err = await s.update('/a', enc('v3'), r1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreConflictError);
      const conflict = err as StoreConflictError;
      expect(conflict.key).toBe('/a');
      expect(dec(conflict.current.value)).toBe('v2');
      expect(conflict.current.modRevision).toBe(r2);
      await expect(s.update('/missing', enc('x'), 1)).rejects.toBeInstanceOf(StoreNotFoundError);
    });

    it('lets exactly one of several concurrent updates at one revision win', async () => {
      const s = await fresh();
      const r1 = await s.create('/a', enc('v1'));
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => s.update('/a', enc(`w${i}`), r1)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreConflictError);
    });

    it('deletes with and without an expected revision, returning the last value', async () => {
      const s = await fresh();
      const r1 = await s.create('/a', enc('v1'));
      await expect(s.delete('/a', r1 + 100)).rejects.toBeInstanceOf(StoreConflictError);
      const d = await s.delete('/a', r1);
      expect(d.revision).toBeGreaterThan(r1);
      expect(dec(d.prevKv.value)).toBe('v1');
      expect(d.prevKv.modRevision).toBe(r1);
      expect(await s.get('/a')).toBeUndefined();
      await expect(s.delete('/a')).rejects.toBeInstanceOf(StoreNotFoundError);
      await expect(s.update('/a', enc('x'), d.revision)).rejects.toBeInstanceOf(StoreNotFoundError);
      // A new incarnation: its createRevision is its own.
      const r3 = await s.create('/a', enc('v3'));
      expect((await s.get('/a'))?.createRevision).toBe(r3);
      const d2 = await s.delete('/a');
      expect(d2.prevKv.createRevision).toBe(r3);
    });

    it('stores values as opaque bytes', async () => {
      const s = await fresh();
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
      await s.create('/bin/all', all);
      await s.create('/bin/empty', new Uint8Array(0));
      await s.create('/bin/big', big);
      // A view into a larger buffer stores only its own bytes.
      await s.create('/bin/view', new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5));
      expect(Array.from((await s.get('/bin/all'))!.value)).toEqual(Array.from(all));
      expect((await s.get('/bin/empty'))!.value.length).toBe(0);
      expect(Buffer.from((await s.get('/bin/big'))!.value).equals(Buffer.from(big))).toBe(true);
      expect(Array.from((await s.get('/bin/view'))!.value)).toEqual([1, 2, 3]);
      // The store keeps its own copy: mutating the caller's buffer later changes nothing.
      const mutable = enc('keep');
      await s.create('/bin/mut', mutable);
      const mutableBuffer = Buffer.from('keep');
      await s.create('/bin/mutbuf', mutableBuffer);
      mutable[0] = 0x58;
      mutableBuffer[0] = 0x58;
      expect(dec((await s.get('/bin/mut'))!.value)).toBe('keep');
      expect(dec((await s.get('/bin/mutbuf'))!.value)).toBe('keep');
    });

    it('lists a prefix in key order and counts it', async () => {
      const s = await fresh();
      for (const k of ['/r/b', '/r/a', '/r/c', '/rx/a', '/q/z', '/r/a/sub']) await s.create(k, enc(k));
      const res = await s.list('/r/');
      expect(res.items.map((kv) => kv.key)).toEqual(['/r/a', '/r/a/sub', '/r/b', '/r/c']);
      expect(res.items.map((kv) => dec(kv.value))).toEqual(['/r/a', '/r/a/sub', '/r/b', '/r/c']);
      expect(res.revision).toBe(await s.currentRevision());
      expect(res.more).toBe(false);
      expect(await s.count('/r/')).toBe(4);
      expect(await s.count('/r')).toBe(5);
      expect(await s.count('')).toBe(6);
      expect((await s.list('')).items).toHaveLength(6);
      expect((await s.list('/nothing/')).items).toEqual([]);
      await s.delete('/r/b');
      expect((await s.list('/r/')).items.map((kv) => kv.key)).toEqual(['/r/a', '/r/a/sub', '/r/c']);
      expect(await s.count('/r/')).toBe(3);
    });

    it('pages with limit and startKey, consistent at one revision', async () => {
      const s = await fresh();
      for (let i = 0; i < 10; i++) await s.create(`/p/${String(i).padStart(2, '0')}`, enc(String(i)));
      await s.create('/pz', enc('outside'));
      const first = await s.list('/p/', { limit: 4 });
      expect(first.items.map((kv) => dec(kv.value))).toEqual(['0', '1', '2', '3']);
      expect(first.more).toBe(true);
      expect(first.remaining).toBe(6);
      // Changes after the first page must not show in later pages read at the same revision.
      await s.update('/p/05', enc('changed'), (await s.get('/p/05'))!.modRevision);
      await s.delete('/p/06');
      await s.create('/p/055', enc('new'));
      const next = `${first.items[3].key}\u0000`;
      const second = await s.list('/p/', { limit: 4, startKey: next, revision: first.revision });
      expect(second.revision).toBe(first.revision);
      expect(second.items.map((kv) => dec(kv.value))).toEqual(['4', '5', '6', '7']);
      expect(second.remaining).toBe(2);
      const third = await s.list('/p/', { limit: 4, startKey: `${second.items[3].key}\u0000`, revision: first.revision });
      expect(third.items.map((kv) => dec(kv.value))).toEqual(['8', '9']);
      expect(third.more).toBe(false);
      // At the head the changes are there.
      const now = await s.list('/p/', { startKey: '/p/05' });
      expect(now.items.map((kv) => dec(kv.value))).toEqual(['changed', 'new', '7', '8', '9']);
      // A startKey before the prefix is the prefix; one after it lists nothing.
      expect((await s.list('/p/', { startKey: '/a' })).items).toHaveLength(10);
      expect((await s.list('/p/', { startKey: '/q' })).items).toHaveLength(0);
    });

    it('lists at an older revision, with deleted keys back and new ones absent', async () => {
      const s = await fresh();
      const ra = await s.create('/o/a', enc('a1'));
      const rb = await s.create('/o/b', enc('b1'));
      const before = await s.currentRevision();
      await s.update('/o/a', enc('a2'), ra);
      await s.delete('/o/b');
      await s.create('/o/c', enc('c1'));
      const old = await s.list('/o/', { revision: before });
      expect(old.revision).toBe(before);
      expect(old.items.map((kv) => `${kv.key}=${dec(kv.value)}@${kv.modRevision}`)).toEqual([`/o/a=a1@${ra}`, `/o/b=b1@${rb}`]);
      const limited = await s.list('/o/', { revision: before, limit: 1 });
      expect(limited.items.map((kv) => kv.key)).toEqual(['/o/a']);
      expect(limited).toMatchObject({ more: true, remaining: 1 });
      expect((await s.list('/o/')).items.map((kv) => dec(kv.value))).toEqual(['a2', 'c1']);
      await expect(s.list('/o/', { revision: (await s.currentRevision()) + 5 })).rejects.toBeInstanceOf(StoreFutureRevisionError);
    });

    it('compacts history: old reads fail with StoreCompactedError, current state stays', async () => {
      const s = await fresh();
      const r1 = await s.create('/c/a', enc('a1'));
      const r2 = await s.update('/c/a', enc('a2'), r1);
      await s.create('/c/b', enc('b1'));
      await s.delete('/c/b');
      const r5 = await s.create('/c/d', enc('d1'));
      const r6 = await s.update('/c/a', enc('a3'), r2);
      await s.compact(r5);
      expect(await s.compactedRevision()).toBe(r5);
      const err = await s.list('/c/', { revision: r2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreCompactedError);
      expect(err).toMatchObject({ requested: r2, compacted: r5 });
      await expect(s.list('/c/', { revision: r5 })).rejects.toBeInstanceOf(StoreCompactedError);
      expect((await s.list('/c/')).items.map((kv) => `${kv.key}=${dec(kv.value)}`)).toEqual(['/c/a=a3', '/c/d=d1']);
      expect((await s.get('/c/a'))?.createRevision).toBe(r1);
      // A watch from below the compacted revision is gone; from it, the later history is intact.
      const gone = record(s, '/c/', r2);
      expect(await gone.waitError()).toBeInstanceOf(StoreCompactedError);
      expect(gone.events).toEqual([]);
      const kept = record(s, '/c/', r5);
      const [ev] = await kept.waitEvents(1);
      expect(ev.kv.modRevision).toBe(r6);
      expect(ev.prevKv && dec(ev.prevKv.value)).toBe('a2');
      kept.watcher.close();
      // Compacting backwards or again is a no-op; writes go on above.
      await s.compact(r2);
      expect(await s.compactedRevision()).toBe(r5);
      const r7 = await s.create('/c/b', enc('b2'));
      expect(r7).toBeGreaterThan(r6);
      await s.compact(r7);
      expect((await s.list('/c/')).items).toHaveLength(3);
    });

    it('close ends watches with StoreClosedError and refuses further use', async () => {
      const s = await fresh();
      await s.create('/z/a', enc('a'));
      const w = record(s, '/z/', 0);
      await w.waitEvents(1);
      await s.close();
      expect(w.errors).toHaveLength(1);
      expect(w.errors[0]).toBeInstanceOf(StoreClosedError);
      await expect(s.create('/z/b', enc('b'))).rejects.toBeInstanceOf(StoreClosedError);
      await expect(s.get('/z/a')).rejects.toBeInstanceOf(StoreClosedError);
      await expect(s.list('/z/')).rejects.toBeInstanceOf(StoreClosedError);
      const late = record(s, '/z/', 0);
      expect(await late.waitError()).toBeInstanceOf(StoreClosedError);
      await s.close(); // idempotent
    });

    runWatchConformance(fresh);
  });
}
