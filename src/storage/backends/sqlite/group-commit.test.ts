import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreKeyExistsError, type StoreEvent } from '../../store.js';
import { GroupCommitter, type WriteApply } from './group-commit.js';

function setup(batch: boolean) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const committed: number[] = [];
  const gc = new GroupCommitter(db, (ev) => committed.push(ev.kv.modRevision), batch);
  const write = (v: string): WriteApply<number> => () => {
    const id = Number(insert.run(v).lastInsertRowid);
    const event: StoreEvent = { type: 'PUT', kv: { key: v, value: new Uint8Array(), createRevision: id, modRevision: id } };
    return { event, result: id };
  };
  const rows = () => (db.prepare('SELECT v FROM t ORDER BY id').all() as { v: string }[]).map((r) => r.v);
  return { db, gc, write, rows, committed };
}

describe('GroupCommitter', () => {
  it('commits writes of one turn together, in order, and rejects only a write that refused itself', async () => {
    const { gc, write, rows, committed } = setup(true);
    const results = await Promise.allSettled([
      gc.submit(write('a')),
      gc.submit(() => { throw new StoreKeyExistsError('b'); }),
      gc.submit(write('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows()).toEqual(['a', 'c']);
    expect(committed).toEqual([1, 2]);
  });

  it('retries each write alone when the shared transaction fails, so one bad write fails alone', async () => {
    const { gc, write, rows, committed } = setup(true);
    const results = await Promise.allSettled([
      gc.submit(write('a')),
      gc.submit(() => { throw new Error('disk I/O error'); }),
      gc.submit(write('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('disk I/O error');
    expect(rows()).toEqual(['a', 'c']);
    expect(committed).toHaveLength(2);
  });

  it('without batching, commits each write before submit returns', async () => {
    const { gc, write, rows } = setup(false);
    const p = gc.submit(write('a'));
    expect(rows()).toEqual(['a']);
    await expect(p).resolves.toBe(1);
  });
});
