import { describe, it, expect } from 'vitest';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { ProbeWorker, type ProbeKind, type ProbeResult } from './probes.js';

function worker(kind: ProbeKind, probe: Record<string, number>, outcomes: boolean[], gate?: () => boolean) {
  const clock = new FakeClock();
  const results: ProbeResult[] = [];
  const failures: string[] = [];
  let i = 0;
  const w = new ProbeWorker({
    kind, probe, clock, gate,
    run: async () => ({ ok: outcomes[Math.min(i++, outcomes.length - 1)]!, message: 'nope' }),
    onResult: (_k, r) => results.push(r),
    onFailure: (_k, m) => failures.push(m),
  });
  return { w, clock, results, failures, calls: () => i };
}

async function step(clock: FakeClock, ms: number) {
  await clock.advance(ms);
  await settle();
}

describe('probe worker', () => {
  it('waits initialDelaySeconds, then flips after failureThreshold consecutive failures', async () => {
    const { w, clock, results, failures, calls } = worker('liveness', { initialDelaySeconds: 5, periodSeconds: 1, failureThreshold: 3 }, [false]);
    expect(w.result).toBe('success');
    w.start();
    await step(clock, 4000);
    expect(calls()).toBe(0);
    await step(clock, 1000);
    await step(clock, 1000);
    expect(results).toEqual([]);
    await step(clock, 1000);
    expect(results).toEqual(['failure']);
    expect(failures).toHaveLength(3);
    w.stop();
  });

  it('readiness starts failed and needs successThreshold successes', async () => {
    const { w, clock, results } = worker('readiness', { periodSeconds: 1, successThreshold: 2 }, [true]);
    expect(w.result).toBe('failure');
    w.start();
    await step(clock, 0);
    expect(results).toEqual([]);
    await step(clock, 1000);
    expect(results).toEqual(['success']);
    w.stop();
  });

  it('a gated probe waits; a startup probe stops after success', async () => {
    let open = false;
    const gated = worker('readiness', { periodSeconds: 1 }, [true], () => open);
    gated.w.start();
    await step(gated.clock, 3000);
    expect(gated.calls()).toBe(0);
    open = true;
    await step(gated.clock, 1000);
    expect(gated.results).toEqual(['success']);
    gated.w.stop();
    const startup = worker('startup', { periodSeconds: 1 }, [false, true]);
    startup.w.start();
    await step(startup.clock, 0);
    await step(startup.clock, 1000);
    expect(startup.results).toEqual(['success']);
    await step(startup.clock, 5000);
    expect(startup.calls()).toBe(2);
  });
});
