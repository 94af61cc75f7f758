// A probe worker per container instance and probe kind, as upstream's prober: first run after
// initialDelaySeconds, then every periodSeconds; the result flips after successThreshold
// consecutive successes or failureThreshold consecutive failures. Initial results as upstream:
// readiness starts failed, liveness succeeded, startup unknown (not started). Liveness and
// readiness wait until the startup probe has succeeded; a succeeded startup probe stops.
import type { Probe } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../client/clock.js';
import type { HandlerResult } from './handlers.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface ProbeWorkerOptions {
  kind: ProbeKind;
  probe: Probe;
  clock: Clock;
  run(timeoutMs: number): Promise<HandlerResult>;
  /** False while the startup probe has not succeeded (liveness and readiness wait). */
  gate?: () => boolean;
  onResult(kind: ProbeKind, result: ProbeResult): void;
  onFailure(kind: ProbeKind, message: string): void;
}

export class ProbeWorker {
  result: ProbeResult;
  private successes = 0;
  private failures = 0;
  private timer?: unknown;
  private stopped = false;

  constructor(private readonly o: ProbeWorkerOptions) {
    this.result = o.kind === 'liveness' ? 'success' : o.kind === 'readiness' ? 'failure' : 'unknown';
  }

  start(): void {
    this.schedule((this.o.probe.initialDelaySeconds ?? 0) * 1000);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const period = (this.o.probe.periodSeconds ?? 10) * 1000;
    if (this.stopped) return;
    if (this.o.gate && !this.o.gate()) {
      this.schedule(Math.min(period, 1000));
      return;
    }
    const r = await this.o.run((this.o.probe.timeoutSeconds ?? 1) * 1000);
    if (this.stopped) return;
    if (r.ok) {
      this.failures = 0;
      this.successes++;
      if (this.result !== 'success' && this.successes >= (this.o.probe.successThreshold ?? 1)) this.set('success');
    } else {
      this.successes = 0;
      this.failures++;
      this.o.onFailure(this.o.kind, r.message);
      if (this.result !== 'failure' && this.failures >= (this.o.probe.failureThreshold ?? 3)) this.set('failure');
    }
    if (this.o.kind === 'startup' && this.result === 'success') return;
    this.schedule(period);
  }

  private set(result: ProbeResult): void {
    this.result = result;
    if (result === 'failure') this.failures = 0;
    this.o.onResult(this.o.kind, result);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
  }
}
