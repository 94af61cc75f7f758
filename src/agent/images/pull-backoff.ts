// The image pull back-off of upstream's image manager (flowcontrol.Backoff keyed by
// `<pod uid>_<image>`): after a failed pull the next try waits 10 s, doubling to 5 min; an entry
// not touched for twice the maximum is forgotten (swept after each successful pull).
export class PullBackoff {
  private readonly entries = new Map<string, { delay: number; last: number; reported?: number }>();

  constructor(readonly baseMs = 10_000, readonly maxMs = 300_000) {}

  /** True while `key` must not be pulled again (its back-off since the last failure has not run out). */
  inBackoff(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return !!e && now - e.last < e.delay;
  }

  /** Records a failure: the back-off starts (10 s) or doubles. */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    const fresh = !e || now - e.last > 2 * this.maxMs;
    this.entries.set(key, { delay: fresh ? this.baseMs : Math.min(e.delay * 2, this.maxMs), last: now });
  }

  /**
   * Whether a back-off event for `key` is due: the kubelet retries a pod in back-off about every
   * 10 s, while kites' pod worker looks every 2 s; events keep upstream's cadence.
   */
  report(key: string, now: number, everyMs = 10_000): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if (e.reported !== undefined && now - e.reported < everyMs) return false;
    e.reported = now;
    return true;
  }

  delay(key: string): number | undefined {
    return this.entries.get(key)?.delay;
  }

  gc(now: number): void {
    for (const [k, e] of this.entries) if (now - e.last > 2 * this.maxMs) this.entries.delete(k);
  }

  forgetPrefix(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
