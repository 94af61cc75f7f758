import { describe, it, expect } from 'vitest';
import { SchedulingQueue } from './queue.js';
import { fixture, makePod } from './testing.js';
import type { Clock } from '../client/clock.js';

function fakeClock(): Clock & { t: number } {
  const c = { t: 1_000_000, now: () => c.t, setTimeout: () => 0, clearTimeout: () => {} };
  return c;
}

const f = fixture();
const info = (name: string, created = '2026-01-01T00:00:00Z') => f.info(makePod(name, {}, { created }));

describe('SchedulingQueue', () => {
  it('pops by priority, then by creation time', async () => {
    const q = new SchedulingQueue({ clock: fakeClock() });
    q.add(info('late-low', '2026-01-01T00:00:02Z'), 0);
    q.add(info('early-low', '2026-01-01T00:00:01Z'), 0);
    q.add(info('high', '2026-01-01T00:00:03Z'), 100);
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())!.info.pod.metadata.name);
    expect(order).toEqual(['high', 'early-low', 'late-low']);
  });

  it('parks unschedulable pods until a cluster event, honouring the per-pod backoff', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock });
    q.add(info('p'), 0);
    const p = (await q.pop())!;
    q.addUnschedulable(p, q.cycle);
    expect(q.lengths()).toMatchObject({ active: 0, unschedulable: 1 });
    // An event right away: still backing off (1 s after the first failure).
    q.moveAllToActiveOrBackoff();
    expect(q.lengths()).toMatchObject({ backoff: 1, unschedulable: 0 });
    clock.t += 999;
    q.flushBackoffCompleted();
    expect(q.lengths().active).toBe(0);
    clock.t += 1;
    q.flushBackoffCompleted();
    expect(q.lengths().active).toBe(1);
  });

  it('doubles the backoff per attempt up to 10 s', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock });
    q.add(info('p'), 0);
    const waits: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const p = (await q.pop())!;
      q.addBackoff(p);
      let waited = 0;
      while (q.lengths().active === 0) {
        clock.t += 100;
        waited += 100;
        q.flushBackoffCompleted();
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('a move request during the cycle sends the pod to backoff instead of parking it', async () => {
    const q = new SchedulingQueue({ clock: fakeClock() });
    q.add(info('p'), 0);
    const p = (await q.pop())!;
    const cycle = q.cycle;
    q.moveAllToActiveOrBackoff();
    q.addUnschedulable(p, cycle);
    expect(q.lengths()).toMatchObject({ unschedulable: 0, backoff: 1 });
  });

  it('moves only pods rejected by plugins the event concerns', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock });
    q.add(info('p'), 0);
    const p = (await q.pop())!;
    p.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulable(p, q.cycle);
    q.moveAllToActiveOrBackoff(new Set(['NodeResourcesFit']));
    expect(q.lengths().unschedulable).toBe(1);
    q.moveAllToActiveOrBackoff();
    expect(q.lengths().unschedulable).toBe(0);
  });

  it('flushes pods parked for more than five minutes', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock });
    q.add(info('p'), 0);
    q.addUnschedulable((await q.pop())!, q.cycle);
    clock.t += 299_000;
    q.flushUnschedulableLeftover();
    expect(q.lengths().unschedulable).toBe(1);
    clock.t += 1000;
    q.flushUnschedulableLeftover();
    expect(q.lengths()).toMatchObject({ unschedulable: 0, active: 1 });
  });

  it('forgets deleted pods, also while they are being scheduled', async () => {
    const q = new SchedulingQueue({ clock: fakeClock() });
    q.add(info('a'), 0);
    q.add(info('b'), 0);
    q.delete('default/b');
    const a = (await q.pop())!;
    q.delete('default/a');
    q.addUnschedulable(a, q.cycle);
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  });

  it('pop waits for a pod and returns undefined once closed', async () => {
    const q = new SchedulingQueue({ clock: fakeClock() });
    const waiting = q.pop();
    q.add(info('p'), 0);
    expect((await waiting)?.info.key).toBe('default/p');
    const next = q.pop();
    q.close();
    expect(await next).toBeUndefined();
  });
});

describe('SchedulingQueue updates', () => {
  it('a status-only update keeps a parked pod parked; a spec change requeues it', async () => {
    const q = new SchedulingQueue({ clock: fakeClock() });
    q.add(info('p'), 0);
    q.addUnschedulable((await q.pop())!, q.cycle);
    q.update(info('p'), 0, false);
    expect(q.lengths().unschedulable).toBe(1);
    q.update(info('p'), 0, true);
    expect(q.lengths()).toMatchObject({ unschedulable: 0, backoff: 1 });
  });
});
