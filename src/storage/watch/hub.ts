// The watch fan-out of a store. Every write happens in this process, so after each commit the
// backend publishes the event here once; the hub keeps a bounded ring of recent events and
// dispatches to the watchers whose prefix matches. Nothing ever polls per watcher.
//
// Delivery is asynchronous (never inside the write call) and batched: a dispatch round hands out
// at most `batchSize` events, then yields to the event loop, so neither a burst of writes nor a
// watcher replaying a long history blocks writers or other watchers.
//
// Watchers are in one of two states. Live ones are caught up: they share one cursor
// (`dispatched`) and sit in a prefix index, so an event costs a few map lookups however many
// watchers there are. Catching-up ones (new, or from an older revision) each have their own
// cursor and read forward from the ring, or from the backend's log when they are behind what the
// ring holds, until they reach `dispatched` and turn live. There is no per-watcher queue to
// overflow: a watcher that falls behind the compacted revision while reading the log is ended
// with StoreCompactedError, which makes the client re-list, as Kubernetes does on 410 Gone.
import type { Logger } from '../../api/log.js';
import { StoreClosedError, StoreCompactedError, type StoreEvent, type WatchOptions, type Watcher } from '../store.js';
import { EventRing } from './ring.js';
import { PrefixIndex } from './prefix-index.js';

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
  /** Events handed out per dispatch round (live), and per catching-up watcher, before yielding (default 1000). */
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
  /** Catching up: the newest revision this watcher has been brought past. Live: see `dispatched`. */
  cursor: number;
  /** The newest revision this watcher was told about, by an event or a progress notification. */
  notified: number;
  live: boolean;
  active: boolean;
}

export class WatchHub {
  private readonly ring: EventRing;
  private readonly history: WatchHistory;
  private readonly batchSize: number;
  private readonly progressIntervalMs: number;
  private readonly log: Logger | undefined;
  private readonly live = new PrefixIndex<WatchState>();
  private readonly catchingUp = new Set<WatchState>();
  /** Newest published revision. */
  private revision: number;
  /** Live watchers have been given every event up to this revision. */
  private dispatched: number;
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private progressTimer: ReturnType<typeof setInterval> | undefined;
  private progressWatchers = 0;
  private closed = false;

  constructor(opts: WatchHubOptions) {
    this.revision = opts.startRevision;
    this.dispatched = opts.startRevision;
    this.ring = new EventRing(opts.ringSize ?? 2048, opts.startRevision);
    this.history = opts.history;
    this.batchSize = opts.batchSize ?? 1000;
    this.progressIntervalMs = opts.progressIntervalMs ?? 1000;
    this.log = opts.log;
  }

  /** Number of open watchers (for metrics and tests). */
  get watcherCount(): number { return this.live.size + this.catchingUp.size; }

