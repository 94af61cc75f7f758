// The scheduling queue (upstream's PriorityQueue): activeQ ordered by priority then creation
// time; backoffQ holding pods that failed until their per-pod backoff (1 s doubling to 10 s)
// expires; unschedulable pods parked until a cluster event might help them (or five minutes
// pass). A move request during a pod's cycle sends that pod to backoff rather than parking it,
// so an event it raced with is not missed.
import type { Clock, TimerHandle } from '../client/clock.js';
import { KeyedHeap } from './heap.js';
import type { PodInfo } from './pod-info.js';

export interface QueuedPodInfo {
  info: PodInfo;
  priority: number;
  /** Creation time (ms): the tie-breaker after priority. */
  timestamp: number;
  attempts: number;
  /** When the last attempt failed (ms); backoff counts from here. */
  lastFailure: number;
  /** Set when the pod is deleted or bound elsewhere while it is being scheduled. */
  gone?: boolean;
  /** Plugins that rejected the pod in its last attempt: which cluster events may help it. */
  unschedulablePlugins: Set<string>;
}

export interface QueueOptions {
  clock: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Parked pods go back to the active queue after this long regardless (upstream 5 minutes). */
  maxUnschedulableMs?: number;
  /** How often to look for parked pods past maxUnschedulableMs (upstream 30 s). */
  unschedulableFlushMs?: number;
  /** How often to move pods whose backoff has expired (upstream 1 s). */
  backoffFlushMs?: number;
}

const key = (q: QueuedPodInfo) => q.info.key;

