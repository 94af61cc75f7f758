import { describe, it, expect, afterEach } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/integration/harness.js';
import { EventRecorder } from './recorder.js';
import type { CoreEvent } from './types.js';

let t: TestApi | undefined;
afterEach(async () => { await t?.stop(); t = undefined; });

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '7' } };

describe('EventRecorder', () => {
  it('writes core/v1 Events and folds repeats into count', async () => {
    t = await startTestApi();
    const rec = new EventRecorder({ transport: t.api.inProcessTransport(), component: 'default-scheduler', host: 'h1' });
    rec.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    rec.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    rec.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    rec.event(pod, 'Normal', 'Scheduled', 'Successfully assigned default/web to n1');
    rec.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n-uid' } }, 'Normal', 'Starting', 'node starting');
    await rec.stop();
    const list = await t.client.resource<CoreEvent>({ group: '', version: 'v1', resource: 'events', namespaced: true }).list('default');
    const byReason = Object.fromEntries(list.items.map((e) => [e.reason, e]));
    expect(list.items).toHaveLength(3);
    const failed = byReason.FailedScheduling!;
    expect(failed.count).toBe(3);
    expect(failed.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    expect(failed.involvedObject).toMatchObject({ kind: 'Pod', namespace: 'default', name: 'web', uid: 'uid-1', apiVersion: 'v1', resourceVersion: '7' });
    expect(failed).toMatchObject({ type: 'Warning', source: { component: 'default-scheduler', host: 'h1' }, reportingComponent: 'default-scheduler', reportingInstance: 'h1' });
    expect(byReason.Scheduled!.count).toBe(1);
    // Cluster-scoped objects' events go to the default namespace.
    expect(byReason.Starting!.involvedObject).toMatchObject({ kind: 'Node', name: 'n1' });
  });

  it('never throws into the caller and drops events after stop', async () => {
    t = await startTestApi();
    const rec = new EventRecorder({ transport: t.api.inProcessTransport(), component: 'c', maxTries: 1 });
    // A bad namespace name makes the write fail; the caller does not see it.
    expect(() => rec.event({ kind: 'Pod', metadata: { name: 'x', namespace: 'Bad_NS' } }, 'Normal', 'R', 'm')).not.toThrow();
    await rec.stop();
    rec.event(pod, 'Normal', 'Late', 'm');
    await new Promise((r) => setTimeout(r, 20));
    const list = await t.client.resource<CoreEvent>({ group: '', version: 'v1', resource: 'events', namespaced: true }).list('default');
    expect(list.items.filter((e) => e.reason === 'Late')).toHaveLength(0);
  });
});
