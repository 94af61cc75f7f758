// Differential test: the same seeded random history of writes, compactions, lists and watches
// against the SQLite and memory backends must give identical answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ListOptions, Store } from '../../store.js';
import { MemoryStore } from '../memory/index.js';
import { dec, describeEvent, enc, record, waitFor } from '../../testing/helpers.js';
import { SqliteStore } from './store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-diff-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** mulberry32: a tiny deterministic PRNG, so a failure reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An outcome both backends must agree on: a value, or an error class name. */
async function outcome<T>(p: Promise<T>, show: (v: T) => unknown): Promise<unknown> {
  try {
    return show(await p);
  } catch (err) {
    return `error ${(err as Error).name}`;
  }
}

describe('SQLite and memory backends agree', () => {
  // KITES_DIFF_SEEDS=100 explores more histories.
  const seeds = Array.from({ length: Number(process.env.KITES_DIFF_SEEDS ?? 3) }, (_, i) => i + 1);
  for (const seed of seeds) {
    it(`on a random history (seed ${seed})`, async () => {
      const rand = prng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
      const stores: Store[] = [
        new MemoryStore({ watch: { ringSize: 8, batchSize: 4 } }),
        new SqliteStore({ path: path.join(dir, `s${seed}.db`), compaction: false, watch: { ringSize: 8, batchSize: 4 } }),
      ];
      const prefixes = ['/a/', '/b/', '/a/x/', '/', ''];
      const keys = ['/a/1', '/a/2', '/a/x/1', '/a/x/2', '/b/1', '/b/2', '/b/3', '/c'];
      const watches = stores.map(() => [] as ReturnType<typeof record>[]);
      try {
        for (let step = 0; step < 60; step++) {
          // A group of writes issued together (one group commit on SQLite), decided up front.
          const group = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => ({
            op: pick(['create', 'create', 'update', 'update', 'delete']),
            key: pick(keys),
            stale: rand() < 0.2,
            value: enc(`${step}-${Math.floor(rand() * 1000)}`),
          }));
          const results = await Promise.all(stores.map(async (s) => {
            const expected = await Promise.all(group.map(async (w) => (await s.get(w.key))?.modRevision ?? 0));
            return Promise.all(group.map((w, i) => {
              const rev = w.stale ? expected[i] - 1 : expected[i];
              if (w.op === 'create') return outcome(s.create(w.key, w.value), (r) => r);
              if (w.op === 'update') return outcome(s.update(w.key, w.value, rev), (r) => r);
              return outcome(s.delete(w.key, w.stale ? rev : undefined), (r) => `${r.revision} ${dec(r.prevKv.value)}`);
            }));
          }));
          expect(results[1], `writes at step ${step}`).toEqual(results[0]);

          const head = await stores[0].currentRevision();
          expect(await stores[1].currentRevision()).toBe(head);
          if (rand() < 0.1 && head > 10) {
            const to = head - 1 - Math.floor(rand() * 8);
            await Promise.all(stores.map((s) => s.compact(to)));
          }
          const opts: ListOptions = {
            revision: rand() < 0.5 ? Math.floor(rand() * (head + 1)) : undefined,
            limit: rand() < 0.5 ? 1 + Math.floor(rand() * 4) : undefined,
            startKey: rand() < 0.3 ? pick(keys) : undefined,
          };
          const prefix = pick(prefixes);
          const lists = await Promise.all(stores.map((s) => outcome(s.list(prefix, opts), (r) => ({
            ...r, items: r.items.map((kv) => `${kv.key}=${dec(kv.value)}@${kv.modRevision}(${kv.createRevision})`),
          }))));
          expect(lists[1], `list ${prefix} ${JSON.stringify(opts)} at step ${step}`).toEqual(lists[0]);
          expect(await stores[1].count(prefix)).toBe(await stores[0].count(prefix));
          if (rand() < 0.15) {
            const from = Math.floor(rand() * (head + 1));
            const p = pick(prefixes);
            stores.forEach((s, i) => watches[i].push(record(s, p, from)));
          }
        }
        // Sentinel writes mark the end of every prefix's stream.
        const sentinels = await Promise.all(['/a/x/~end', '/b/~end'].map(async (key) => {
          const revs = await Promise.all(stores.map((s) => s.create(key, enc('end'))));
          expect(revs[1]).toBe(revs[0]);
          return { key, revision: revs[0] };
        }));
        for (let i = 0; i < watches[0].length; i++) {
          const pair = [watches[0][i], watches[1][i]];
          await Promise.all(pair.map(async (w) => {
            await waitFor(() => w.errors.length > 0 || sentinels.every((sn) =>
              !sn.key.startsWith(w.prefix) || w.events.some((e) => e.kv.modRevision === sn.revision)), `watch ${i} to finish`);
          }));
          expect(pair[1].errors.map((e) => e.name), `watch ${i} errors`).toEqual(pair[0].errors.map((e) => e.name));
          expect(pair[1].events.map(describeEvent), `watch ${i} events`).toEqual(pair[0].events.map(describeEvent));
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });
  }
});
