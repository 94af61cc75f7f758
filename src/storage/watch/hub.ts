// The watch fan-out of a store. Every write happens in this process, so after each commit the
// backend publishes the event here once; the hub keeps a bounded ring of recent events and
// dispatches to the watchers whose prefix matches. Nothing ever polls per watcher.
//
// Delivery is asynchronous (never inside the write call) and batched: each dispatch round gives a
// watcher at most `batchSize` events, then yields to the event loop, so neither a burst of writes
// nor a watcher replaying a long history blocks writers or other watchers. Each watcher has only
// a cursor (the last revision it has seen); it reads forward from the ring, or from the backend's
// log when it has fallen behind what the ring holds, so there is no per-watcher queue to
// overflow. A watcher that falls behind the compacted revision while reading from the log is
// ended with StoreCompactedError, which makes the client re-list, as Kubernetes does on 410 Gone.
import type { Logger } from '../../api/log.js';
import { StoreClosedError, StoreCompactedError, type StoreEvent, type WatchOptions, type Watcher } from '../store.js';
import { EventRing } from './ring.js';

/** What the hub needs from a backend to replay history older than its ring. */
export interface WatchHistory {
  /** Events under `prefix` with afterRevision < revision ≤ upToRevision, in revision order, at most `limit`. */
  readEvents(prefix: string, afterRevision: number, upToRevision: number, limit: number): StoreEvent[];
  compactedRevision(): number;
}

export interface WatchHubOptions {
  /** The store's revision when the hub starts; events before it are only in the backend. */
  startRevision: number;
  history: WatchHistory;
  /** Recent events kept in memory for replay (default 2048; each holds its value and prevKv). */
  ringSize?: number;
  /** Events given to one watcher per dispatch round before yielding (default 1000). */
  batchSize?: number;
  /**
   * Progress notifications are periodic: every `progressIntervalMs` (default 1000) a watcher that
   * is caught up and has seen the revision advance without an event for it gets onProgress once.
   * The API server turns that into a BOOKMARK, so at most one bookmark per watcher per interval.
   */
  progressIntervalMs?: number;
  log?: Logger;
}

interface WatchState {
  readonly prefix: string;
  readonly opts: WatchOptions;
  /** The newest revision this watcher has been brought past (delivered or skipped as not matching). */
  cursor: number;
  /** The newest revision this watcher was told about, by an event or a progress notification. */
  notified: number;
  active: boolean;
}

export class WatchHub {
  private readonly ring: EventRing;
  private readonly history: WatchHistory;
  private readonly batchSize: number;
  private readonly progressIntervalMs: number;
  private readonly log: Logger | undefined;
  private readonly watchers = new Set<WatchState>();
  private revision: number;
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private progressTimer: ReturnType<typeof setInterval> | undefined;
  private progressWatchers = 0;
  private closed = false;

  constructor(opts: WatchHubOptions) {
    this.revision = opts.startRevision;
    this.ring = new EventRing(opts.ringSize ?? 2048, opts.startRevision);
    this.history = opts.history;
    this.batchSize = opts.batchSize ?? 1000;
    this.progressIntervalMs = opts.progressIntervalMs ?? 1000;
    this.log = opts.log;
  }

  /** Number of open watchers (for metrics and tests). */
  get watcherCount(): number { return this.watchers.size; }

  /** Called by the backend right after a write commits, in revision order. */
  publish(ev: StoreEvent): void {
    if (this.closed) return;
    this.ring.push(ev);
    this.revision = ev.kv.modRevision;
    if (this.watchers.size > 0) this.schedule();
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    const state: WatchState = { prefix, opts, cursor: opts.afterRevision, notified: opts.afterRevision, active: true };
    const watcher: Watcher = { close: () => this.remove(state) };
    // History at or below the compacted revision may be gone: the client must re-list. Judged
    // when the watch is asked for; reported asynchronously like every other outcome (a close()
    // before then silences it).
    const compacted = this.history.compactedRevision();
    const refusal = this.closed ? new StoreClosedError()
      : opts.afterRevision < compacted ? new StoreCompactedError(opts.afterRevision, compacted) : undefined;
    if (refusal) {
      setImmediate(() => this.end(state, refusal));
      return watcher;
    }
    this.watchers.add(state);
    if (opts.onProgress) this.progressWatchers++;
    if (opts.onProgress && this.progressTimer === undefined) {
      this.progressTimer = setInterval(() => this.notifyProgress(), this.progressIntervalMs);
      this.progressTimer.unref();
    }
    this.schedule();
    return watcher;
  }

