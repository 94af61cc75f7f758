// How long a failed item waits before its retry. The default controller rate limiter of upstream
// client-go: per-item exponential backoff (5 ms doubling to 1000 s) combined, by taking the longer
// delay, with an overall token bucket (10 qps, burst 100) so a storm of failures cannot melt the API.
import type { Clock } from './clock.js';
import { realClock } from './clock.js';

export interface RateLimiter<T> {
  /** The delay before `item` may be retried; counts as one more failure. */
  when(item: T): number;
  /** Clears the item's failure history (after it succeeded). */
  forget(item: T): void;
  numRequeues(item: T): number;
}

export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private failures = new Map<T, number>();

  constructor(private readonly baseMs = 5, private readonly maxMs = 1000_000) {}

  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const delay = this.baseMs * Math.pow(2, exp);
    return !Number.isFinite(delay) || delay > this.maxMs ? this.maxMs : delay;
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/** A token bucket: `qps` tokens a second up to `burst`; a retry takes a token or waits for one. */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private tokens: number;
  private last: number;

  constructor(private readonly qps = 10, private readonly burst = 100, private readonly clock: Clock = realClock) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_item: T): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    // Like a reservation: the token is taken now even if it only becomes available later.
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(_item: T): void {}

  numRequeues(_item: T): number {
    return 0;
  }
}

/** The longest delay of several limiters. */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }

  when(item: T): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }

  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: T): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

export function defaultControllerRateLimiter<T>(clock: Clock = realClock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(new ItemExponentialFailureRateLimiter<T>(5, 1000_000), new BucketRateLimiter<T>(10, 100, clock));
}
