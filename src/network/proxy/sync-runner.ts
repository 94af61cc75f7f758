// Calls a sync function the way upstream's BoundedFrequencyRunner drives syncProxyRules: changes
// are coalesced (no two syncs start closer than minSyncPeriod), one sync runs at a time, a
// failure is retried after retryPeriod as a full sync (the partial-sync bookkeeping can no longer
// be trusted), and a full sync is also forced periodically.
import type { Logger } from '../../api/log.js';
import { silentLogger } from '../../api/log.js';
import { realClock, type Clock, type TimerHandle } from '../../client/clock.js';

export interface SyncRunnerOptions {
  /** Does the work; `full` asks for a full rewrite. */
  sync(full: boolean): Promise<void>;
  minSyncPeriodMs?: number;
  /** Retry delay after a failed sync (upstream syncPeriod, 30 s there). */
  retryPeriodMs?: number;
  /** Forced full resync period (upstream FullSyncPeriod is an hour). */
  fullSyncPeriodMs?: number;
  clock?: Clock;
  log?: Logger;
}

export class SyncRunner {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly minMs: number;
  private readonly retryMs: number;
  private readonly fullMs: number;
  private timer?: TimerHandle;
  private timerAt = Infinity;
  private fullTimer?: TimerHandle;
  private running?: Promise<void>;
  private dirty = false;
  private needFull = true;
  private lastStart = -Infinity;
  private retryAt = -Infinity;
  private stopped = false;
  private firstSuccess!: () => void;
  /** Resolves after the first successful sync. */
  readonly firstSynced: Promise<void>;

  constructor(private readonly options: SyncRunnerOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.log ?? silentLogger;
    this.minMs = options.minSyncPeriodMs ?? 1000;
    this.retryMs = options.retryPeriodMs ?? 10_000;
    this.fullMs = options.fullSyncPeriodMs ?? 5 * 60_000;
    this.firstSynced = new Promise((r) => (this.firstSuccess = r));
  }

  /** Starts the periodic full sync and runs the first (full) sync at once. */
  start(): void {
    this.armFullTimer();
    this.request();
  }

  /** Asks for a sync: soon, but never sooner than minSyncPeriod after the last one started. */
  request(full = false): void {
    if (this.stopped) return;
    this.dirty = true;
    if (full) this.needFull = true;
    if (this.running) return; // the loop picks it up when the current sync ends
    this.schedule(this.nextDelay());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.fullTimer !== undefined) this.clock.clearTimeout(this.fullTimer);
    await this.running;
  }

  private nextDelay(): number {
    return Math.max(0, Math.max(this.lastStart + this.minMs, this.retryAt) - this.clock.now());
  }

  private armFullTimer(): void {
    this.fullTimer = this.clock.setTimeout(() => {
      this.armFullTimer();
      this.request(true);
    }, this.fullMs);
  }

  private schedule(delay: number): void {
    const at = this.clock.now() + delay;
    if (this.timer !== undefined) {
      if (this.timerAt <= at) return;
      this.clock.clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (this.dirty && !this.stopped) this.schedule(this.nextDelay());
      });
    }, delay);
  }

  private async runOnce(): Promise<void> {
    if (this.stopped || !this.dirty) return;
    this.dirty = false;
    const full = this.needFull;
    this.needFull = false;
    this.lastStart = this.clock.now();
    try {
      await this.options.sync(full);
      this.retryAt = -Infinity;
      this.firstSuccess();
    } catch (err) {
      this.log.error('service proxy sync failed; retrying with a full sync', { err: err as Error, retryMs: this.retryMs });
      this.needFull = true;
      this.dirty = true;
      this.retryAt = this.clock.now() + this.retryMs;
    }
  }
}
