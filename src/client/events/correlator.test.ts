import { describe, it, expect } from 'vitest';
import { EventCorrelator } from './correlator.js';
import type { CoreEvent } from './types.js';
import type { Clock } from '../clock.js';

function fakeClock(start = 1_000_000): Clock & { t: number } {
  const c = { t: start, now: () => c.t, setTimeout: () => 0, clearTimeout: () => {} };
  return c;
}

function ev(name: string, reason = 'R', message = 'm', objName = 'p'): CoreEvent {
  const ts = '2026-01-01T00:00:00Z';
  return {
    apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: objName, uid: 'u1', apiVersion: 'v1' },
    reason, message, source: { component: 'c' }, firstTimestamp: ts, lastTimestamp: ts, count: 1, type: 'Normal',
    eventTime: null, reportingComponent: 'c', reportingInstance: 'c',
  };
}

describe('EventCorrelator', () => {
  it('creates the first event and patches repeats with a growing count', () => {
    const c = new EventCorrelator({ clock: fakeClock() });
    expect(c.correlate(ev('a')).action).toBe('create');
    const r = c.correlate(ev('b'));
    expect(r.action).toBe('patch');
    if (r.action !== 'patch') return;
    expect(r.event.metadata.name).toBe('a');
    expect(r.patch.count).toBe(2);
    expect(c.correlate(ev('c')).action === 'patch' && c.correlate(ev('d'))).toMatchObject({ patch: { count: 4 } });
  });

  it('treats a different message or reason as a new event', () => {
    const c = new EventCorrelator({ clock: fakeClock() });
    expect(c.correlate(ev('a')).action).toBe('create');
    expect(c.correlate(ev('b', 'R', 'other')).action).toBe('create');
    expect(c.correlate(ev('c', 'X')).action).toBe('create');
  });

  it('starts a new event after the dedup window', () => {
    const clock = fakeClock();
    const c = new EventCorrelator({ clock, dedupWindowMs: 1000 });
    c.correlate(ev('a'));
    clock.t += 1500;
    expect(c.correlate(ev('b'))).toMatchObject({ action: 'create', event: { metadata: { name: 'b' } } });
  });

  it('spam-filters per object with a token bucket that refills slowly', () => {
    const clock = fakeClock();
    const c = new EventCorrelator({ clock, burst: 3, qps: 1 });
    for (let i = 0; i < 3; i++) expect(c.correlate(ev(`e${i}`, `R${i}`)).action).toBe('create');
    expect(c.correlate(ev('x', 'R9')).action).toBe('drop');
    // Another object has its own bucket.
    expect(c.correlate(ev('y', 'R9', 'm', 'q')).action).toBe('create');
    clock.t += 1000;
    expect(c.correlate(ev('z', 'R9')).action).toBe('create');
  });
});

describe('EventCorrelator aggregation', () => {
  it('folds the tenth distinct message for one object and reason into a combined event', () => {
    const c = new EventCorrelator({ clock: fakeClock(), burst: 100 });
    for (let i = 0; i < 9; i++) expect(c.correlate(ev(`e${i}`, 'FailedScheduling', `msg ${i}`))).toMatchObject({ action: 'create', event: { message: `msg ${i}` } });
    const tenth = c.correlate(ev('e9', 'FailedScheduling', 'msg 9'));
    expect(tenth).toMatchObject({ action: 'create', event: { message: '(combined from similar events): msg 9', metadata: { name: 'e9' } } });
    const eleventh = c.correlate(ev('e10', 'FailedScheduling', 'msg 10'));
    expect(eleventh).toMatchObject({ action: 'patch', event: { metadata: { name: 'e9' } }, patch: { count: 2, message: '(combined from similar events): msg 10' } });
    // Another reason is counted on its own.
    expect(c.correlate(ev('x', 'Scheduled', 'ok')).action).toBe('create');
  });
});
