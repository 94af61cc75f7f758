// ReplicaSet controller against the real API server in-process: scale up and down with status,
// adoption and release by selector, expectations under bursts, events.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { silentLogger } from '../../src/api/log.js';
import { ReplicaSetController } from '../../src/controllers/replicaset/replicaset-controller.js';
import { FakeKubelet } from '../../src/controllers/common/fake-kubelet.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { podsResource, replicaSetsResource, type PodObject, type ReplicaSetObject } from '../../src/controllers/common/types.js';
import type { ResourceClient } from '../../src/client/rest-client.js';
import type { StoredObject } from '../../src/api/types.js';
import type { RestTransport, RestResponse } from '../../src/client/transport.js';

const ns = 'default';

function replicaSet(name: string, replicas: number, labels: Record<string, string> = { app: name }): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  };
}

describe('ReplicaSet controller', () => {
  let t: TestApi;
  let abort: AbortController;
  let rsc: ReplicaSetController;
  let running: Promise<unknown>[];
  let pods: ResourceClient<PodObject>;
  let sets: ResourceClient<ReplicaSetObject>;
  let kubelet: FakeKubelet;
  let refuseCreates = false;

  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    refuseCreates = false;
    const inner = t.api.inProcessTransport();
    // Pod creates fail on demand, as under a quota or an admission webhook.
    const transport: RestTransport = {
      stream: (req) => inner.stream(req),
      request: (req) => refuseCreates && req.method === 'POST' && /\/pods$/.test(req.path)
        ? Promise.resolve({ status: 403, headers: {}, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'pods "x" is forbidden: refused by the test' } } as RestResponse)
        : inner.request(req),
    };
    rsc = new ReplicaSetController({ transport, log: silentLogger });
    kubelet = new FakeKubelet({ transport: t.api.inProcessTransport(), auto: false });
    running = [rsc.start(abort.signal), kubelet.start(abort.signal)];
    pods = t.client.resource<PodObject>(podsResource);
    sets = t.client.resource<ReplicaSetObject>(replicaSetsResource);
  });

  afterEach(async () => {
    abort.abort();
    await Promise.all(running.map((p) => p.catch(() => {})));
    await t.stop();
  });

  const podsOf = async (labels: string) => (await pods.list(ns, { labelSelector: labels })).items.filter((p) => !p.metadata.deletionTimestamp);
  const statusOf = async (name: string): Promise<NonNullable<ReplicaSetObject['status']>> => (await sets.get(ns, name)).status ?? ({} as NonNullable<ReplicaSetObject['status']>);

  it('creates pods from the template, reports status, and scales down', async () => {
    await sets.create(ns, replicaSet('web', 3));
    const created = await waitFor(async () => { const l = await podsOf('app=web'); return l.length === 3 && l; }, 5000, '3 pods');
    for (const p of created) {
      expect(p.metadata.generateName).toBe('web-');
      expect(p.metadata.name.startsWith('web-')).toBe(true);
      expect(p.metadata.labels).toEqual({ app: 'web' });
      const ref = p.metadata.ownerReferences?.[0];
      expect(ref).toMatchObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', controller: true, blockOwnerDeletion: true });
    }
    await waitFor(async () => { const s = await statusOf('web'); return s.replicas === 3 && s.fullyLabeledReplicas === 3 && s.readyReplicas === undefined && s.observedGeneration === 1; }, 5000, 'status 3/0');

    for (const p of created.slice(0, 2)) await kubelet.markReady(p);
    await waitFor(async () => { const s = await statusOf('web'); return s.readyReplicas === 2 && s.availableReplicas === 2; }, 5000, 'ready 2');

    // Scale down to 1: the not-ready pod goes first, then one of the ready ones.
    await sets.patch(ns, 'web', 'merge', { spec: { replicas: 1 } });
    const left = await waitFor(async () => { const l = await podsOf('app=web'); return l.length === 1 && l; }, 5000, '1 pod');
    expect(created.slice(0, 2).map((p) => p.metadata.name)).toContain(left[0]!.metadata.name);
    await waitFor(async () => { const s = await statusOf('web'); return s.replicas === 1 && s.readyReplicas === 1 && s.observedGeneration === 2; }, 5000, 'status 1');

    const events = await waitFor(async () => {
      const l = (await t.client.resource<StoredObject & { reason?: string; message?: string }>({ group: '', version: 'v1', resource: 'events', namespaced: true }).list(ns)).items;
      return l.filter((e) => e.reason === 'SuccessfulDelete').length === 2 && l;
    }, 5000, 'events');
    const creates = events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message);
    expect(creates.length).toBeGreaterThan(0);
    expect(creates[0]).toMatch(/^Created pod: web-/);
    expect(events.find((e) => e.reason === 'SuccessfulDelete')!.message).toMatch(/^Deleted pod: web-/);
  });

  it('replaces deleted pods and does not over-create under a burst of events', async () => {
    await sets.create(ns, replicaSet('burst', 20));
    const first = await waitFor(async () => { const l = await podsOf('app=burst'); return l.length === 20 && l; }, 5000, '20 pods');
    // A burst of status updates and deletions: the count must settle at exactly 20.
    await Promise.all(first.slice(0, 10).map((p) => kubelet.markReady(p)));
    await Promise.all(first.slice(10, 15).map((p) => pods.delete(ns, p.metadata.name)));
    await waitFor(async () => { const s = await statusOf('burst'); return s.replicas === 20 && s.readyReplicas === 10; }, 5000, 'settled');
    await new Promise((r) => setTimeout(r, 200));
    expect((await podsOf('app=burst')).length).toBe(20);
    expect(rsc.expectations.satisfied(`${ns}/burst`)).toBe(true);
  });

  it('adopts matching orphans and releases pods whose labels stop matching', async () => {
    const orphan = await pods.create(ns, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await sets.create(ns, replicaSet('adopt', 2));
    await waitFor(async () => (await podsOf('app=adopt')).length === 2, 5000, '2 pods');
    const adopted = await waitFor(async () => { const p = await pods.get(ns, 'orphan'); return p.metadata.ownerReferences?.[0]?.name === 'adopt' && p; }, 5000, 'adoption');
    expect(adopted.metadata.uid).toBe(orphan.metadata.uid);
    expect(adopted.metadata.ownerReferences![0]).toMatchObject({ kind: 'ReplicaSet', controller: true });

    // Relabel the adopted pod: it is released and replaced.
    await pods.patch(ns, 'orphan', 'merge', { metadata: { labels: { app: 'other' } } });
    await waitFor(async () => { const p = await pods.get(ns, 'orphan'); return !p.metadata.ownerReferences?.length; }, 5000, 'release');
    await waitFor(async () => (await podsOf('app=adopt')).length === 2, 5000, 'replacement');
  });

  it('counts availability only after minReadySeconds', async () => {
    const rs = replicaSet('slow', 1);
    (rs.spec as Record<string, unknown>).minReadySeconds = 2; // ready times have second precision: at least 1 s not available
    await sets.create(ns, rs);
    const [p] = await waitFor(async () => { const l = await podsOf('app=slow'); return l.length === 1 && l; }, 5000, 'pod');
    const marked = await kubelet.markReady(p!);
    const readyAt = Date.parse(marked!.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime!);
    // Never available before ready + minReadySeconds (a lower bound holds however slow the machine is).
    const early: number[] = [];
    await waitFor(async () => {
      const s = await statusOf('slow');
      if (s.availableReplicas === 1 && Date.now() < readyAt + 2000) early.push(Date.now() - readyAt);
      return s.availableReplicas === 1;
    }, 8000, 'available');
    expect(early).toEqual([]);
  });

  it('reports ReplicaFailure and FailedCreate when pods cannot be created, and clears it once they can', async () => {
    refuseCreates = true;
    await sets.create(ns, replicaSet('bad', 2));
    const cond = await waitFor(async () => (await statusOf('bad')).conditions?.find((c: { type: string }) => c.type === 'ReplicaFailure'), 5000, 'ReplicaFailure');
    expect(cond).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(cond.message).toContain('refused by the test');
    await waitFor(async () => {
      const l = (await t.client.resource<StoredObject & { reason?: string; message?: string; type?: string }>({ group: '', version: 'v1', resource: 'events', namespaced: true }).list(ns)).items;
      return l.find((e) => e.reason === 'FailedCreate' && e.type === 'Warning' && e.message?.startsWith('Error creating: '));
    }, 5000, 'FailedCreate event');
    refuseCreates = false;
    await waitFor(async () => (await podsOf('app=bad')).length === 2, 10000, 'pods after recovery');
    await waitFor(async () => !(await statusOf('bad')).conditions?.length, 5000, 'condition cleared');
  });

  it('does not count terminating pods and replaces them', async () => {
    await sets.create(ns, replicaSet('term', 2));
    const [victim] = await waitFor(async () => { const l = await podsOf('app=term'); return l.length === 2 && l; }, 5000, '2 pods');
    // A finalizer keeps the deleted pod around with a deletionTimestamp.
    await pods.patch(ns, victim!.metadata.name, 'merge', { metadata: { finalizers: ['example.com/hold'] } });
    await pods.delete(ns, victim!.metadata.name);
    await waitFor(async () => (await podsOf('app=term')).length === 2, 5000, 'replacement');
    await waitFor(async () => (await statusOf('term')).replicas === 2, 5000, 'status 2');
    expect((await pods.get(ns, victim!.metadata.name)).metadata.deletionTimestamp).toBeTruthy();
    await pods.patch(ns, victim!.metadata.name, 'merge', { metadata: { finalizers: null } });
  });
});
