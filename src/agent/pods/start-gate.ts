// Bounds how many container starts run at once. A start forks the agent (spawn), which blocks
// the event loop for milliseconds; with 100 pods arriving together, unbounded starts advance in
// lockstep and every pod reports Running at the very end. A small gate lets the first pods
// finish (and report) first, as the kubelet's parallel-but-bounded pod workers do.
export class StartGate {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiters.shift();
      // Hand the slot straight to the next waiter, so no newcomer slips in between.
      if (next) next();
      else this.active--;
    }
  }
}
