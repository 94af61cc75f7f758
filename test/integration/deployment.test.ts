// Deployment controller with the ReplicaSet controller against the in-process API server; a fake
// kubelet marks pods Running/Ready. Covers create → available, rolling update bounds at every
// step, Recreate, rollback (revision re-use), pause/resume, progress deadline, history limit, scaling.
import { describe, it, expect, afterEach } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { silentLogger } from '../../src/api/log.js';
import { RestClient, type ResourceClient } from '../../src/client/rest-client.js';
import { InformerFactory } from '../../src/client/informer-factory.js';
import { ReplicaSetController } from '../../src/controllers/replicaset/replicaset-controller.js';
import { DeploymentController } from '../../src/controllers/deployment/deployment-controller.js';
import { FakeKubelet, type FakeKubeletOptions } from '../../src/controllers/common/fake-kubelet.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { isPodReady } from '../../src/controllers/common/pods.js';
import { computeHash } from '../../src/controllers/common/hash.js';
import {
  deploymentsResource, podsResource, replicaSetsResource, type DeploymentObject, type PodObject, type ReplicaSetObject,
} from '../../src/controllers/common/types.js';
import type { StoredObject } from '../../src/api/types.js';

const ns = 'default';
type Status = NonNullable<DeploymentObject['status']>;

interface Env {
  t: TestApi;
  deployments: ResourceClient<DeploymentObject>;
  sets: ResourceClient<ReplicaSetObject>;
  pods: ResourceClient<PodObject>;
  kubelet: FakeKubelet;
  stop(): Promise<void>;
}

let current: Env | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function env(kubelet: Partial<FakeKubeletOptions> = {}): Promise<Env> {
  const t = await startTestApi();
  const abort = new AbortController();
  const transport = t.api.inProcessTransport();
  const informers = new InformerFactory(new RestClient(transport, { fieldManager: 'kube-controller-manager' }), { log: silentLogger });
  const rsc = new ReplicaSetController({ transport, log: silentLogger, informers });
  const dc = new DeploymentController({ transport, log: silentLogger, informers });
  const k = new FakeKubelet({ transport, ...kubelet });
  const running = [rsc.start(abort.signal), dc.start(abort.signal), k.start(abort.signal)];
  current = {
    t, kubelet: k,
    deployments: t.client.resource<DeploymentObject>(deploymentsResource),
    sets: t.client.resource<ReplicaSetObject>(replicaSetsResource),
    pods: t.client.resource<PodObject>(podsResource),
    async stop() {
      abort.abort();
      await Promise.all(running.map((p) => p.catch(() => {})));
      await t.stop();
    },
  };
  return current;
}

function deployment(name: string, replicas: number, spec: Record<string, unknown> = {}, image = 'nginx:1'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...spec,
    },
  };
}

const setImage = (e: Env, name: string, image: string) => e.deployments.patch(ns, name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });
const statusOf = async (e: Env, name: string): Promise<Status> => (await e.deployments.get(ns, name)).status ?? {};
const cond = (s: Status, type: string) => s.conditions?.find((c) => c.type === type);
const setsOf = async (e: Env, name: string) => (await e.sets.list(ns)).items.filter((rs) => rs.metadata.ownerReferences?.[0]?.name === name);
const imageOf = (rs: ReplicaSetObject) => rs.spec.template?.spec?.containers[0]?.image;
const rev = (o: { metadata: { annotations?: Record<string, string> } }) => o.metadata.annotations?.['deployment.kubernetes.io/revision'];

/** Complete: every desired replica updated and available, and the spec observed. */
async function complete(e: Env, name: string, replicas: number): Promise<boolean> {
  const d = await e.deployments.get(ns, name);
  const s = d.status ?? {};
  return s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas
    && cond(s, 'Progressing')?.reason === 'NewReplicaSetAvailable';
}

