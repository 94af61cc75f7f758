// Restart back-off per container, as upstream's kubelet (flowcontrol.Backoff): the first restart
// is immediate; after that a container waits 10 s, doubling up to 5 min; an entry untouched for
// twice the maximum (10 min — a container that ran that long) starts over.
export interface CrashBackoffOptions { baseMs?: number; maxMs?: number }

export class CrashBackoff {
  private readonly entries = new Map<string, { delay: number; last: number }>();
  readonly baseMs: number;
  readonly maxMs: number;

  constructor(opts: CrashBackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 10_000;
    this.maxMs = opts.maxMs ?? 300_000;
  }

  /** Milliseconds left before `key` may restart (0: now). */
  remaining(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (now - e.last > 2 * this.maxMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.last + e.delay - now);
  }

  /** Records a restart: the next one waits longer. */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    this.entries.set(key, { delay: e ? Math.min(e.delay * 2, this.maxMs) : this.baseMs, last: now });
  }

  /** The current back-off period of `key` (for the CrashLoopBackOff message). */
  delay(key: string): number {
    return this.entries.get(key)?.delay ?? this.baseMs;
  }

  forgetPrefix(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
