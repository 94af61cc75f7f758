import { describe, expect, it } from 'vitest';
import type { PodObject } from '../common/types.js';
import { SliceWriteTracker, TriggerTimeTracker } from './trackers.js';
import type { ServiceObject } from './types.js';

const svc: ServiceObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'd', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' } };
const pod = (name: string, readyAt: string): PodObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'd', uid: name, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
  status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readyAt }] },
});

describe('TriggerTimeTracker', () => {
  it('reports the Service creation first, then the earliest pod change, then nothing', () => {
    const t = new TriggerTimeTracker();
    expect(t.compute('d/s', svc, [pod('a', '2026-01-01T00:00:05Z')])).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(t.compute('d/s', svc, [pod('a', '2026-01-01T00:00:05Z')])).toBeUndefined();
    expect(t.compute('d/s', svc, [pod('a', '2026-01-01T00:00:09Z'), pod('b', '2026-01-01T00:00:07Z')])).toBe(Date.parse('2026-01-01T00:00:07Z'));
  });
});

describe('SliceWriteTracker', () => {
  it('waits until the cache shows our writes and deletions, or the expectation lapses', () => {
    let now = 0;
    const w = new SliceWriteTracker(() => now, 1000);
    w.record('k', [{ name: 'a', resourceVersion: '10' }], ['b']);
    const cache = new Map<string, { resourceVersion: string }>([['a', { resourceVersion: '9' }], ['b', { resourceVersion: '3' }]]);
    expect(w.isCurrent('k', (n) => cache.get(n))).toBe(false);
    cache.set('a', { resourceVersion: '11' });
    expect(w.isCurrent('k', (n) => cache.get(n))).toBe(false);
    cache.delete('b');
    expect(w.isCurrent('k', (n) => cache.get(n))).toBe(true);
    w.record('k', [{ name: 'c', resourceVersion: '20' }], []);
    now = 2000;
    expect(w.isCurrent('k', () => undefined)).toBe(true);
  });
});
