import { describe, it, expect } from 'vitest';
import { WorkQueue } from './workqueue.js';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, defaultControllerRateLimiter } from './rate-limiter.js';
import { runWorkers } from './controller.js';
import { FakeClock, settle } from './testing/fake-clock.js';

describe('WorkQueue', () => {
  it('collapses duplicates and hands items out in order', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    q.add('a'); q.add('b'); q.add('a');
    expect(q.len).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len).toBe(0);
  });

  it('never hands one item to two workers; re-queues it after done if added meanwhile', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    q.add('a');
    const item = await q.get();
    q.add('a');
    expect(q.len).toBe(0); // held back while processing
    let second: string | undefined;
    void q.get().then((x) => { second = x; });
    await settle();
    expect(second).toBeUndefined();
    q.done(item!);
    await settle();
    expect(second).toBe('a');
  });

  it('wakes a waiting get on add and resolves undefined on shutdown', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    const p1 = q.get();
    q.add('x');
    expect(await p1).toBe('x');
    const p2 = q.get();
    q.shutDown();
    expect(await p2).toBeUndefined();
    q.add('y');
    expect(q.len).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it('delays addAfter on the clock, keeping the earliest of duplicate delays', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 500);
    q.addAfter('a', 2000);
    await clock.advance(499);
    expect(q.len).toBe(0);
    await clock.advance(1);
    expect(q.len).toBe(1);
    await q.get(); q.done('a');
    await clock.advance(5000);
    expect(q.len).toBe(0);
  });

  it('backs off rate-limited items exponentially and forgets them', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    q.addRateLimited('a'); // 5 ms
    expect(q.numRequeues('a')).toBe(1);
    await clock.advance(4);
    expect(q.len).toBe(0);
    await clock.advance(1);
    expect(q.len).toBe(1);
    await q.get(); q.done('a');
    q.addRateLimited('a'); // 10 ms
    await clock.advance(9);
    expect(q.len).toBe(0);
    await clock.advance(1);
    expect(q.len).toBe(1);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });
});

describe('rate limiters', () => {
  it('caps the per-item backoff at 1000 s', () => {
    const r = new ItemExponentialFailureRateLimiter<string>(5, 1000_000);
    const delays = Array.from({ length: 30 }, () => r.when('x'));
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(delays[29]).toBe(1000_000);
  });

  it('token bucket allows a burst of 100 then 10 per second', () => {
    const clock = new FakeClock();
    const b = new BucketRateLimiter<string>(10, 100, clock);
    for (let i = 0; i < 100; i++) expect(b.when(`i${i}`)).toBe(0);
    expect(b.when('late')).toBe(100);
    expect(b.when('later')).toBe(200);
  });

  it('default limiter takes the longer of the two', () => {
    const clock = new FakeClock();
    const r = defaultControllerRateLimiter<string>(clock);
    expect(r.when('a')).toBe(5);
    expect(r.when('a')).toBe(10);
    expect(r.numRequeues('a')).toBe(2);
  });
});

describe('runWorkers', () => {
  it('reconciles keys, retries failures with backoff, forgets on success, stops on abort', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock, name: 'test' });
    const ac = new AbortController();
    const calls: string[] = [];
    let failures = 2;
    let concurrent = 0, maxConcurrent = 0;
    const done = runWorkers(q, 3, async (key) => {
      concurrent++; maxConcurrent = Math.max(maxConcurrent, concurrent);
      calls.push(key);
      await settle(1);
      concurrent--;
      if (key === 'bad' && failures-- > 0) throw new Error('boom');
    }, ac.signal);
    q.add('good'); q.add('bad');
    await settle();
    expect(calls.sort()).toEqual(['bad', 'good']);
    expect(q.numRequeues('bad')).toBe(1);
    await clock.advance(5);
    expect(calls.filter((c) => c === 'bad')).toHaveLength(2);
    await clock.advance(10);
    expect(calls.filter((c) => c === 'bad')).toHaveLength(3);
    expect(q.numRequeues('bad')).toBe(0);
    expect(maxConcurrent).toBeLessThanOrEqual(2);
    ac.abort();
    await done;
    expect(q.shuttingDown()).toBe(true);
  });

  it('honours requeueAfterMs', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    const ac = new AbortController();
    let n = 0;
    const done = runWorkers(q, 1, async () => { n++; return n === 1 ? { requeueAfterMs: 1000 } : undefined; }, ac.signal);
    q.add('k');
    await settle();
    expect(n).toBe(1);
    await clock.advance(1000);
    expect(n).toBe(2);
    ac.abort();
    await done;
  });
});
