import { describe, it, expect } from 'vitest';
import { podPhase, podStatus, type ContainerView, type PodView } from './pod-status.js';
import type { PodObject } from './pod-types.js';
import type { ContainerStatus } from '../runtime/types.js';
import { CrashBackoff } from './crash-backoff.js';
import { formatDuration } from './container-slot.js';

const st = (state: ContainerStatus['state'], exitCode?: number): ContainerStatus => ({ id: 'x', name: 'c', attempt: 0, state, createdAt: 1, startedAt: 1, finishedAt: state === 'exited' ? 2 : undefined, exitCode, image: 'i', logPath: '/l' });
const cv = (current?: ContainerStatus, extra: Partial<ContainerView> = {}): ContainerView => ({ name: 'c', image: 'i', imageID: 'i', runtimeName: 'process', current, restartCount: 0, ready: current?.state === 'running', started: current?.state === 'running', ...extra });
const view = (policy: string, containers: ContainerView[], init: ContainerView[] = []): PodView => ({
  pod: { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { restartPolicy: policy, containers: [] } } as unknown as PodObject,
  init, containers, sandboxReady: true, podIPs: ['1.2.3.4'], hostIPs: ['1.2.3.4'], startTime: '2026-01-01T00:00:00Z', now: 0,
});

describe('pod phase as upstream getPhase', () => {
  it('Pending while init runs or a container has not started', () => {
    expect(podPhase(view('Always', [cv()], [cv(st('running'))]))).toBe('Pending');
    expect(podPhase(view('Always', [cv(st('running')), cv()]))).toBe('Pending');
  });
  it('Running with a running container; Running for Always even when all stopped', () => {
    expect(podPhase(view('Always', [cv(st('running'))]))).toBe('Running');
    expect(podPhase(view('Always', [cv(st('exited', 1), { waiting: { reason: 'CrashLoopBackOff' } })]))).toBe('Running');
  });
  it('Succeeded / Failed when all stopped under Never and OnFailure', () => {
    expect(podPhase(view('Never', [cv(st('exited', 0))]))).toBe('Succeeded');
    expect(podPhase(view('Never', [cv(st('exited', 0)), cv(st('exited', 2))]))).toBe('Failed');
    expect(podPhase(view('OnFailure', [cv(st('exited', 0))]))).toBe('Succeeded');
  });
  it('reports unready containers in the Ready condition', () => {
    const s = podStatus(view('Always', [cv(st('running'), { ready: false })])) as any;
    const ready = s.conditions.find((c: any) => c.type === 'Ready');
    expect([ready.status, ready.reason, ready.message]).toEqual(['False', 'ContainersNotReady', 'containers with unready status: [c]']);
    expect(s.podIP).toBe('1.2.3.4');
    expect(s.containerStatuses[0].containerID).toBe('process://x');
  });
});

describe('crash back-off', () => {
  it('restarts at once first, then waits 10s doubling to the cap, and resets after 2×max idle', () => {
    const b = new CrashBackoff();
    expect(b.remaining('k', 0)).toBe(0);
    b.next('k', 0);
    expect(b.remaining('k', 1000)).toBe(9000);
    b.next('k', 10_000);
    expect(b.delay('k')).toBe(20_000);
    for (let i = 0; i < 10; i++) b.next('k', 10_000);
    expect(b.delay('k')).toBe(300_000);
    expect(b.remaining('k', 10_000 + 600_001)).toBe(0);
  });
  it('formats durations as Go does', () => {
    expect(formatDuration(10)).toBe('10s');
    expect(formatDuration(80)).toBe('1m20s');
    expect(formatDuration(300)).toBe('5m0s');
  });
});
