// The background compactor a store runs for itself. Like the kube-apiserver's periodic etcd
// compaction, it keeps a window of history so that watchers which reconnect within it resume
// without re-listing, and drops the rest so the log stays bounded.
//
// The window: a revision is compacted once it is BOTH more than `keepRevisions` behind the head
// AND older than `keepMs`. So a quiet cluster keeps its last 10,000 changes however old, and a
// busy one keeps at least 5 minutes of changes (what etcd+apiserver give clients by default).
import type { Logger } from '../api/log.js';

export interface CompactorOptions {
  /** Always keep at least this many recent revisions (default 10,000). */
  keepRevisions?: number;
  /** Always keep at least this much recent history, in ms (default 5 minutes). */
  keepMs?: number;
  /** How often to look, in ms (default 60 s). */
  intervalMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  log?: Logger;
}

export interface CompactionTarget {
  currentRevision(): number;
  compactedRevision(): number;
  compact(revision: number): Promise<void>;
}

interface Sample { at: number; revision: number }

export class Compactor {
  private readonly keepRevisions: number;
  private readonly keepMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly log: Logger | undefined;
  /** (time, revision) observations, oldest first, to find the revision as of `keepMs` ago. */
  private samples: Sample[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly target: CompactionTarget, opts: CompactorOptions = {}) {
    this.keepRevisions = opts.keepRevisions ?? 10_000;
    this.keepMs = opts.keepMs ?? 5 * 60_000;
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.log = opts.log;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.observe();
    this.timer = setInterval(() => { void this.tick(); }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: note the revision, compact up to the window if that moves the compacted revision. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    const revision = this.nextTarget();
    if (revision <= this.target.compactedRevision()) return Promise.resolve();
    this.running = this.target.compact(revision).then(
      () => this.log?.debug('compacted store history', { revision }),
      (err: unknown) => this.log?.warn('store compaction failed; will retry', { revision, err: err as Error }),
    ).finally(() => { this.running = undefined; });
    return this.running;
  }

  /** The revision the window allows compacting to now (0 when nothing may go yet). */
  nextTarget(): number {
    this.observe();
    const byCount = this.target.currentRevision() - this.keepRevisions;
    const cutoff = this.now() - this.keepMs;
    // The newest observation made at or before the cutoff: everything it saw is old enough.
    let byAge = 0;
    let keepFrom = 0;
    for (let i = 0; i < this.samples.length && this.samples[i].at <= cutoff; i++) {
      byAge = this.samples[i].revision;
      keepFrom = i;
    }
    this.samples = this.samples.slice(keepFrom);
    return Math.max(0, Math.min(byCount, byAge));
  }

  private observe(): void {
    this.samples.push({ at: this.now(), revision: this.target.currentRevision() });
  }
}