export class SchedulingQueue {
  private readonly active = new KeyedHeap<QueuedPodInfo>(key, (a, b) => a.priority > b.priority || (a.priority === b.priority && a.timestamp < b.timestamp));
  private readonly backoff = new KeyedHeap<QueuedPodInfo>(key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private waiters: Array<() => void> = [];
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private closed = false;
  private backoffTimer?: TimerHandle;
  private leftoverTimer?: TimerHandle;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;

  constructor(private readonly opts: QueueOptions) {
    this.initialBackoff = opts.initialBackoffMs ?? 1000;
    this.maxBackoff = opts.maxBackoffMs ?? 10_000;
  }

  /** Starts the periodic flushes (backoff every second, leftover parked pods every 30 s). */
  run(): void {
    const tickBackoff = () => {
      if (this.closed) return;
      this.flushBackoffCompleted();
      this.backoffTimer = this.opts.clock.setTimeout(tickBackoff, this.opts.backoffFlushMs ?? 1000);
    };
    const tickLeftover = () => {
      if (this.closed) return;
      this.flushUnschedulableLeftover();
      this.leftoverTimer = this.opts.clock.setTimeout(tickLeftover, this.opts.unschedulableFlushMs ?? 30_000);
    };
    this.backoffTimer = this.opts.clock.setTimeout(tickBackoff, this.opts.backoffFlushMs ?? 1000);
    this.leftoverTimer = this.opts.clock.setTimeout(tickLeftover, this.opts.unschedulableFlushMs ?? 30_000);
  }

  close(): void {
    this.closed = true;
    if (this.backoffTimer !== undefined) this.opts.clock.clearTimeout(this.backoffTimer);
    if (this.leftoverTimer !== undefined) this.opts.clock.clearTimeout(this.leftoverTimer);
    for (const w of this.waiters.splice(0)) w();
  }

  /** A new pending pod. */
  add(info: PodInfo, priority: number): void {
    const k = info.key;
    if (this.inFlight.has(k) || this.active.has(k) || this.backoff.has(k) || this.unschedulable.has(k)) {
      this.update(info, priority);
      return;
    }
    const ts = Date.parse(info.pod.metadata.creationTimestamp ?? '') || this.opts.clock.now();
    this.pushActive({ info, priority, timestamp: ts, attempts: 0, lastFailure: 0, unschedulablePlugins: new Set() });
  }

  /**
   * A pending pod changed: refresh it; a parked pod gets another chance unless `requeue` is false
   * (a status-only change, as upstream's isPodUpdated ignores).
   */
  update(info: PodInfo, priority: number, requeue = true): void {
    const k = info.key;
    if (!requeue) {
      const parked = this.unschedulable.get(k);
      if (parked) {
        parked.info = info;
        parked.priority = priority;
        return;
      }
    }
    const fl = this.inFlight.get(k);
    if (fl) {
      fl.info = info;
      fl.priority = priority;
      return;
    }
    for (const h of [this.active, this.backoff]) {
      const q = h.get(k);
      if (q) {
        h.push({ ...q, info, priority });
        return;
      }
    }
    const u = this.unschedulable.get(k);
    if (u) {
      this.unschedulable.delete(k);
      const q = { ...u, info, priority };
      if (this.isBackingOff(q)) this.backoff.push(q);
      else this.pushActive(q);
      return;
    }
    this.add(info, priority);
  }

  delete(podKey: string): void {
    this.active.delete(podKey);
    this.backoff.delete(podKey);
    this.unschedulable.delete(podKey);
    const fl = this.inFlight.get(podKey);
    if (fl) fl.gone = true;
  }

  /** The next pod to schedule; waits for one. Undefined once closed or `signal` aborts. */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    while (!this.closed && !signal?.aborted) {
      const q = this.active.pop();
      if (q) {
        q.attempts++;
        this.schedulingCycle++;
        this.inFlight.set(q.info.key, q);
        return q;
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    return undefined;
  }

  /** The cycle number of the pod just popped; pass it back to addUnschedulable. */
  get cycle(): number {
    return this.schedulingCycle;
  }

  /** The pod's cycle is over (bound, or handed back with addUnschedulable/addBackoff). */
  done(podKey: string): void {
    this.inFlight.delete(podKey);
  }

  /** After a failed attempt: park the pod, or back it off if a move request raced with its cycle. */
  addUnschedulable(q: QueuedPodInfo, podCycle: number): void {
    this.inFlight.delete(q.info.key);
    if (q.gone) return;
    q.lastFailure = this.opts.clock.now();
    if (this.moveRequestCycle >= podCycle) this.backoff.push(q);
    else this.unschedulable.set(q.info.key, q);
  }

  /** After an error (API failure, bind failure): retry after the pod's backoff. */
  addBackoff(q: QueuedPodInfo): void {
    this.inFlight.delete(q.info.key);
    if (q.gone) return;
    q.lastFailure = this.opts.clock.now();
    this.backoff.push(q);
  }

  /**
   * A cluster event that may make parked pods schedulable (node added/updated, pod deleted …).
   * With `plugins`, only pods rejected by one of them move (upstream's event-to-plugin map).
   */
  moveAllToActiveOrBackoff(plugins?: ReadonlySet<string>): void {
    for (const [k, q] of this.unschedulable) {
      if (plugins && q.unschedulablePlugins.size > 0 && ![...q.unschedulablePlugins].some((p) => plugins.has(p))) continue;
      this.unschedulable.delete(k);
      if (this.isBackingOff(q)) this.backoff.push(q);
      else this.pushActive(q);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  flushBackoffCompleted(): void {
    const now = this.opts.clock.now();
    for (;;) {
      const q = this.backoff.peek();
      if (!q || this.backoffExpiry(q) > now) return;
      this.backoff.pop();
      this.pushActive(q);
    }
  }

  flushUnschedulableLeftover(): void {
    const now = this.opts.clock.now();
    const max = this.opts.maxUnschedulableMs ?? 300_000;
    for (const [k, q] of this.unschedulable) {
      if (now - q.lastFailure < max) continue;
      this.unschedulable.delete(k);
      if (this.isBackingOff(q)) this.backoff.push(q);
      else this.pushActive(q);
    }
  }

  /** Counts per sub-queue, for tests and metrics. */
  lengths(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  private backoffDuration(q: QueuedPodInfo): number {
    let d = this.initialBackoff;
    for (let i = 1; i < q.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoff) return this.maxBackoff;
    }
    return d;
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.lastFailure + this.backoffDuration(q);
  }

  private isBackingOff(q: QueuedPodInfo): boolean {
    return q.attempts > 0 && this.backoffExpiry(q) > this.opts.clock.now();
  }

  private pushActive(q: QueuedPodInfo): void {
    this.active.push(q);
    const w = this.waiters.shift();
    w?.();
  }
}
