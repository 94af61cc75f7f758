import { describe, expect, it } from 'vitest';
import { Compactor } from './compactor.js';

describe('Compactor', () => {
  it('compacts only what is both beyond keepRevisions and older than keepMs', async () => {
    let now = 0;
    let revision = 100;
    let compacted = 0;
    const calls: number[] = [];
    const c = new Compactor({
      currentRevision: () => revision,
      compactedRevision: () => compacted,
      compact: async (rev) => { calls.push(rev); compacted = rev; },
    }, { keepRevisions: 10, keepMs: 1000, now: () => now });
    expect(c.nextTarget()).toBe(0); // nothing is old enough yet
    now = 500; revision = 200;
    await c.tick();
    expect(calls).toEqual([]);
    now = 1000; revision = 300;
    await c.tick(); // the revision seen at t=0 (100) is now 1s old
    expect(calls).toEqual([100]);
    now = 2000; revision = 305;
    await c.tick(); // 300 was seen 1s ago, but only 295 is 10 revisions behind
    expect(calls).toEqual([100, 295]);
    await c.tick();
    expect(calls).toEqual([100, 295]); // nothing new to compact
  });

  it('reports a failed compaction and tries again on the next tick', async () => {
    let fail = true;
    let compacted = 0;
    const c = new Compactor({
      currentRevision: () => 50,
      compactedRevision: () => compacted,
      compact: async (rev) => { if (fail) throw new Error('disk'); compacted = rev; },
    }, { keepRevisions: 10, keepMs: 0, now: () => 0 });
    await c.tick();
    expect(compacted).toBe(0);
    fail = false;
    await c.tick();
    expect(compacted).toBe(40);
    await c.stop();
  });
});
