import { describe, it, expect } from 'vitest';
import { FakeClock } from '../../client/testing/fake-clock.js';
import { computeHash, fnv32a, safeEncodeString, canonicalJson } from './hash.js';
import { ControllerExpectations } from './expectations.js';
import { compareForDeletion, isPodAvailable, podsToDelete } from './pods.js';
import { slowStartBatch } from './slow-start.js';
import { setCondition, newCondition } from './conditions.js';
import { podFromTemplate } from './pod-control.js';
import type { PodObject } from './types.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('pod-template hash', () => {
  it('is FNV-32a rendered with the SafeEncodeString alphabet', () => {
    expect(fnv32a(enc(''))).toBe(0x811c9dc5);
    expect(fnv32a(enc('a'))).toBe(0xe40c292c);
    expect(fnv32a(enc('foobar'))).toBe(0xbf9cf968);
    expect(safeEncodeString('123')).toBe('567');
    expect(safeEncodeString('0')).toBe('4');
  });

  it('is stable over key order and empty values, and changes with the collision count', () => {
    const a = { metadata: { labels: { app: 'x', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const b = { spec: { containers: [{ image: 'i', name: 'c', env: [] }] }, metadata: { annotations: {}, labels: { tier: 'web', app: 'x' } } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(computeHash(a)).toBe(computeHash(b));
    expect(computeHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
    expect(computeHash(a, 1)).not.toBe(computeHash(a, 2));
  });
});

describe('ControllerExpectations', () => {
  it('waits for creations and tracked deletions, and expires', () => {
    const clock = new FakeClock();
    const e = new ControllerExpectations({ clock });
    expect(e.satisfied('ns/a')).toBe(true);
    e.expectCreations('ns/a', 2);
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(true);
    e.expectDeletions('ns/a', ['ns/p1', 'ns/p2']);
    e.deletionObserved('ns/a', 'ns/p1');
    e.deletionObserved('ns/a', 'ns/p1'); // a duplicate event does not count twice
    expect(e.satisfied('ns/a')).toBe(false);
    clock.now = () => Date.UTC(2026, 0, 1) + 5 * 60 * 1000 + 1;
    expect(e.satisfied('ns/a')).toBe(true);
  });
});

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readyAt?: number; restarts?: number; created?: number } = {}): PodObject {
  const created = new Date(o.created ?? Date.UTC(2026, 0, 1)).toISOString();
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1', creationTimestamp: created },
    spec: { containers: [{ name: 'c' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: new Date(o.readyAt ?? Date.UTC(2026, 0, 1)).toISOString() }],
      containerStatuses: [{ name: 'c', image: '', imageID: '', ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

describe('deletion order', () => {
  const now = Date.UTC(2026, 0, 2);
  const order = (pods: PodObject[]) => pods.map((p) => ({ pod: p, rank: 0 })).sort((a, b) => compareForDeletion(a, b, now)).map((r) => r.pod.metadata.name);

  it('prefers unscheduled, pending, not ready, more restarts, then newer pods', () => {
    expect(order([pod('scheduled', { node: 'n' }), pod('unscheduled')])).toEqual(['unscheduled', 'scheduled']);
    expect(order([pod('running', { node: 'n' }), pod('unknown', { node: 'n', phase: 'Unknown' }), pod('pending', { node: 'n', phase: 'Pending' })])).toEqual(['pending', 'unknown', 'running']);
    expect(order([pod('ready', { node: 'n' }), pod('notready', { node: 'n', ready: false })])).toEqual(['notready', 'ready']);
    expect(order([pod('calm', { node: 'n' }), pod('crashy', { node: 'n', restarts: 5 })])).toEqual(['crashy', 'calm']);
    expect(order([pod('old', { node: 'n', ready: false, created: now - 86_400_000 }), pod('new', { node: 'n', ready: false, created: now - 1000 })])).toEqual(['new', 'old']);
    expect(order([pod('long', { node: 'n', readyAt: now - 86_400_000 }), pod('recent', { node: 'n', readyAt: now - 1000 })])).toEqual(['recent', 'long']);
  });

  it('deletes doubled-up pods first', () => {
    const a = pod('a', { node: 'n1' }), b = pod('b', { node: 'n2' }), c = pod('c', { node: 'n2' });
    expect(podsToDelete([a, b, c], [a, b, c], 1, now)[0]!.metadata.name).not.toBe('a');
  });

  it('counts availability after minReadySeconds', () => {
    const p = pod('p', { readyAt: now - 5000 });
    expect(isPodAvailable(p, 0, now)).toBe(true);
    expect(isPodAvailable(p, 5, now)).toBe(true);
    expect(isPodAvailable(p, 6, now)).toBe(false);
    expect(isPodAvailable(pod('q', { ready: false }), 0, now)).toBe(false);
  });
});

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4 … and stops after a failing batch', async () => {
    const sizes: number[] = [];
    let calls = 0;
    const r = await slowStartBatch(10, 1, async (i) => {
      calls++;
      if (i === 3) throw new Error('boom');
    });
    expect(calls).toBe(7);
    expect(r.successes).toBe(6);
    expect(String(r.error)).toContain('boom');
    const ok = await slowStartBatch(10, 1, async () => { sizes.push(1); });
    expect(ok).toEqual({ successes: 10 });
  });
});

describe('conditions', () => {
  it('keeps a condition with the same status and reason, and its transition time on a reason change', () => {
    const c1 = newCondition('Progressing', 'True', 'A', 'm1', 1000);
    const l1 = setCondition([], c1);
    expect(setCondition(l1, newCondition('Progressing', 'True', 'A', 'm2', 5000))[0]).toEqual(c1);
    const l2 = setCondition(l1, newCondition('Progressing', 'True', 'B', 'm2', 5000));
    expect(l2[0]!.lastTransitionTime).toBe(c1.lastTransitionTime);
    expect(l2[0]!.reason).toBe('B');
    const l3 = setCondition(l2, newCondition('Progressing', 'False', 'C', 'm3', 9000));
    expect(l3[0]!.lastTransitionTime).not.toBe(c1.lastTransitionTime);
  });
});

describe('podFromTemplate', () => {
  it('copies labels, annotations, finalizers and spec and sets generateName and the controller ref', () => {
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true, blockOwnerDeletion: true };
    const p = podFromTemplate({ metadata: { labels: { a: 'b' }, annotations: { x: 'y' }, finalizers: ['f'] }, spec: { containers: [{ name: 'c' }] } }, 'rs', ref);
    expect(p.metadata).toEqual({ generateName: 'rs-', labels: { a: 'b' }, annotations: { x: 'y' }, finalizers: ['f'], ownerReferences: [ref] });
    expect(p.spec).toEqual({ containers: [{ name: 'c' }] });
  });
});
