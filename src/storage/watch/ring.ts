// A bounded ring of the most recent store events, in revision order. The watch hub replays from
// it so that a watcher a little behind (a reconnecting client, a slow consumer) never touches the
// backend; older history comes from the backend's own log.
import type { StoreEvent } from '../store.js';

export class EventRing {
  private readonly slots: (StoreEvent | undefined)[];
  private head = 0; // index of the oldest event
  private count = 0;
  /** Every event with a revision greater than this is in the ring. */
  private covered: number;

  constructor(readonly capacity: number, startRevision: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<StoreEvent | undefined>(capacity);
    this.covered = startRevision;
  }

  get size(): number { return this.count; }

  /** The ring holds every event after this revision; older ones must come from the backend. */
  get coversAfter(): number { return this.covered; }

  push(ev: StoreEvent): void {
    if (this.count === this.capacity) {
      const oldest = this.slots[this.head] as StoreEvent;
      this.covered = oldest.kv.modRevision;
      this.slots[this.head] = ev;
      this.head = (this.head + 1) % this.capacity;
      return;
    }
    this.slots[(this.head + this.count) % this.capacity] = ev;
    this.count++;
  }

  /** The i-th oldest event (0 ≤ i < size). */
  at(i: number): StoreEvent {
    return this.slots[(this.head + i) % this.capacity] as StoreEvent;
  }

  /** Position of the first event with a revision greater than `revision` (size when none). */
  indexAfter(revision: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).kv.modRevision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
