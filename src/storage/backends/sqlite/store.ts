// SqliteStore: the embedded default backend (one file in the data dir), kine's schema idea with
// the lessons of its users: prepared statements, a `kv_current` table so reads at the head never
// scan history, bounded history and WAL (background compaction + checkpoint), and one in-process
// watch fan-out instead of polling the table.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../../api/log.js';
import {
  StoreClosedError, StoreCompactedError, StoreConflictError, StoreKeyExistsError, StoreNotFoundError,
  type KeyValue, type ListOptions, type ListResult, type Store, type StoreEvent, type WatchOptions, type Watcher,
} from '../../store.js';
import { StoreFutureRevisionError } from '../../errors.js';
import { listStart, prefixEnd } from '../../keys.js';
import { WatchHub } from '../../watch/hub.js';
import { Compactor, type CompactorOptions } from '../../compactor.js';
import { applyPragmas, createSchema } from './schema.js';
import { prepareStatements, type EventRow, type KvRow, type RangeStatements, type Statements } from './statements.js';
import { GroupCommitter } from './group-commit.js';
import { compactLog } from './compaction.js';

export interface SqliteStoreOptions {
  /** Database file; its directory is created when missing. ':memory:' works for throwaway stores. */
  path: string;
  log?: Logger;
  /** Share one transaction and fsync among writes issued in the same event-loop turn (default true). */
  groupCommit?: boolean;
  /** Hold an exclusive lock on the file so a second process cannot open it (default true). */
  exclusive?: boolean;
  /** How long opening waits for another process's lock before failing (default 1000 ms). */
  busyTimeoutMs?: number;
  /** Background compaction; `false` disables it (tests, benchmarks). */
  compaction?: CompactorOptions | false;
  /** Revisions per compaction transaction, between which the event loop runs (default 2000). */
  compactBatch?: number;
  /** Watch fan-out tuning; see WatchHubOptions. */
  watch?: { ringSize?: number; batchSize?: number; progressIntervalMs?: number };
}

const emptyBuffer = Buffer.alloc(0);

