// Group commit: writes issued during one turn of the event loop are applied in a single SQLite
// transaction and share one fsync; each write's Promise settles only after that COMMIT, so an
// acknowledged write is durable exactly as with one transaction per write. Each write is still
// atomic on its own: its checks run before it touches any table, so a conflict rejects just that
// write. If the transaction itself fails (disk full, I/O error), every write of the batch is
// retried in its own transaction so that one bad write cannot fail its neighbours.
import type Database from 'better-sqlite3';
import { StoreConflictError, StoreKeyExistsError, StoreNotFoundError, type StoreEvent } from '../../store.js';

/** One write: runs inside a transaction, returns the event to publish and the caller's result. */
export type WriteApply<T> = () => { event: StoreEvent; result: T };

interface PendingWrite {
  apply: WriteApply<unknown>;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; event: StoreEvent; result: unknown } | { ok: false; err: unknown };

/** The errors a write raises from its own checks, before it has changed anything. */
function isRejection(err: unknown): boolean {
  return err instanceof StoreKeyExistsError || err instanceof StoreNotFoundError || err instanceof StoreConflictError;
}

export class GroupCommitter {
  private queue: PendingWrite[] = [];
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;

  /**
   * `committed` runs after COMMIT for each successful write, in revision order, before any
   * Promise settles (the store advances its revision and publishes the watch event there).
   * With `batch` false, each write commits immediately in its own transaction.
   */
  constructor(private readonly db: Database.Database, private readonly committed: (ev: StoreEvent) => void, private readonly batch: boolean) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  submit<T>(apply: WriteApply<T>): Promise<T> {
    if (!this.batch) {
      const [outcome] = this.runBatch([apply as WriteApply<unknown>]) ?? this.runEach([apply as WriteApply<unknown>]);
      return outcome.ok ? Promise.resolve(outcome.result as T) : Promise.reject(outcome.err);
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ apply, resolve: resolve as (v: unknown) => void, reject });
      if (this.scheduled === undefined) this.scheduled = setImmediate(() => this.flush());
    });
  }

  /** Commits everything queued now (also used by close so no accepted write is dropped). */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const writes = this.queue;
    this.queue = [];
    if (writes.length === 0) return;
    const applies = writes.map((w) => w.apply);
    const outcomes = this.runBatch(applies) ?? this.runEach(applies);
    writes.forEach((w, i) => {
      const o = outcomes[i];
      if (o.ok) w.resolve(o.result);
      else w.reject(o.err);
    });
  }

  /** All writes in one transaction; undefined when the transaction failed as a whole. */
  private runBatch(applies: WriteApply<unknown>[]): Outcome[] | undefined {
    const outcomes: Outcome[] = [];
    try {
      this.begin.run();
      for (const apply of applies) {
        try {
          const { event, result } = apply();
          outcomes.push({ ok: true, event, result });
        } catch (err) {
          if (!isRejection(err)) throw err;
          outcomes.push({ ok: false, err });
        }
      }
      this.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.rollback.run();
      if (applies.length === 1) return [{ ok: false, err }];
      return undefined;
    }
    for (const o of outcomes) if (o.ok) this.committed(o.event);
    return outcomes;
  }

  private runEach(applies: WriteApply<unknown>[]): Outcome[] {
    return applies.map((apply) => (this.runBatch([apply]) as Outcome[])[0]);
  }
}
