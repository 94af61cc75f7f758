// Exponential backoff for reconnect loops (upstream wait.Backoff as the reflector uses it:
// 800 ms doubling to a 30 s cap, with jitter so many clients do not reconnect in lockstep).

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Adds up to this fraction of the delay at random. */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitterFactor: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 800;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitterFactor = opts.jitter ?? 0.1;
    this.random = opts.random ?? Math.random;
  }

  /** The next delay; each call grows it until the cap. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * Math.pow(this.factor, this.attempt));
    this.attempt++;
    return Math.round(base + this.random() * this.jitterFactor * base);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
