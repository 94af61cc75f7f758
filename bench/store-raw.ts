// Store write throughput against the floor set by SQLite itself: raw better-sqlite3 INSERTs
// with synchronous=FULL and one transaction (one fsync) per insert, then SqliteStore.create
// sequentially and from 16 concurrent writers, with and without group commit.
// Run: node bench/store-raw.mjs [writes] [valueBytes]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/storage/backends/sqlite/index.js';

export interface BenchFigure { name: string; ops: number; ms: number; perSecond: number }

export interface BenchStoreOptions {
  writes?: number;
  valueBytes?: number;
  concurrency?: number;
  /** Each figure is the median of this many interleaved rounds: the disk's fsync time drifts. */
  rounds?: number;
  dir?: string;
}

function figure(name: string, ops: number, ms: number): BenchFigure {
  return { name, ops, ms: Math.round(ms), perSecond: Math.round((ops / ms) * 1000) };
}

function rawInserts(file: string, writes: number, value: Buffer): BenchFigure {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO t (key, value) VALUES (?, ?)');
  const t0 = performance.now();
  for (let i = 0; i < writes; i++) insert.run(`/bench/${i}`, value);
  const ms = performance.now() - t0;
  db.close();
  return figure('raw better-sqlite3 INSERT (txn+fsync each)', writes, ms);
}

async function storeCreates(file: string, writes: number, value: Uint8Array, concurrency: number, groupCommit: boolean): Promise<BenchFigure> {
  const store = new SqliteStore({ path: file, compaction: false, groupCommit });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < writes; i = next++) await store.create(`/bench/${i}`, value);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  await store.close();
  const mode = groupCommit ? 'group commit' : 'txn per write';
  return figure(`SqliteStore.create ${concurrency === 1 ? 'sequential' : `${concurrency} concurrent`} (${mode})`, writes, ms);
}

export async function benchStore(opts: BenchStoreOptions = {}): Promise<BenchFigure[]> {
  const writes = opts.writes ?? 3000;
  const value = Buffer.alloc(opts.valueBytes ?? 1024, 0x61);
  const concurrency = opts.concurrency ?? 16;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-'));
  let n = 0;
  const file = () => path.join(dir, `b${n++}.db`);
  const runs: (() => Promise<BenchFigure>)[] = [
    async () => rawInserts(file(), writes, value),
    () => storeCreates(file(), writes, value, 1, false),
    () => storeCreates(file(), writes, value, 1, true),
    () => storeCreates(file(), writes, value, concurrency, false),
    () => storeCreates(file(), writes, value, concurrency, true),
  ];
  try {
    const results: BenchFigure[][] = runs.map(() => []);
    for (let round = 0; round < (opts.rounds ?? 3); round++) {
      for (let i = 0; i < runs.length; i++) results[i].push(await runs[i]());
    }
    return results.map((rs) => rs.sort((a, b) => a.perSecond - b.perSecond)[rs.length >> 1]);
  } finally {
    if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFigures(figures: BenchFigure[]): string {
  const width = Math.max(...figures.map((f) => f.name.length));
  return figures.map((f) => `${f.name.padEnd(width)}  ${String(f.perSecond).padStart(7)} writes/s  (${f.ops} in ${f.ms} ms)`).join('\n');
}
