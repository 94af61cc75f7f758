import { describe, it, expect } from 'vitest';
import { buildTable } from '../index.js';
import { ago, info, meta, now } from '../testing.js';
import type { KubeObject } from '../../../api/types.js';

const s = 1000, m = 60 * s;
const pods = info('', 'v1', 'pods');

function row(pod: KubeObject) {
  return buildTable(pods, [pod], { now }).rows[0];
}

const running = { running: { startedAt: ago(5 * m) } };

describe('pod table', () => {
  it('has the 1.32 columns with wide ones at priority 1', () => {
    const t = buildTable(pods, [], { now });
    expect(t.columnDefinitions.map((c) => `${c.name}:${c.type}:${c.priority}`)).toEqual([
      'Name:string:0', 'Ready:string:0', 'Status:string:0', 'Restarts:string:0', 'Age:string:0',
      'IP:string:1', 'Node:string:1', 'Nominated Node:string:1', 'Readiness Gates:string:1',
    ]);
  });

  it('prints a running pod', () => {
    const pod = {
      metadata: meta('web', 5 * m),
      spec: { nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }], readinessGates: [{ conditionType: 'example.com/gate' }] },
      status: {
        phase: 'Running', podIP: '10.42.0.5', podIPs: [{ ip: '10.42.0.5' }],
        conditions: [{ type: 'Ready', status: 'False' }, { type: 'example.com/gate', status: 'True' }],
        containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: running }, { name: 'b', ready: false, restartCount: 0, state: running }],
      },
    };
    expect(row(pod).cells).toEqual(['web', '1/2', 'Running', '0', '5m', '10.42.0.5', 'n1', '<none>', '1/1']);
    expect(row(pod).conditions).toBeUndefined();
  });

  it('shows CrashLoopBackOff with restarts and when the last one happened', () => {
    const pod = {
      metadata: meta('crash', 10 * m),
      spec: { containers: [{ name: 'a' }] },
      status: {
        phase: 'Running',
        containerStatuses: [{
          name: 'a', ready: false, restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(70 * s) } },
        }],
      },
    };
    expect(row(pod).cells.slice(0, 5)).toEqual(['crash', '0/1', 'CrashLoopBackOff', '5 (70s ago)', '10m']);
    expect(row(pod).cells.slice(5, 7)).toEqual(['<none>', '<none>']);
  });

  it('shows Completed and exit codes, with row conditions for finished pods', () => {
    const done = { metadata: meta('ok', m), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } };
    expect(row(done).cells[2]).toBe('Completed');
    expect(row(done).conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    const bad = { metadata: meta('bad', m), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 3 } } }] } };
    expect(row(bad).cells[2]).toBe('ExitCode:3');
    expect(row(bad).conditions?.[0].reason).toBe('Failed');
    const signalled = { metadata: meta('sig', m), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } }] } };
    expect(row(signalled).cells[2]).toBe('Signal:9');
  });

  it('shows init progress and init failures', () => {
    const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] };
    const progressing = {
      metadata: meta('init', m), spec,
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'i2', state: running }],
        containerStatuses: [{ name: 'a', state: { waiting: { reason: 'PodInitializing' } } }],
      },
    };
    expect(row(progressing).cells.slice(1, 3)).toEqual(['0/1', 'Init:1/2']);
    const failing = {
      metadata: meta('initfail', m), spec,
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    };
    expect(row(failing).cells.slice(2, 4)).toEqual(['Init:CrashLoopBackOff', '2']);
    const errored = { metadata: meta('initerr', m), spec, status: { phase: 'Failed', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 2 } } }] } };
    expect(row(errored).cells[2]).toBe('Init:ExitCode:2');
  });

  it('counts started sidecars as ready containers', () => {
    const pod = {
      metadata: meta('side', m),
      spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'a' }] },
      status: {
        phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: running, lastState: { terminated: { finishedAt: ago(3 * m) } } }],
        containerStatuses: [{ name: 'a', ready: true, state: running }],
      },
    };
    expect(row(pod).cells.slice(1, 4)).toEqual(['2/2', 'Running', '1 (3m ago)']);
  });

  it('shows Terminating, Unknown for lost nodes, and SchedulingGated', () => {
    const base = { spec: { containers: [{ name: 'a' }] } };
    expect(row({ ...base, metadata: meta('t', m, { deletionTimestamp: ago(0) }), status: { phase: 'Running' } }).cells[2]).toBe('Terminating');
    expect(row({ ...base, metadata: meta('t2', m, { deletionTimestamp: ago(0) }), status: { phase: 'Succeeded' } }).cells[2]).toBe('Succeeded');
    expect(row({ ...base, metadata: meta('u', m, { deletionTimestamp: ago(0) }), status: { phase: 'Running', reason: 'NodeLost' } }).cells[2]).toBe('Unknown');
    expect(row({ ...base, metadata: meta('g', m), status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }).cells[2]).toBe('SchedulingGated');
    expect(row({ ...base, metadata: meta('e', m), status: { phase: 'Failed', reason: 'Evicted' } }).cells[2]).toBe('Evicted');
  });

  it('reports Running when one container completed and another still runs', () => {
    const pod = {
      metadata: meta('mixed', m),
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'a', ready: true, state: running }, { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      },
    };
    expect(row(pod).cells.slice(1, 3)).toEqual(['1/2', 'Running']);
  });
});
