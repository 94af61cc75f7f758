import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { runStoreConformance } from '../../testing/conformance.js';
import { SqliteStore } from './store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-sqlite-'));
let n = 0;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

runStoreConformance('sqlite', async () => new SqliteStore({ path: path.join(dir, `c${n++}.db`), compaction: false, watch: { progressIntervalMs: 20 } }));
// One transaction per write, a tiny ring and batches: replay comes from the table, several rounds.
runStoreConformance('sqlite (no group commit, tiny watch ring)', async () => new SqliteStore({
  path: path.join(dir, `c${n++}.db`), compaction: false, groupCommit: false, compactBatch: 2,
  watch: { ringSize: 2, batchSize: 3, progressIntervalMs: 20 },
}));
