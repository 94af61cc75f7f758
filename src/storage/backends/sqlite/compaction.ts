// Physical compaction of the log, in small transactions so the event loop (and writers) run in
// between. Logical compaction — the persisted compact_revision that makes old reads fail — has
// already happened when this runs; this only reclaims the rows nobody can read any more, and
// records its progress (compact_done) so a run cut short by a crash resumes on the next open.
//
// Which rows: for every row in the window, the row it superseded (prev_revision), and every
// tombstone in the window. What remains at or below the compacted revision is exactly the latest
// value of each key that was live there — what a list at the compacted revision and the prevKv
// of later events need, as etcd keeps it.
import type Database from 'better-sqlite3';
import type { Statements } from './statements.js';

export interface CompactLogOptions {
  db: Database.Database;
  stmts: Statements;
  /** Revisions per transaction. */
  batch: number;
  /** The compacted revision to reach (re-read between batches: it may move on). */
  target: () => number;
  /** True once the store is closing: stop after the current batch. */
  stopped: () => boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Deletes unreadable history up to target(); returns the revision compaction has reached. */
export async function compactLog(opts: CompactLogOptions): Promise<number> {
  const { db, stmts } = opts;
  let done = stmts.metaGet.get('compact_done')?.value ?? 0;
  const step = db.transaction((from: number, to: number) => {
    stmts.compactSuperseded.run(from, to);
    stmts.compactTombstones.run(from, to);
    stmts.metaSet.run(to, 'compact_done');
  });
  let deletedSomething = false;
  while (done < opts.target() && !opts.stopped()) {
    const to = Math.min(opts.target(), done + opts.batch);
    step(done, to);
    done = to;
    deletedSomething = true;
    await yieldToEventLoop();
  }
  // Give the freed space back to the file system's view of the WAL: without a TRUNCATE
  // checkpoint the -wal file keeps its high-water size forever (a classic kine complaint).
  if (deletedSomething && !opts.stopped()) db.pragma('wal_checkpoint(TRUNCATE)');
  return done;
}