  /** Ends every watch with `err` (StoreClosedError on close) and stops all timers. */
  close(err: Error = new StoreClosedError()): void {
    if (this.closed) return;
    this.closed = true;
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    if (this.progressTimer !== undefined) clearInterval(this.progressTimer);
    this.scheduled = undefined;
    this.progressTimer = undefined;
    const all = [...this.watchers];
    this.watchers.clear();
    for (const w of all) this.end(w, err);
  }

  private remove(w: WatchState): void {
    w.active = false;
    if (!this.watchers.delete(w)) return;
    if (w.opts.onProgress) this.progressWatchers--;
    if (this.progressTimer !== undefined && this.progressWatchers === 0) {
      clearInterval(this.progressTimer);
      this.progressTimer = undefined;
    }
  }

  private schedule(): void {
    // Also while a round runs (a handler may write): the next round is a separate macrotask.
    if (this.scheduled !== undefined || this.closed) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.dispatch();
    });
  }

  /** One dispatch round: every watcher gets up to batchSize events; another round if any is behind. */
  private dispatch(): void {
    let behind = false;
    for (const w of [...this.watchers]) {
      if (this.closed) return;
      if (!w.active) continue;
      this.advance(w);
      if (w.active && w.cursor < this.revision) behind = true;
    }
    if (behind) this.schedule();
  }

  private advance(w: WatchState): void {
    let budget = this.batchSize;
    while (budget > 0 && w.active && w.cursor < this.revision) {
      const batch: StoreEvent[] = [];
      let scannedTo: number;
      if (w.cursor >= this.ring.coversAfter) {
        let i = this.ring.indexAfter(w.cursor);
        scannedTo = w.cursor;
        for (; i < this.ring.size && batch.length < budget; i++) {
          const ev = this.ring.at(i);
          if (ev.kv.key.startsWith(w.prefix)) batch.push(ev);
          scannedTo = ev.kv.modRevision;
        }
      } else {
        const compacted = this.history.compactedRevision();
        if (w.cursor < compacted) return this.end(w, new StoreCompactedError(w.cursor, compacted));
        const upTo = this.ring.coversAfter;
        const events = this.history.readEvents(w.prefix, w.cursor, upTo, budget);
        batch.push(...events);
        scannedTo = events.length < budget ? upTo : events[events.length - 1].kv.modRevision;
      }
      for (const ev of batch) {
        if (!w.active) return;
        try {
          w.opts.onEvent(ev);
        } catch (err) {
          this.log?.warn('watch event handler failed; ending the watch', { prefix: w.prefix, err: err as Error });
          return this.end(w, err instanceof Error ? err : new Error(String(err)));
        }
        w.notified = ev.kv.modRevision;
      }
      if (!w.active) return;
      if (scannedTo <= w.cursor) return; // nothing newer reachable; the next publish reschedules
      w.cursor = scannedTo;
      budget -= batch.length;
    }
  }

  private notifyProgress(): void {
    for (const w of [...this.watchers]) {
      if (!w.active || !w.opts.onProgress) continue;
      if (w.cursor < this.revision || w.notified >= this.revision) continue;
      w.notified = this.revision;
      try {
        w.opts.onProgress(this.revision);
      } catch (err) {
        this.log?.warn('watch progress handler failed; ending the watch', { prefix: w.prefix, err: err as Error });
        this.end(w, err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private end(w: WatchState, err: Error): void {
    const wasActive = w.active;
    this.remove(w);
    if (wasActive) this.callError(w, err);
  }

  private callError(w: WatchState, err: Error): void {
    try {
      w.opts.onError?.(err);
    } catch (cbErr) {
      this.log?.warn('watch error handler failed', { prefix: w.prefix, err: cbErr as Error });
    }
  }
}
