// Watch part of the store conformance suite (see conformance.ts).
import { describe, expect, it } from 'vitest';
import type { Store, StoreEvent } from '../store.js';
import { dec, describeEvent, enc, record, settle, waitFor } from './helpers.js';

export function runWatchConformance(fresh: () => Promise<Store>): void {
  describe('watch', () => {
    it('streams creates, updates and deletes with prevKv, asynchronously and in order', async () => {
      const s = await fresh();
      const w = record(s, '/w/', await s.currentRevision());
      const r1 = await s.create('/w/a', enc('1'));
      expect(w.events).toEqual([]); // never delivered inside the write call
      const r2 = await s.update('/w/a', enc('2'), r1);
      const d = await s.delete('/w/a', r2);
      const evs = await w.waitEvents(3);
      expect(evs.map(describeEvent)).toEqual([
        `PUT /w/a=1@${r1}(${r1})`,
        `PUT /w/a=2@${r2}(${r1}) prev=1@${r1}(${r1})`,
        `DELETE /w/a=2@${d.revision}(${r1}) prev=2@${r2}(${r1})`,
      ]);
      w.watcher.close();
    });

    it('replays from an older revision, then continues live with no gap and no duplicate', async () => {
      const s = await fresh();
      const r1 = await s.create('/h/a', enc('1'));
      const r2 = await s.update('/h/a', enc('2'), r1);
      await s.create('/h/b', enc('b'));
      await s.delete('/h/b');
      const w = record(s, '/h/', r1);
      // Writes racing with the replay.
      const more: Promise<number>[] = [];
      for (let i = 0; i < 20; i++) more.push(s.create(`/h/n${i}`, enc(String(i))));
      await Promise.all(more);
      const evs = await w.waitEvents(23);
      await settle();
      expect(evs).toHaveLength(23);
      const revs = evs.map((e) => e.kv.modRevision);
      expect(revs[0]).toBe(r2);
      for (let i = 1; i < revs.length; i++) expect(revs[i]).toBeGreaterThan(revs[i - 1]);
      expect(evs.slice(0, 3).map((e) => `${e.type} ${e.kv.key} ${e.prevKv ? dec(e.prevKv.value) : '-'}`))
        .toEqual(['PUT /h/a 1', 'PUT /h/b -', 'DELETE /h/b b']);
      w.watcher.close();
    });

    it('replays a long history in order (beyond any in-memory window)', async () => {
      const s = await fresh();
      let rev = await s.create('/long/k', enc('0'));
      const start = rev;
      for (let i = 1; i <= 100; i++) {
        // Other keys' writes interleave (sharing a commit when the backend groups them).
        const [, next] = await Promise.all([s.create(`/long/other${i}`, enc('x')), s.update('/long/k', enc(String(i)), rev)]);
        rev = next;
      }
      const w = record(s, '/long/k', start);
      const evs = await w.waitEvents(100);
      expect(evs.map((e) => dec(e.kv.value))).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
      expect(evs.every((e, i) => e.prevKv && dec(e.prevKv.value) === String(i))).toBe(true);
      w.watcher.close();
    });

    it('dispatches each watcher only its prefix', async () => {
      const s = await fresh();
      const base = await s.currentRevision();
      const pods = record(s, '/registry/pods/', base);
      const podsNs = record(s, '/registry/pods/ns1/', base);
      const svcs = record(s, '/registry/services/', base);
      const all = record(s, '', base);
      await s.create('/registry/pods/ns1/a', enc('p1'));
      await s.create('/registry/pods/ns2/b', enc('p2'));
      await s.create('/registry/services/ns1/s', enc('s1'));
      await s.create('/registry/podsecurity/x', enc('x'));
      await all.waitEvents(4);
      await settle();
      expect(pods.events.map((e) => e.kv.key)).toEqual(['/registry/pods/ns1/a', '/registry/pods/ns2/b']);
      expect(podsNs.events.map((e) => e.kv.key)).toEqual(['/registry/pods/ns1/a']);
      expect(svcs.events.map((e) => e.kv.key)).toEqual(['/registry/services/ns1/s']);
      for (const w of [pods, podsNs, svcs, all]) w.watcher.close();
    });

    it('stops delivering after close, and a throwing handler ends only its own watch', async () => {
      const s = await fresh();
      const base = await s.currentRevision();
      const closed = record(s, '/x/', base);
      const bad = record(s, '/x/', base, () => { throw new Error('handler broke'); });
      const good = record(s, '/x/', base);
      closed.watcher.close();
      closed.watcher.close();
      await s.create('/x/1', enc('1'));
      await s.create('/x/2', enc('2'));
      await good.waitEvents(2);
      expect(closed.events).toEqual([]);
      expect(closed.errors).toEqual([]);
      expect(bad.events).toHaveLength(1);
      expect(bad.errors.map((e) => e.message)).toEqual(['handler broke']);
      good.watcher.close();
    });

    it('delivers nothing at or below afterRevision, and waits for a future one', async () => {
      const s = await fresh();
      const r1 = await s.create('/f/a', enc('1'));
      const now = record(s, '/f/', r1);
      const future = record(s, '/f/', r1 + 2);
      await s.create('/f/b', enc('2'));
      await s.create('/f/c', enc('3'));
      await s.create('/f/d', enc('4'));
      await now.waitEvents(3);
      await future.waitEvents(1);
      await settle();
      expect(future.events.map((e: StoreEvent) => e.kv.key)).toEqual(['/f/d']);
      now.watcher.close();
      future.watcher.close();
    });

    it('reports progress to a watcher whose prefix saw no event while the revision advanced', async () => {
      const s = await fresh();
      const quiet = record(s, '/quiet/', await s.currentRevision());
      const busy = record(s, '/busy/', await s.currentRevision());
      await s.create('/busy/a', enc('1'));
      const r2 = await s.create('/busy/b', enc('2'));
      await busy.waitEvents(2);
      await waitFor(() => quiet.progress.length > 0, 'a progress notification', 5000);
      expect(quiet.progress[0]).toBe(r2);
      expect(quiet.events).toEqual([]);
      // The busy watcher saw the head revision as an event: nothing to report.
      expect(busy.progress).toEqual([]);
      quiet.watcher.close();
      busy.watcher.close();
    });
  });
}
