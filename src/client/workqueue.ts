// The controller work queue, with upstream client-go's guarantees: an item added many times
// before it is processed is processed once ("dirty" set); an item is never handed to two workers
// at once ("processing" set) — if it is added while being processed it is queued again when the
// worker calls done(). Delayed adds and rate-limited retries sit on top.
import { realClock, type Clock, type TimerHandle } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions<T> {
  clock?: Clock;
  rateLimiter?: RateLimiter<T>;
  name?: string;
}

export class WorkQueue<T = string> {
  private queue: T[] = [];
  private dirty = new Set<T>();
  private processing = new Set<T>();
  private waiters: Array<(item: T | undefined) => void> = [];
  private waiting = new Map<T, { readyAt: number; timer: TimerHandle }>();
  private shutdown = false;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<T>;
  readonly name: string;

  constructor(opts: WorkQueueOptions<T> = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(this.clock);
    this.name = opts.name ?? 'queue';
  }

  /** Marks an item as needing processing. */
  add(item: T): void {
    if (this.shutdown || this.dirty.has(item)) return;
    this.dirty.add(item);
    // Being processed: it goes back on the queue when the worker is done with it.
    if (this.processing.has(item)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(item);
      this.processing.add(item);
      waiter(item);
    } else {
      this.queue.push(item);
    }
  }

  /**
   * The next item to process, waiting until one is ready. Resolves `undefined` once the queue
   * is shut down (the worker should then return). The caller must call done(item) afterwards.
   */
  get(): Promise<T | undefined> {
    if (this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.dirty.delete(item);
      this.processing.add(item);
      return Promise.resolve(item);
    }
    if (this.shutdown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends processing of an item; re-queues it if it was added meanwhile. */
  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.dirty.delete(item);
      this.add(item);
    }
  }

  /** Items waiting to be processed (not counting delayed ones or those being processed). */
  get len(): number {
    return this.queue.length;
  }

  /** Items handed to workers and not yet done. */
  get processingCount(): number {
    return this.processing.size;
  }

  shuttingDown(): boolean {
    return this.shutdown;
  }

  /** Stops accepting items and wakes every waiting worker with `undefined`. */
  shutDown(): void {
    this.shutdown = true;
    for (const w of this.waiting.values()) this.clock.clearTimeout(w.timer);
    this.waiting.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** Adds the item after `ms`; an earlier pending add of the same item wins. */
  addAfter(item: T, ms: number): void {
    if (this.shutdown) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing) {
      if (existing.readyAt <= readyAt) return;
      this.clock.clearTimeout(existing.timer);
    }
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, ms);
    this.waiting.set(item, { readyAt, timer });
  }

  /** Adds the item after the rate limiter's delay for it (a retry after failure). */
  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Forgets the item's failures: call after it was processed successfully. */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }
}
