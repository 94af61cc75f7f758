// Every SQL statement of the SQLite store, prepared once when the store opens.
// Range reads come in two shapes, with and without an upper key bound: an empty prefix has no
// upper bound, and `(? IS NULL OR key < ?)` would stop SQLite from using the index range.
import type Database from 'better-sqlite3';

/** A live row as the read statements return it; `cr` is 0 on the row that created the key. */
export interface KvRow {
  key: string;
  id: number;
  cr: number;
  value: Buffer;
}

/** A log row with what a watch event needs: the superseded row's value for updates. */
export interface EventRow extends KvRow {
  deleted: number;
  pr: number;
  pcr: number | null;
  pvalue: Buffer | null;
}

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

export interface RangeStatements {
  headList: Stmt<unknown[], KvRow>;
  headCount: Stmt<unknown[], { n: number }>;
  historyList: Stmt<unknown[], KvRow>;
  historyCount: Stmt<unknown[], { n: number }>;
  events: Stmt<unknown[], EventRow>;
}

export interface Statements {
  current: Stmt<[string], KvRow>;
  currentId: Stmt<[string], { id: number }>;
  insert: Stmt<[string, number, number, number, Uint8Array]>;
  currentInsert: Stmt<[string, number]>;
  currentUpdate: Stmt<[number, string]>;
  currentDelete: Stmt<[string]>;
  /** Ranges with an upper bound: parameters (start, end, …). */
  bounded: RangeStatements;
  /** Ranges to the end of the key space: parameters (start, …). */
  unbounded: RangeStatements;
  compactSuperseded: Stmt<[number, number]>;
  compactTombstones: Stmt<[number, number]>;
  metaGet: Stmt<[string], { value: number }>;
  metaSet: Stmt<[number, string]>;
  lastRevision: Stmt<[], { seq: number }>;
}

function rangeStatements(db: Database.Database, bounded: boolean): RangeStatements {
  const upper = (col: string) => (bounded ? ` AND ${col} < ?` : '');
  const latestAt = `SELECT MAX(id) AS id FROM kv_log WHERE key >= ?${upper('key')} AND id <= ? GROUP BY key`;
  return {
    headList: db.prepare(`SELECT c.key AS key, l.id AS id, l.create_revision AS cr, l.value AS value
      FROM kv_current c JOIN kv_log l ON l.id = c.id
      WHERE c.key >= ?${upper('c.key')} ORDER BY c.key LIMIT ?`),
    headCount: db.prepare(`SELECT COUNT(*) AS n FROM kv_current WHERE key >= ?${upper('key')}`),
    // Walks the (key, id) index in key order and keeps each key's newest row at the revision:
    // no sort, so a page stops after `limit` keys (a GROUP BY would build the whole range first).
    historyList: db.prepare(`SELECT l.key AS key, l.id AS id, l.create_revision AS cr, l.value AS value
      FROM kv_log l
      WHERE l.key >= ?${upper('l.key')} AND l.deleted = 0
        AND l.id = (SELECT MAX(x.id) FROM kv_log x WHERE x.key = l.key AND x.id <= ?)
      ORDER BY l.key LIMIT ?`),
    historyCount: db.prepare(`SELECT COUNT(*) AS n FROM (${latestAt}) m JOIN kv_log l ON l.id = m.id WHERE l.deleted = 0`),
    events: db.prepare(`SELECT l.id AS id, l.key AS key, l.deleted AS deleted, l.create_revision AS cr,
        l.prev_revision AS pr, l.value AS value, p.create_revision AS pcr, p.value AS pvalue
      FROM kv_log l LEFT JOIN kv_log p ON p.id = l.prev_revision AND l.deleted = 0
      WHERE l.key >= ?${upper('l.key')} AND l.id > ? AND l.id <= ? ORDER BY l.id LIMIT ?`),
  };
}

export function prepareStatements(db: Database.Database): Statements {
  return {
    current: db.prepare(`SELECT c.key AS key, l.id AS id, l.create_revision AS cr, l.value AS value
      FROM kv_current c JOIN kv_log l ON l.id = c.id WHERE c.key = ?`),
    currentId: db.prepare(`SELECT id FROM kv_current WHERE key = ?`),
    insert: db.prepare(`INSERT INTO kv_log (key, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?)`),
    currentInsert: db.prepare(`INSERT INTO kv_current (key, id) VALUES (?, ?)`),
    currentUpdate: db.prepare(`UPDATE kv_current SET id = ? WHERE key = ?`),
    currentDelete: db.prepare(`DELETE FROM kv_current WHERE key = ?`),
    bounded: rangeStatements(db, true),
    unbounded: rangeStatements(db, false),
    // A row in the window supersedes its prev_revision row, which is then history nobody can read:
    // every read at or below the compacted revision fails, and reads above it see the newer row.
    compactSuperseded: db.prepare(`DELETE FROM kv_log WHERE id IN
      (SELECT prev_revision FROM kv_log WHERE id > ? AND id <= ? AND prev_revision > 0)`),
    compactTombstones: db.prepare(`DELETE FROM kv_log WHERE id > ? AND id <= ? AND deleted = 1`),
    metaGet: db.prepare(`SELECT value FROM kv_meta WHERE name = ?`),
    metaSet: db.prepare(`UPDATE kv_meta SET value = ? WHERE name = ?`),
    lastRevision: db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kv_log'`),
  };
}
