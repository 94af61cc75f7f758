// Node lifecycle over the in-process API with a fake clock: a node whose lease stops renewing
// goes Unknown, is tainted, its pods are evicted after their tolerations, and the taints leave
// when it is Ready again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject } from '../../src/api/types.js';
import { FakeClock } from '../../src/client/testing/fake-clock.js';
import { rfc3339 } from '../../src/client/events/recorder.js';
import { NodeLifecycleController, type NodeObject } from '../../src/controllers/nodelifecycle/node-lifecycle-controller.js';
import type { PodObject } from '../../src/controllers/common/types.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { startTestApi, type TestApi } from './harness.js';

const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const leasesRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };

describe('node lifecycle controller', () => {
  let t: TestApi;
  let abort: AbortController;
  let clock: FakeClock;
  let ctl: NodeLifecycleController;
  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    clock = new FakeClock();
    ctl = new NodeLifecycleController({ transport: t.api.inProcessTransport(), log: silentLogger, clock, nodeMonitorGracePeriodMs: 40_000 });
  });
  afterEach(async () => {
    abort.abort();
    await t.stop();
  });

  const readyStatus = (status: string) => ({
    conditions: [{ type: 'Ready', status, reason: 'KubeletReady', message: 'ok', lastHeartbeatTime: rfc3339(clock.now()), lastTransitionTime: rfc3339(clock.now()) }],
  });
  async function setNodeReady(status: string): Promise<void> {
    const n = await t.client.resource<NodeObject>(nodesRef).get(undefined, 'n1');
    await t.client.resource<NodeObject>(nodesRef).updateStatus(undefined, { ...n, status: { ...n.status, ...readyStatus(status) } } as NodeObject);
  }
  async function renewLease(): Promise<void> {
    const leases = t.client.resource(leasesRef);
    const spec = { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: new Date(clock.now()).toISOString().replace('Z', '000Z') };
    try {
      const l = await leases.get('kube-node-lease', 'n1');
      await leases.update('kube-node-lease', { ...l, spec } as KubeObject);
    } catch {
      await leases.create('kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' }, spec } as KubeObject);
    }
  }
  async function pod(name: string, tolerations: unknown[]): Promise<void> {
    const p = await t.client.resource<PodObject>(podsRef).create('default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }], tolerations },
    } as KubeObject);
    await t.client.resource<PodObject>(podsRef).updateStatus('default', { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } as PodObject);
  }
  const getPod = (name: string) => t.client.resource<PodObject>(podsRef).get('default', name);
  /** Deleted: gone, or terminating (a bound pod waits for its kubelet). */
  const evicted = async (name: string) => {
    try {
      return !!(await getPod(name)).metadata.deletionTimestamp;
    } catch {
      return true;
    }
  };
  const getNode = () => t.client.resource<NodeObject>(nodesRef).get(undefined, 'n1');
  /** Runs monitor passes (the informers catch up in real time) until `check` holds. */
  const until = <T>(check: () => Promise<T | undefined | false>, what: string) =>
    waitFor(async () => { await ctl.monitor(); return check(); }, 5000, what);

  it('Unknown after the grace period, taints, evictions by toleration, taints gone when Ready', async () => {
    await t.client.resource(nodesRef).create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await setNodeReady('True');
    await renewLease();
    await pod('none', []);
    await pod('tol30', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]);
    await pod('forever', [{ operator: 'Exists' }]);
    expect(await ctl.waitForSync(abort.signal)).toBe(true);
    await until(async () => (await getPod('forever')).metadata.resourceVersion !== undefined, 'first pass');

    await clock.advance(30_000);
    await ctl.monitor();
    expect((await getNode()).spec?.taints ?? []).toEqual([]);

    await clock.advance(11_000);
    const node = await until(async () => {
      const n = await getNode();
      return n.spec?.taints?.length === 2 ? n : undefined;
    }, 'tainted');
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(node.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(node.spec?.taints).toEqual(expect.arrayContaining([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: rfc3339(clock.now()) },
    ]));
    await until(async () => (await getPod('forever')).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False', 'pods NotReady');
    expect((await getPod('tol30')).metadata.deletionTimestamp).toBeFalsy();

    await clock.advance(29_000);
    await ctl.monitor();
    expect((await getPod('tol30')).metadata.deletionTimestamp).toBeFalsy();
    await clock.advance(1_000);
    await until(() => evicted('tol30'), 'tolerating pod evicted after 30 s');
    const tol30 = await getPod('tol30').catch(() => undefined);
    if (tol30) expect(tol30.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' });
    expect((await getPod('forever')).metadata.deletionTimestamp).toBeFalsy();
    // DefaultTolerationSeconds admission gave the pod without tolerations 300 s.
    expect(await evicted('none')).toBe(false);
    await clock.advance(270_000);
    await until(() => evicted('none'), 'pod with the default toleration evicted after 300 s');
    expect((await getPod('forever')).metadata.deletionTimestamp).toBeFalsy();

    await renewLease();
    await setNodeReady('True');
    await until(async () => ((await getNode()).spec?.taints ?? []).length === 0, 'taints removed');
    expect((await getNode()).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('a node reporting Ready=False gets the not-ready taints', async () => {
    await t.client.resource(nodesRef).create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await setNodeReady('False');
    await renewLease();
    expect(await ctl.waitForSync(abort.signal)).toBe(true);
    const n = await until(async () => {
      const n = await getNode();
      return n.spec?.taints?.length === 2 ? n : undefined;
    }, 'not-ready taints');
    expect(n.spec?.taints?.map((x) => `${x.key}:${x.effect}`).sort()).toEqual(['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
  });
});