function toKv(row: KvRow): KeyValue {
  // An empty BLOB may come back as null from some SQLite builds; the store's values are never null.
  return { key: row.key, value: row.value ?? emptyBuffer, createRevision: row.cr === 0 ? row.id : row.cr, modRevision: row.id };
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts: Statements;
  private readonly writer: GroupCommitter;
  private readonly hub: WatchHub;
  private readonly compactor: Compactor | undefined;
  private readonly log: Logger | undefined;
  private readonly compactBatch: number;
  private revision: number;
  private compacted: number;
  private compaction: Promise<number> | undefined;
  private compactDone: number;
  private closed = false;

  constructor(opts: SqliteStoreOptions) {
    this.log = opts.log;
    this.compactBatch = opts.compactBatch ?? 2000;
    if (opts.path !== ':memory:') fs.mkdirSync(path.dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? 1000 });
    try {
      applyPragmas(this.db, { exclusive: opts.exclusive ?? true });
      createSchema(this.db);
      this.stmts = prepareStatements(this.db);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.revision = this.stmts.lastRevision.get()?.seq ?? 0;
    this.compacted = this.meta('compact_revision');
    this.compactDone = this.meta('compact_done');
    this.writer = new GroupCommitter(this.db, (ev) => this.committed(ev), opts.groupCommit ?? true);
    this.hub = new WatchHub({
      startRevision: this.revision,
      history: { readEvents: (p, a, u, l) => this.readEvents(p, a, u, l), compactedRevision: () => this.compacted },
      log: this.log,
      ...opts.watch,
    });
    // A compaction interrupted by a crash resumes where it stopped.
    if (this.compactDone < this.compacted) this.runCompaction().catch(() => undefined);
    if (opts.compaction !== false) {
      this.compactor = new Compactor({
        currentRevision: () => this.revision,
        compactedRevision: () => this.compacted,
        compact: (rev) => this.compact(rev),
      }, { ...opts.compaction, log: this.log });
      this.compactor.start();
    }
  }

  private meta(name: string): number {
    return this.stmts.metaGet.get(name)?.value ?? 0;
  }

  private committed(ev: StoreEvent): void {
    this.revision = ev.kv.modRevision;
    this.hub.publish(ev);
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  create(key: string, value: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    // A private copy in its own ArrayBuffer (Buffer.from would pin a shared 8 KiB pool slab while
    // the event sits in the watch ring): watchers must not see the caller's later mutations.
    const buf = new Uint8Array(value);
    return this.writer.submit(() => {
      if (this.stmts.currentId.get(key)) throw new StoreKeyExistsError(key);
      const id = Number(this.stmts.insert.run(key, 0, 0, 0, buf).lastInsertRowid);
      this.stmts.currentInsert.run(key, id);
      return { event: { type: 'PUT', kv: { key, value: buf, createRevision: id, modRevision: id } }, result: id };
    });
  }

  update(key: string, value: Uint8Array, expectedRevision: number): Promise<number> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    const buf = new Uint8Array(value);
    return this.writer.submit(() => {
      const row = this.stmts.current.get(key);
      if (!row) throw new StoreNotFoundError(key);
      const prevKv = toKv(row);
      if (prevKv.modRevision !== expectedRevision) throw new StoreConflictError(key, prevKv);
      const id = Number(this.stmts.insert.run(key, 0, prevKv.createRevision, prevKv.modRevision, buf).lastInsertRowid);
      this.stmts.currentUpdate.run(id, key);
      const kv = { key, value: buf, createRevision: prevKv.createRevision, modRevision: id };
      return { event: { type: 'PUT', kv, prevKv }, result: id };
    });
  }

  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return this.writer.submit(() => {
      const row = this.stmts.current.get(key);
      if (!row) throw new StoreNotFoundError(key);
      const prevKv = toKv(row);
      if (expectedRevision !== undefined && prevKv.modRevision !== expectedRevision) throw new StoreConflictError(key, prevKv);
      // The tombstone keeps the last value so a replayed DELETE event still carries it.
      const id = Number(this.stmts.insert.run(key, 1, prevKv.createRevision, prevKv.modRevision, prevKv.value).lastInsertRowid);
      this.stmts.currentDelete.run(key);
      const kv = { ...prevKv, modRevision: id };
      return { event: { type: 'DELETE', kv, prevKv }, result: { revision: id, prevKv } };
    });
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const row = this.stmts.current.get(key);
    return row ? toKv(row) : undefined;
  }

  private range(prefix: string): { stmts: RangeStatements; end: string[] } {
    const end = prefixEnd(prefix);
    return end === undefined ? { stmts: this.stmts.unbounded, end: [] } : { stmts: this.stmts.bounded, end: [end] };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const current = this.revision;
    const revision = options.revision || current;
    if (revision > current) throw new StoreFutureRevisionError(revision, current);
    if (options.revision && revision <= this.compacted) throw new StoreCompactedError(revision, this.compacted);
    const limit = options.limit && options.limit > 0 ? options.limit : -1;
    const start = listStart(prefix, options.startKey);
    const { stmts, end } = this.range(prefix);
    const atHead = revision === current;
    // Everything below runs synchronously, so the rows and the count are one consistent snapshot.
    const fetch = limit > 0 ? limit + 1 : -1;
    const rows = atHead ? stmts.headList.all(start, ...end, fetch) : stmts.historyList.all(start, ...end, revision, fetch);
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    const result: ListResult = { items: rows.map(toKv), revision, more };
    if (more) {
      const total = atHead ? stmts.headCount.get(start, ...end) : stmts.historyCount.get(start, ...end, revision);
      result.remaining = (total?.n ?? 0) - rows.length;
    }
    return result;
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    const { stmts, end } = this.range(prefix);
    return stmts.headCount.get(prefix, ...end)?.n ?? 0;
  }

  watch(prefix: string, options: WatchOptions): Watcher {
    return this.hub.watch(prefix, options);
  }

  /** History for watchers older than the hub's ring; synchronous, so it is consistent with the ring. */
  private readEvents(prefix: string, afterRevision: number, upToRevision: number, limit: number): StoreEvent[] {
    const { stmts, end } = this.range(prefix);
    return stmts.events.all(prefix, ...end, afterRevision, upToRevision, limit).map(rowToEvent);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compacted;
  }

  /**
   * Marks everything at or below `revision` compacted (durably, first, so readers fail from now
   * on), then deletes the superseded rows in small transactions and truncates the WAL.
   * A revision past the current one is clamped to it.
   */
  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const target = Math.min(revision, this.revision);
    if (target > this.compacted) {
      this.stmts.metaSet.run(target, 'compact_revision');
      this.compacted = target;
    }
    // A run already under way may have finished its loop just before the target moved: go again.
    while (this.compactDone < this.compacted && !this.closed) await this.runCompaction();
  }

  private runCompaction(): Promise<number> {
    this.compaction ??= compactLog({
      db: this.db,
      stmts: this.stmts,
      batch: this.compactBatch,
      target: () => this.compacted,
      stopped: () => this.closed,
    }).then((done) => {
      this.compactDone = done;
      return done;
    }, (err: unknown) => {
      this.log?.error('store compaction failed', { err: err as Error });
      throw err;
    }).finally(() => { this.compaction = undefined; });
    return this.compaction;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.writer.flush();
    this.closed = true;
    await this.compactor?.stop();
    await this.compaction?.catch(() => undefined);
    this.hub.close(new StoreClosedError());
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}

function rowToEvent(row: EventRow): StoreEvent {
  const kv = toKv(row);
  if (row.deleted) {
    return { type: 'DELETE', kv, prevKv: { ...kv, modRevision: row.pr } };
  }
  if (row.pr === 0) return { type: 'PUT', kv };
  const prevKv: KeyValue = { key: row.key, value: row.pvalue ?? emptyBuffer, createRevision: row.pcr === 0 ? row.pr : (row.pcr ?? kv.createRevision), modRevision: row.pr };
  return { type: 'PUT', kv, prevKv };
}
