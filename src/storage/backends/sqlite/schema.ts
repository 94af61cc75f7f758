// The on-disk layout, kine's idea: one append-only log where the autoincrement id is the revision.
//
//   kv_log      every write is a row: a create, an update, or a delete (a tombstone carrying the
//               last value, so a watch replaying history can emit the DELETE with its prevKv).
//               create_revision is 0 on the row that created the key (read it as the row's id);
//               prev_revision is the row this one supersedes (0 for a create).
//   kv_current  key → id of its live row, maintained in the same transaction as the log insert,
//               so get/count/list-at-head never scan history (kine's GROUP BY MAX(id) over the
//               whole log is what makes it slow as history grows).
//   kv_meta     the compacted revision and how far the compaction has physically progressed.
import type Database from 'better-sqlite3';

export const schemaVersion = 1;

export function applyPragmas(db: Database.Database, opts: { exclusive: boolean }): void {
  // An exclusive lock makes a second server on the same data dir fail loudly ("database is
  // locked") instead of both writing revisions that the other's watchers never see.
  if (opts.exclusive) db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so an acknowledged write survives kill -9 and
  // power loss (NORMAL would only survive a process crash).
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = OFF');
  // After each automatic checkpoint, cut a WAL that a large transaction grew back to 64 MiB, so
  // the file stays bounded even between compactions (which truncate it fully).
  db.pragma('journal_size_limit = 67108864');
  // Keep recently used pages of the log and index in memory (negative = KiB).
  db.pragma('cache_size = -32768');
}

export function createSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS kv_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL,
      deleted INTEGER NOT NULL DEFAULT 0,
      create_revision INTEGER NOT NULL,
      prev_revision INTEGER NOT NULL,
      value BLOB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kv_log_key_id ON kv_log (key, id);
    CREATE TABLE IF NOT EXISTS kv_current (
      key TEXT PRIMARY KEY,
      id INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS kv_meta (
      name TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO kv_meta (name, value) VALUES ('schema_version', ${schemaVersion});
    INSERT OR IGNORE INTO kv_meta (name, value) VALUES ('compact_revision', 0);
    INSERT OR IGNORE INTO kv_meta (name, value) VALUES ('compact_done', 0);
  `);
  const row = db.prepare(`SELECT value FROM kv_meta WHERE name = 'schema_version'`).get() as { value: number };
  if (row.value !== schemaVersion) {
    throw new Error(`store schema version ${row.value} is not supported by this kites (expects ${schemaVersion})`);
  }
}
