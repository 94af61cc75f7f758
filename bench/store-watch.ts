// Watch fan-out cost: many watchers on distinct prefixes (as namespaced informers and kubectl
// watches are), a stream of writes, and the time until every watcher has seen its events.
// Run: node bench/store-watch.mjs [watchers] [writes]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../src/storage/backends/sqlite/index.js';

export interface WatchBenchResult { watchers: number; writes: number; writeMs: number; deliveredMs: number; delivered: number }

export async function benchWatch(opts: { watchers?: number; writes?: number; namespaces?: number } = {}): Promise<WatchBenchResult> {
  const watchers = opts.watchers ?? 1000;
  const writes = opts.writes ?? 5000;
  const namespaces = opts.namespaces ?? 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-watch-'));
  const store = new SqliteStore({ path: path.join(dir, 'w.db'), compaction: false });
  try {
    let delivered = 0;
    const expected = (watchers / namespaces) * writes;
    let done!: () => void;
    const all = new Promise<void>((resolve) => { done = resolve; });
    for (let i = 0; i < watchers; i++) {
      store.watch(`/registry/pods/ns${i % namespaces}/`, {
        afterRevision: 0,
        onEvent: () => { if (++delivered === expected) done(); },
      });
    }
    const value = Buffer.alloc(1024, 0x61);
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < writes; i = next++) await store.create(`/registry/pods/ns${i % namespaces}/p${i}`, value);
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const writeMs = performance.now() - t0;
    await Promise.race([all, new Promise((r) => setTimeout(r, 30_000))]);
    return { watchers, writes, writeMs: Math.round(writeMs), deliveredMs: Math.round(performance.now() - t0), delivered };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
