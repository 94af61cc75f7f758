import { describe, it, expect } from 'vitest';
import { formatIndexes, parseIndexes, podCompletionIndex } from './indexes.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { planTracking, moveCounted } from './tracking.js';
import type { PodObject } from '../common/types.js';
import type { JobObject } from './types.js';

const pod = (name: string, extra: Partial<PodObject> = {}): PodObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z', finalizers: ['batch.kubernetes.io/job-tracking'], ...(extra.metadata ?? {}) },
  spec: { containers: [{ name: 'main' }] },
  status: extra.status,
} as PodObject);

const job = (spec: Record<string, unknown> = {}, status: object = {}): JobObject => ({
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name: 'j', namespace: 'ns', uid: 'job', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { template: {}, ...spec }, status,
} as JobObject);

describe('completion indexes', () => {
  it('formats and parses ranges', () => {
    expect(formatIndexes([4, 0, 1, 2, 7, 8])).toBe('0-2,4,7,8');
    expect(formatIndexes([1, 2, 3, 4])).toBe('1-4');
    expect(formatIndexes([])).toBe('');
    expect([...parseIndexes('0-2,4,7-8', 8)].sort()).toEqual([0, 1, 2, 4, 7]);
  });
  it('reads the index from the annotation, ignoring out-of-range values', () => {
    const p = pod('a', { metadata: { annotations: { 'batch.kubernetes.io/job-completion-index': '3' } } as unknown as PodObject['metadata'] });
    expect(podCompletionIndex(p, 4)).toBe(3);
    expect(podCompletionIndex(p, 3)).toBeUndefined();
  });
});

describe('pod failure policy', () => {
  const failed = (code: number, conditions: Array<{ type: string; status: string }> = []) => pod('f', {
    status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: code } } }] },
  });
  const policy = { rules: [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    { action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
  ] };
  it('matches exit codes and conditions in rule order', () => {
    expect(matchPodFailurePolicy(policy, failed(1))).toBeUndefined();
    expect(matchPodFailurePolicy(policy, failed(5))).toEqual({ action: 'FailJob', message: 'Container main for pod ns/f failed with exit code 5 matching FailJob rule at index 1' });
    expect(matchPodFailurePolicy(policy, failed(5, [{ type: 'DisruptionTarget', status: 'True' }]))?.action).toBe('Ignore');
  });
});

describe('tracking', () => {
  it('records finished pods once and counts them only after their finalizer is gone', () => {
    const done = pod('s', { status: { phase: 'Succeeded' } });
    const bad = pod('x', { status: { phase: 'Failed' } });
    const j = job();
    const plan = planTracking(j, [done, bad, pod('r', { status: { phase: 'Running' } })], new Set(), new Set());
    expect([...plan.uncountedSucceeded]).toEqual(['uid-s']);
    expect([...plan.uncountedFailed]).toEqual(['uid-x']);
    // Only the success lost its finalizer so far.
    const st = moveCounted(j, {}, plan, new Set(['uid-s']), new Map());
    expect(st).toMatchObject({ succeeded: 1, failed: 0, uncountedTerminatedPods: { failed: ['uid-x'] } });
    // The next sync sees the recorded UID and does not add it again.
    const again = planTracking(job({}, st), [bad], new Set(['uid-s']), new Set());
    expect(again.newFailures).toBe(0);
    expect(moveCounted(j, st, again, new Set(['uid-x']), new Map())).toMatchObject({ succeeded: 1, failed: 1, uncountedTerminatedPods: {} });
  });
  it('does not count pods the controller removed on purpose', () => {
    const gone = pod('q', { metadata: { deletionTimestamp: '2026-01-01T00:00:01Z' } as unknown as PodObject['metadata'] });
    const plan = planTracking(job(), [gone], new Set(), new Set(['uid-q']));
    expect(plan.uncountedFailed.size).toBe(0);
    expect(plan.stripOnly.map((p) => p.metadata.name)).toEqual(['q']);
  });
});
