import { describe, it, expect } from 'vitest';
import type { DeploymentObject, ReplicaSetObject } from '../common/types.js';
import {
  equalIgnoreHash, maxSurge, maxUnavailable, newRSNewReplicas, proportion, resolveFenceposts, roundHalfAway, scaledValue, setNewReplicaSetAnnotations,
} from './util.js';

function dep(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', annotations: Record<string, string> = {}): DeploymentObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z', annotations },
    spec: { replicas, selector: { matchLabels: { a: 'b' } }, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
  };
}

function rs(replicas: number, annotations: Record<string, string> = {}): ReplicaSetObject {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: 'r', namespace: 'ns', uid: `u${replicas}`, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z', annotations },
    spec: { replicas, selector: {} },
  };
}

describe('surge and unavailability', () => {
  it('round surge up and unavailability down, as upstream', () => {
    expect(scaledValue('25%', 10, true)).toBe(3);
    expect(scaledValue('25%', 10, false)).toBe(2);
    expect(scaledValue(4, 10, true)).toBe(4);
    expect(resolveFenceposts(0, 0, 10)).toEqual({ surge: 0, unavailable: 1 });
    expect(resolveFenceposts('10%', '10%', 5)).toEqual({ surge: 1, unavailable: 0 });
    expect(maxSurge(dep(10))).toBe(3);
    expect(maxUnavailable(dep(10))).toBe(2);
    expect(maxUnavailable(dep(2, 0, 5))).toBe(2);
    expect(maxUnavailable(dep(0))).toBe(0);
    expect(() => scaledValue('abc', 10, true)).toThrow();
  });

  it('grows the new set up to replicas + maxSurge', () => {
    const d = dep(10, 3, 0);
    expect(newRSNewReplicas(d, [rs(10), rs(0)], rs(0))).toBe(3);
    expect(newRSNewReplicas(d, [rs(8), rs(5)], rs(5))).toBe(5);
    expect(newRSNewReplicas(d, [rs(2), rs(9)], rs(9))).toBe(10);
  });
});

describe('proportional scaling', () => {
  it('gives a set its share of the new size, rounding half away from zero', () => {
    expect(roundHalfAway(2.5)).toBe(3);
    expect(roundHalfAway(-2.5)).toBe(-3);
    // 10 replicas + 3 surge → 20 + 5: a set of 5 becomes 5 * 25 / 13 ≈ 9.6 → 10.
    const d = dep(20);
    expect(proportion(rs(5, { 'deployment.kubernetes.io/max-replicas': '13' }), d, 12, 0)).toBe(5);
    expect(proportion(rs(5, { 'deployment.kubernetes.io/max-replicas': '13' }), d, 12, 10)).toBe(2);
    expect(proportion(rs(0), d, 12, 0)).toBe(0);
    expect(proportion(rs(4), dep(0), -4, 0)).toBe(-4);
  });
});

describe('ReplicaSet annotations', () => {
  it('sets the revision, keeps history, copies user annotations but not the skipped ones', () => {
    const d = dep(3, 1, 0, { 'kubernetes.io/change-cause': 'why', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '9' });
    const r = rs(3);
    expect(setNewReplicaSetAnnotations(d, r, 1, false)).toBe(true);
    expect(r.metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'why', 'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(setNewReplicaSetAnnotations(d, r, 1, true)).toBe(false);
    expect(setNewReplicaSetAnnotations(d, r, 4, true)).toBe(true);
    expect(r.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
    expect(r.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    setNewReplicaSetAnnotations(d, r, 6, true);
    expect(r.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1,4');
  });

  it('compares templates without the pod-template-hash label', () => {
    expect(equalIgnoreHash({ metadata: { labels: { a: 'b', 'pod-template-hash': 'x' } } }, { metadata: { labels: { a: 'b' } } })).toBe(true);
    expect(equalIgnoreHash({ metadata: { labels: { 'pod-template-hash': 'x' } } }, {})).toBe(true);
    expect(equalIgnoreHash({ metadata: { labels: { a: 'c' } } }, { metadata: { labels: { a: 'b' } } })).toBe(false);
  });
});