  /** Called by the backend right after a write commits, in revision order. */
  publish(ev: StoreEvent): void {
    if (this.closed) return;
    this.ring.push(ev);
    this.revision = ev.kv.modRevision;
    if (this.watcherCount > 0) this.schedule();
    else this.dispatched = this.revision; // nobody to give it to
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    const state: WatchState = { prefix, opts, cursor: opts.afterRevision, notified: opts.afterRevision, live: false, active: true };
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
    this.catchingUp.add(state);
    if (opts.onProgress && this.progressWatchers++ === 0) {
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
    for (const w of [...this.live.values(), ...this.catchingUp]) this.end(w, err);
  }

  private remove(w: WatchState): void {
    w.active = false;
    const removed = w.live ? this.live.delete(w.prefix, w) : this.catchingUp.delete(w);
    if (!removed || !w.opts.onProgress) return;
    if (--this.progressWatchers === 0 && this.progressTimer !== undefined) {
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

  /** One dispatch round; schedules the next one while anything is left to hand out. */
  private dispatch(): void {
    // The ring dropped events the live watchers were not given yet (a burst larger than the
    // ring within one turn): they go back to catching up, from the log.
    if (this.dispatched < this.ring.coversAfter) {
      for (const w of this.live.values()) {
        this.live.delete(w.prefix, w);
        w.live = false;
        w.cursor = this.dispatched;
        this.catchingUp.add(w);
      }
      this.dispatched = this.ring.coversAfter;
    }
    // Live watchers: the next batch of events, each to the watchers whose prefix matches.
    const first = this.ring.indexAfter(this.dispatched);
    const batch: StoreEvent[] = [];
    for (let i = first; i < this.ring.size && batch.length < this.batchSize; i++) batch.push(this.ring.at(i));
    for (const ev of batch) {
      if (this.closed) return;
      if (this.live.size > 0) for (const w of this.live.matches(ev.kv.key)) this.deliver(w, ev);
      this.dispatched = ev.kv.modRevision;
    }
    // Catching-up watchers: each reads forward to `dispatched`, then turns live.
    let behind = this.dispatched < this.revision;
    for (const w of [...this.catchingUp]) {
      if (this.closed) return;
      if (!w.active) continue;
      if (w.cursor < this.dispatched) this.advance(w, this.dispatched);
      if (!w.active) continue;
      if (w.cursor === this.dispatched) {
        this.catchingUp.delete(w);
        w.live = true;
        this.live.add(w.prefix, w);
      } else if (w.cursor < this.dispatched) {
        behind = true;
      }
    }
    if (behind) this.schedule();
  }

  /** Gives a catching-up watcher up to batchSize events after its cursor, up to `limit`. */
  private advance(w: WatchState, limit: number): void {
    let budget = this.batchSize;
    while (budget > 0 && w.active && w.cursor < limit) {
      const batch: StoreEvent[] = [];
      let scannedTo = w.cursor;
      if (w.cursor >= this.ring.coversAfter) {
        for (let i = this.ring.indexAfter(w.cursor); i < this.ring.size && batch.length < budget; i++) {
          const ev = this.ring.at(i);
          if (ev.kv.modRevision > limit) break;
          if (ev.kv.key.startsWith(w.prefix)) batch.push(ev);
          scannedTo = ev.kv.modRevision;
        }
      } else {
        const compacted = this.history.compactedRevision();
        if (w.cursor < compacted) return this.end(w, new StoreCompactedError(w.cursor, compacted));
        const upTo = Math.min(this.ring.coversAfter, limit);
        const events = this.history.readEvents(w.prefix, w.cursor, upTo, budget);
        batch.push(...events);
        scannedTo = events.length < budget ? upTo : events[events.length - 1].kv.modRevision;
      }
      for (const ev of batch) if (!this.deliver(w, ev)) return;
      if (scannedTo <= w.cursor) return; // nothing newer reachable yet; a later round continues
      w.cursor = scannedTo;
      budget -= batch.length;
    }
  }

  /** Hands one event to a watcher; false when the watcher is (or just got) ended. */
  private deliver(w: WatchState, ev: StoreEvent): boolean {
    if (!w.active) return false;
    try {
      w.opts.onEvent(ev);
    } catch (err) {
      this.log?.warn('watch event handler failed; ending the watch', { prefix: w.prefix, err: err as Error });
      this.end(w, err instanceof Error ? err : new Error(String(err)));
      return false;
    }
    w.notified = ev.kv.modRevision;
    return w.active;
  }

  private notifyProgress(): void {
    // Only live watchers are caught up, and only once every published event was handed out.
    if (this.dispatched < this.revision) return;
    for (const w of this.live.values()) {
      if (!w.active || !w.opts.onProgress || w.notified >= this.revision) continue;
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
    if (!wasActive) return;
    try {
      w.opts.onError?.(err);
    } catch (cbErr) {
      this.log?.warn('watch error handler failed', { prefix: w.prefix, err: cbErr as Error });
    }
  }
}
