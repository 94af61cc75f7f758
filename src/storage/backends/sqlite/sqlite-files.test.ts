// What only the SQLite backend promises: state across reopen, physical compaction (rows and WAL
// bounded), a compaction interrupted by a crash resumes, background compaction, one process per file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreCompactedError } from '../../store.js';
import { dec, enc, record, waitFor } from '../../testing/helpers.js';
import { SqliteStore } from './store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-sqlite-files-'));
let n = 0;
const newPath = () => path.join(dir, `f${n++}`, 'state.db');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function rowCount(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM kv_log').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('SqliteStore files', () => {
  it('keeps data, revisions and the compacted revision across reopen; old watches replay from the table', async () => {
    const file = newPath();
    const s1 = new SqliteStore({ path: file, compaction: false });
    const r1 = await s1.create('/a', enc('1'));
    const r2 = await s1.update('/a', enc('2'), r1);
    const r3 = await s1.create('/b', enc('b'));
    await s1.delete('/b', r3);
    await s1.compact(r1);
    await s1.close();

    const s2 = new SqliteStore({ path: file, compaction: false });
    try {
      expect(await s2.currentRevision()).toBe(r3 + 1);
      expect(await s2.compactedRevision()).toBe(r1);
      expect(dec((await s2.get('/a'))!.value)).toBe('2');
      await expect(s2.list('/', { revision: r1 })).rejects.toBeInstanceOf(StoreCompactedError);
      expect((await s2.list('/', { revision: r3 })).items.map((kv) => kv.key)).toEqual(['/a', '/b']);
      const w = record(s2, '/', r1);
      const evs = await w.waitEvents(3);
      expect(evs.map((e) => `${e.type} ${e.kv.key} ${e.prevKv ? dec(e.prevKv.value) : '-'}`)).toEqual(['PUT /a 1', 'PUT /b -', 'DELETE /b b']);
      expect(evs[0].kv.modRevision).toBe(r2);
      w.watcher.close();
      expect(await s2.create('/c', enc('c'))).toBe(r3 + 2);
    } finally {
      await s2.close();
    }
  });

  it('compaction deletes superseded rows and tombstones, and truncates the WAL', async () => {
    const file = newPath();
    const s = new SqliteStore({ path: file, compaction: false, compactBatch: 7 });
    let rev = await s.create('/hot', enc('0'));
    for (let i = 1; i <= 200; i++) rev = await s.update('/hot', enc(String(i)), rev);
    for (let i = 0; i < 50; i++) await s.create(`/gone/${i}`, enc('x'));
    for (let i = 0; i < 50; i++) await s.delete(`/gone/${i}`);
    await s.create('/live', enc('live'));
    const head = await s.currentRevision();
    await s.compact(head);
    expect(fs.statSync(`${file}-wal`).size).toBe(0);
    await s.close();
    expect(rowCount(file)).toBe(2); // the latest /hot and /live
    const again = new SqliteStore({ path: file, compaction: false });
    try {
      expect((await again.list('')).items.map((kv) => `${kv.key}=${dec(kv.value)}`)).toEqual(['/hot=200', '/live=live']);
    } finally {
      await again.close();
    }
  });

  it('resumes a compaction that a crash interrupted', async () => {
    const file = newPath();
    const s1 = new SqliteStore({ path: file, compaction: false, exclusive: false });
    let rev = await s1.create('/k', enc('0'));
    for (let i = 1; i <= 20; i++) rev = await s1.update('/k', enc(String(i)), rev);
    await s1.close();
    // As if the process died right after recording the compacted revision.
    const db = new Database(file);
    db.prepare(`UPDATE kv_meta SET value = ? WHERE name = 'compact_revision'`).run(rev);
    db.close();
    const s2 = new SqliteStore({ path: file, compaction: false });
    expect(await s2.compactedRevision()).toBe(rev);
    await s2.compact(rev); // waits for the resumed run
    await s2.close();
    expect(rowCount(file)).toBe(1);
  });

  it('compacts in the background on its window', async () => {
    const s = new SqliteStore({ path: newPath(), compaction: { keepRevisions: 5, keepMs: 0, intervalMs: 10 } });
    try {
      let rev = await s.create('/k', enc('0'));
      for (let i = 1; i <= 30; i++) rev = await s.update('/k', enc(String(i)), rev);
      let compacted = 0;
      await waitFor(() => compacted >= rev - 5, 'background compaction', 5000, async () => { compacted = await s.compactedRevision(); });
      expect(compacted).toBe(rev - 5);
    } finally {
      await s.close();
    }
  });

  it('lets only one process open the file', async () => {
    const file = newPath();
    const s = new SqliteStore({ path: file, compaction: false });
    try {
      await s.create('/a', enc('a'));
      expect(() => new SqliteStore({ path: file, compaction: false, busyTimeoutMs: 50 })).toThrow(/locked/);
    } finally {
      await s.close();
    }
  });
});