async function events(e: Env): Promise<Array<{ reason?: string; message?: string }>> {
  return (await e.t.client.resource<StoredObject & { reason?: string; message?: string }>({ group: '', version: 'v1', resource: 'events', namespaced: true }).list(ns)).items;
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet per template hash and reports the rollout complete', async () => {
    const e = await env();
    await e.deployments.create(ns, deployment('web', 3));
    await waitFor(() => complete(e, 'web', 3), 8000, 'rollout complete');
    const s = await statusOf(e, 'web');
    expect(s).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(s.unavailableReplicas).toBeUndefined(); // omitempty, as upstream
    expect(cond(s, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    const sets = await setsOf(e, 'web');
    expect(sets).toHaveLength(1);
    const rs = sets[0]!;
    const hash = rs.metadata.labels?.['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true, blockOwnerDeletion: true });
    expect(rev(await e.deployments.get(ns, 'web'))).toBe('1');
    expect(cond(s, 'Progressing')?.message).toBe(`ReplicaSet "${rs.metadata.name}" has successfully progressed.`);
    await waitFor(async () => (await events(e)).some((ev) => ev.message === `Scaled up replica set ${rs.metadata.name} from 0 to 3`), 3000, 'event');

    // Scaling through the scale subresource resizes the one set and its annotations.
    await e.deployments.patch(ns, 'web', 'merge', { spec: { replicas: 5 } }, { subresource: 'scale' });
    await waitFor(() => complete(e, 'web', 5), 8000, 'scaled to 5');
    const [scaled] = await setsOf(e, 'web');
    expect(scaled!.spec.replicas).toBe(5);
    expect(scaled!.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('5');
  });

  it('rolls out a new template within maxSurge and maxUnavailable at every step', async () => {
    const e = await env({ delayMs: 20 });
    const replicas = 4;
    await e.deployments.create(ns, deployment('roll', replicas, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    await waitFor(() => complete(e, 'roll', replicas), 8000, 'first rollout');
    await setImage(e, 'roll', 'nginx:2');
    let steps = 0;
    const violations: string[] = [];
    await waitFor(async () => {
      const sets = await setsOf(e, 'roll');
      const total = sets.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      if (total > replicas + 1) violations.push(`surge: ${total} replicas wanted`);
      const ready = (await e.pods.list(ns, { labelSelector: 'app=roll' })).items.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
      if (ready < replicas - 1) violations.push(`unavailable: only ${ready} ready`);
      steps++;
      return complete(e, 'roll', replicas);
    }, 10000, 'second rollout');
    expect(violations).toEqual([]);
    expect(steps).toBeGreaterThan(1);
    const sets = await setsOf(e, 'roll');
    const next = sets.find((rs) => imageOf(rs) === 'nginx:2')!, prev = sets.find((rs) => imageOf(rs) === 'nginx:1')!;
    expect(next.spec.replicas).toBe(4);
    expect(prev.spec.replicas).toBe(0);
    expect(rev(next)).toBe('2');
    expect(rev(prev)).toBe('1');
    expect(rev(await e.deployments.get(ns, 'roll'))).toBe('2');
    const msgs = (await events(e)).map((ev) => ev.message);
    expect(msgs).toContain(`Scaled down replica set ${prev.metadata.name} from 4 to 3`);
  });

  it('Recreate scales the old set to zero before the new one starts', async () => {
    const e = await env({ delayMs: 10 });
    await e.deployments.create(ns, deployment('rec', 2, { strategy: { type: 'Recreate' } }));
    await waitFor(() => complete(e, 'rec', 2), 8000, 'first rollout');
    await setImage(e, 'rec', 'nginx:2');
    const violations: string[] = [];
    await waitFor(async () => {
      const pods = (await e.pods.list(ns, { labelSelector: 'app=rec' })).items;
      const images = new Set(pods.map((p) => p.spec?.containers[0]?.image));
      if (images.size > 1) violations.push(`old and new pods together: ${[...images].join(', ')}`);
      return complete(e, 'rec', 2);
    }, 10000, 'recreate rollout');
    expect(violations).toEqual([]);
    const sets = await setsOf(e, 'rec');
    expect(sets.find((rs) => imageOf(rs) === 'nginx:1')!.spec.replicas).toBe(0);
  });

  it('rollout undo re-uses the previous ReplicaSet and bumps its revision', async () => {
    const e = await env();
    await e.deployments.create(ns, deployment('undo', 2, {}, 'nginx:1'));
    await waitFor(() => complete(e, 'undo', 2), 8000, 'v1');
    await e.deployments.patch(ns, 'undo', 'merge', { metadata: { annotations: { 'kubernetes.io/change-cause': 'upgrade to v2' } } });
    await setImage(e, 'undo', 'nginx:2');
    await waitFor(() => complete(e, 'undo', 2), 8000, 'v2');
    const v2 = (await setsOf(e, 'undo')).find((rs) => imageOf(rs) === 'nginx:2')!;
    expect(v2.metadata.annotations?.['kubernetes.io/change-cause']).toBe('upgrade to v2');
    // What kubectl rollout undo does: a JSON patch putting the old set's template (less the hash label) back.
    const v1 = (await setsOf(e, 'undo')).find((rs) => imageOf(rs) === 'nginx:1')!;
    const template = structuredClone(v1.spec.template!);
    delete template.metadata!.labels!['pod-template-hash'];
    await e.deployments.patch(ns, 'undo', 'json', [{ op: 'replace', path: '/spec/template', value: template }]);
    await waitFor(async () => (await complete(e, 'undo', 2)) && rev(await e.deployments.get(ns, 'undo')) === '3', 8000, 'undo');
    const sets = await setsOf(e, 'undo');
    expect(sets).toHaveLength(2);
    const back = sets.find((rs) => rs.metadata.uid === v1.metadata.uid)!;
    expect(rev(back)).toBe('3');
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(back.spec.replicas).toBe(2);
    expect(sets.find((rs) => rs.metadata.uid === v2.metadata.uid)!.spec.replicas).toBe(0);
  });

  it('pause stops the rollout with DeploymentPaused; resume continues it', async () => {
    const e = await env();
    await e.deployments.create(ns, deployment('pz', 2));
    await waitFor(() => complete(e, 'pz', 2), 8000, 'v1');
    await e.deployments.patch(ns, 'pz', 'merge', { spec: { paused: true } });
    await waitFor(async () => cond(await statusOf(e, 'pz'), 'Progressing')?.reason === 'DeploymentPaused', 5000, 'paused condition');
    const c = cond(await statusOf(e, 'pz'), 'Progressing')!;
    expect(c).toMatchObject({ status: 'Unknown', message: 'Deployment is paused' });
    await setImage(e, 'pz', 'nginx:2');
    await waitFor(async () => { const d = await e.deployments.get(ns, 'pz'); return d.status?.observedGeneration === d.metadata.generation; }, 5000, 'observed');
    await new Promise((r) => setTimeout(r, 150));
    expect(await setsOf(e, 'pz')).toHaveLength(1);
    await e.deployments.patch(ns, 'pz', 'merge', { spec: { paused: false } });
    await waitFor(async () => (await setsOf(e, 'pz')).length === 2, 5000, 'new set after resume');
    await waitFor(() => complete(e, 'pz', 2), 8000, 'v2');
  });

  it('reports ProgressDeadlineExceeded when pods never become ready', async () => {
    const e = await env({ auto: false });
    await e.deployments.create(ns, deployment('stuck', 2, { progressDeadlineSeconds: 1 }));
    const c = await waitFor(async () => { const x = cond(await statusOf(e, 'stuck'), 'Progressing'); return x?.reason === 'ProgressDeadlineExceeded' && x; }, 6000, 'deadline');
    expect(c.status).toBe('False');
    expect(c.message).toMatch(/^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    const s = await statusOf(e, 'stuck');
    expect(cond(s, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(s.unavailableReplicas).toBe(2);
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', async () => {
    const e = await env();
    await e.deployments.create(ns, deployment('hist', 1, { revisionHistoryLimit: 1 }));
    await waitFor(() => complete(e, 'hist', 1), 8000, 'v1');
    for (const v of [2, 3, 4]) {
      await setImage(e, 'hist', `nginx:${v}`);
      await waitFor(() => complete(e, 'hist', 1), 8000, `v${v}`);
    }
    const sets = await waitFor(async () => { const l = await setsOf(e, 'hist'); return l.length === 2 && l; }, 5000, 'two sets');
    expect(sets.map(imageOf).sort()).toEqual(['nginx:3', 'nginx:4']);
    expect(rev(await e.deployments.get(ns, 'hist'))).toBe('4');
  });

  it('spreads a resize across the old and new sets in proportion while a rollout is stuck', async () => {
    const e = await env({ auto: false });
    await e.deployments.create(ns, deployment('prop', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 0 } } }));
    const first = await waitFor(async () => { const l = (await e.pods.list(ns, { labelSelector: 'app=prop' })).items; return l.length === 10 && l; }, 5000, '10 pods');
    await Promise.all(first.map((p) => e.kubelet.markReady(p)));
    await waitFor(() => complete(e, 'prop', 10), 8000, 'v1');
    await setImage(e, 'prop', 'nginx:2');
    // New pods never become ready: the new set stays at maxSurge, the old one at 10.
    await waitFor(async () => {
      const sets = await setsOf(e, 'prop');
      const next = sets.find((rs) => imageOf(rs) === 'nginx:2');
      return next?.spec.replicas === 3 && next.status?.replicas === 3;
    }, 5000, 'surge');
    await e.deployments.patch(ns, 'prop', 'merge', { spec: { replicas: 20 } });
    // 23 allowed (20 + surge 3) over 13 annotated: old 10 → round(10·23/13) = 18, new 3 → round(3·23/13) = 5.
    await waitFor(async () => {
      const sets = await setsOf(e, 'prop');
      return sets.find((rs) => imageOf(rs) === 'nginx:1')?.spec.replicas === 18 && sets.find((rs) => imageOf(rs) === 'nginx:2')?.spec.replicas === 5;
    }, 5000, 'proportional scale');
    for (const rs of await setsOf(e, 'prop')) {
      expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '20', 'deployment.kubernetes.io/max-replicas': '23' });
    }
  });

  it('adopts an orphan ReplicaSet with the same template instead of creating one', async () => {
    const e = await env();
    const template = { metadata: { labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
    const orphan = await e.sets.create(ns, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'adopt-manual', labels: { app: 'adopt' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'adopt' } }, template } });
    await e.deployments.create(ns, deployment('adopt', 2));
    await waitFor(() => complete(e, 'adopt', 2), 8000, 'complete');
    const sets = await setsOf(e, 'adopt');
    expect(sets.map((rs) => rs.metadata.uid)).toEqual([orphan.metadata.uid]);
    expect(sets[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'adopt', controller: true });
    expect(rev(sets[0]!)).toBe('1');
  });

  it('waits minReadySeconds before counting new pods available', async () => {
    const e = await env();
    await e.deployments.create(ns, deployment('mrs', 1, { minReadySeconds: 2 }));
    const readyAt = await waitFor(async () => {
      const c = (await e.pods.list(ns, { labelSelector: 'app=mrs' })).items[0]?.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
      return c && Date.parse(c.lastTransitionTime!);
    }, 5000, 'pod ready');
    const early: number[] = [];
    await waitFor(async () => {
      const s = await statusOf(e, 'mrs');
      if (s.availableReplicas === 1 && Date.now() < readyAt + 2000) early.push(Date.now() - readyAt);
      if (s.readyReplicas === 1 && !s.availableReplicas && cond(s, 'Available')?.status !== 'False') early.push(-1);
      return complete(e, 'mrs', 1);
    }, 8000, 'available after minReadySeconds');
    expect(early).toEqual([]);
    expect((await setsOf(e, 'mrs'))[0]!.spec.minReadySeconds).toBe(2);
  });

  it('bumps collisionCount when the hashed ReplicaSet name is taken by another object', async () => {
    const e = await env();
    // Paused: no ReplicaSet yet, but the template is stored with its defaults, so the hash can be computed.
    const created = await e.deployments.create(ns, deployment('clash', 1, { paused: true }));
    const hash = computeHash(created.spec.template, created.status?.collisionCount);
    await e.sets.create(ns, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `clash-${hash}`, labels: { app: 'other' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    await e.deployments.patch(ns, 'clash', 'merge', { spec: { paused: false } });
    await waitFor(() => complete(e, 'clash', 1), 8000, 'complete despite the clash');
    expect((await statusOf(e, 'clash')).collisionCount).toBe(1);
    const [rs] = await setsOf(e, 'clash');
    expect(rs!.metadata.name).not.toBe(`clash-${hash}`);
    expect(rs!.metadata.name).toBe(`clash-${computeHash(created.spec.template, 1)}`);
    expect((await e.sets.get(ns, `clash-${hash}`)).metadata.ownerReferences ?? []).toEqual([]);
  });
});
