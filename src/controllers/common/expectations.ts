// Controller expectations (upstream UIDTrackingControllerExpectations): after a controller asks
// for N creations and a set of deletions, it waits until the informer has seen them before it
// counts pods again, so a burst of watch events cannot make it create or delete twice. Records
// expire after five minutes in case an event was lost.
import { realClock, type Clock } from '../../client/clock.js';

export const expectationsTimeoutMs = 5 * 60 * 1000;

interface Record_ {
  add: number;
  /** Keys of dependents whose deletion is awaited. */
  dels: Set<string>;
  at: number;
}

export class ControllerExpectations {
  private readonly records = new Map<string, Record_>();
  private readonly clock: Clock;

  constructor(opts: { clock?: Clock; timeoutMs?: number } = {}) {
    this.clock = opts.clock ?? realClock;
    this.timeoutMs = opts.timeoutMs ?? expectationsTimeoutMs;
  }

  private readonly timeoutMs: number;

  /** True when the controller may act on `key`: nothing pending, nothing recorded, or the record expired. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.dels.size === 0) return true;
    return this.clock.now() - r.at > this.timeoutMs;
  }

  expectCreations(key: string, n: number): void {
    this.records.set(key, { add: n, dels: new Set(), at: this.clock.now() });
  }

  expectDeletions(key: string, dependentKeys: readonly string[]): void {
    this.records.set(key, { add: 0, dels: new Set(dependentKeys), at: this.clock.now() });
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.add--;
  }

  deletionObserved(key: string, dependentKey: string): void {
    this.records.get(key)?.dels.delete(dependentKey);
  }

  delete(key: string): void {
    this.records.delete(key);
  }

  /** Pending creations and deletions (for tests and logs). */
  pending(key: string): { add: number; del: number } | undefined {
    const r = this.records.get(key);
    return r && { add: r.add, del: r.dels.size };
  }
}
