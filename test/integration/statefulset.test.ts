// StatefulSet controller against the in-process API server: ordered creation with identity and
// storage, re-creation under the same name, scale-down from the highest ordinal, RollingUpdate
// with partition through ControllerRevisions, OnDelete, Parallel, PVC retention owner refs.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { silentLogger } from '../../src/api/log.js';
import { StatefulSetController } from '../../src/controllers/statefulset/statefulset-controller.js';
import { statefulSetsResource, pvcsResource, type PvcObject, type StatefulSetObject } from '../../src/controllers/statefulset/identity.js';
import { controllerRevisionsResource, type RevisionObject } from '../../src/controllers/statefulset/revisions.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { isPodReady } from '../../src/controllers/common/pods.js';
import { podsResource, type PodObject } from '../../src/controllers/common/types.js';
import { setPodPhase } from '../../src/controllers/job/testing.js';
import type { ResourceClient } from '../../src/client/rest-client.js';

const ns = 'default';

function sts(name: string, replicas: number, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name },
    spec: {
      serviceName: name, replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } },
      ...spec,
    },
  };
}

describe('StatefulSet controller', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<unknown>;
  let pods: ResourceClient<PodObject>;
  let sets: ResourceClient<StatefulSetObject>;
  let pvcs: ResourceClient<PvcObject>;
  let revisions: ResourceClient<RevisionObject>;

  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    running = new StatefulSetController({ transport: t.api.inProcessTransport(), log: silentLogger }).start(abort.signal);
    pods = t.client.resource<PodObject>(podsResource);
    sets = t.client.resource<StatefulSetObject>(statefulSetsResource);
    pvcs = t.client.resource<PvcObject>(pvcsResource);
    revisions = t.client.resource<RevisionObject>(controllerRevisionsResource);
  });

  afterEach(async () => {
    abort.abort();
    await running.catch(() => {});
    await t.stop();
  });

  const podsOf = async (app: string) => (await pods.list(ns, { labelSelector: `app=${app}` })).items
    .filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const names = async (app: string) => (await podsOf(app)).map((p) => p.metadata.name);
  /** Marks every not-ready pod of the app Running and Ready (what a node agent would do). */
  const readyAll = async (app: string) => {
    for (const p of await podsOf(app)) if (!isPodReady(p)) await setPodPhase(pods, p, 'Ready');
  };
  const statusOf = async (name: string): Promise<NonNullable<StatefulSetObject['status']>> => (await sets.get(ns, name)).status ?? { replicas: 0 };

  it('creates pods one at a time in order with identity, storage and revisions', async () => {
    await sets.create(ns, sts('db', 3, {
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    }));
    await waitFor(async () => (await names('db')).join() === 'db-0', 5000, 'db-0 only');
    await new Promise((r) => setTimeout(r, 50));
    expect(await names('db')).toEqual(['db-0']); // OrderedReady: db-1 waits for db-0
    const [p0] = await podsOf('db');
    expect(p0!.metadata.labels).toMatchObject({ app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
    expect(p0!.spec?.hostname).toBe('db-0');
    expect(p0!.spec?.subdomain).toBe('db');
    expect(p0!.spec?.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } });
    const pvc = await pvcs.get(ns, 'data-db-0');
    expect(pvc.metadata.labels).toMatchObject({ app: 'db' });
    expect(pvc.metadata.ownerReferences ?? []).toEqual([]); // Retain by default

    for (let i = 1; i <= 3; i++) {
      await readyAll('db');
      if (i < 3) await waitFor(async () => (await names('db')).length === i + 1, 5000, `db-${i}`);
    }
    expect(await names('db')).toEqual(['db-0', 'db-1', 'db-2']);
    const st = await waitFor(async () => { const s = await statusOf('db'); return s.readyReplicas === 3 && s; }, 5000, 'ready 3');
    expect(st).toMatchObject({ replicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(st.currentRevision).toBe(st.updateRevision);
    const rev = await revisions.get(ns, st.updateRevision!);
    expect(rev.revision).toBe(1);
    expect(rev.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'db', controller: true });
    expect(rev.metadata.labels?.['controller.kubernetes.io/hash']).toBe(st.updateRevision!.slice('db-'.length));
    for (const p of await podsOf('db')) expect(p.metadata.labels?.['controller-revision-hash']).toBe(st.updateRevision);

    // A deleted pod comes back under the same name.
    const old = (await podsOf('db'))[1]!;
    await pods.delete(ns, 'db-1');
    const back = await waitFor(async () => { try { const p = await pods.get(ns, 'db-1'); return p.metadata.uid !== old.metadata.uid && p; } catch { return false; } }, 5000, 'db-1 again');
    expect(back.spec?.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } });
    await readyAll('db');

    // Scale down removes the highest ordinals; claims stay.
    await sets.patch(ns, 'db', 'merge', { spec: { replicas: 1 } });
    await waitFor(async () => (await names('db')).join() === 'db-0', 5000, 'scaled to 1');
    expect((await pvcs.get(ns, 'data-db-2')).metadata.name).toBe('data-db-2');
    await waitFor(async () => { const s = await statusOf('db'); return s.replicas === 1 && s.observedGeneration === 2; }, 5000, 'status 1');
  });

  it('rolls updates from the highest ordinal down to the partition, then completes', async () => {
    await sets.create(ns, sts('web', 3, { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    // Parallel: all three without waiting for readiness.
    await waitFor(async () => (await names('web')).length === 3, 5000, '3 pods at once');
    await readyAll('web');
    const first = await waitFor(async () => { const s = await statusOf('web'); return s.readyReplicas === 3 && s; }, 5000, 'ready');
    await sets.patch(ns, 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    const image = (p: PodObject) => p.spec?.containers[0]?.image;
    await waitFor(async () => { const l = await podsOf('web'); return l.length === 3 && image(l[2]!) === 'img:2'; }, 5000, 'web-2 updated');
    expect(image((await podsOf('web'))[1]!)).toBe('img:1'); // waits for web-2 to be ready
    await readyAll('web');
    await waitFor(async () => { const l = await podsOf('web'); return l.length === 3 && image(l[1]!) === 'img:2'; }, 5000, 'web-1 updated');
    await readyAll('web');
    const mid = await waitFor(async () => { const s = await statusOf('web'); return s.updatedReplicas === 2 && s.readyReplicas === 3 && s; }, 5000, 'updated 2');
    expect(image((await podsOf('web'))[0]!)).toBe('img:1'); // below the partition
    expect(mid.currentRevision).toBe(first.currentRevision);
    expect(mid.updateRevision).not.toBe(first.updateRevision);
    expect(mid.currentReplicas).toBe(1);

    await sets.patch(ns, 'web', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await waitFor(async () => { const l = await podsOf('web'); return l.length === 3 && image(l[0]!) === 'img:2'; }, 5000, 'web-0 updated');
    await readyAll('web');
    const done = await waitFor(async () => { const s = await statusOf('web'); return s.currentRevision === mid.updateRevision && s; }, 5000, 'complete');
    expect(done).toMatchObject({ currentReplicas: 3, updatedReplicas: 3 });
    expect((await revisions.list(ns)).items.map((r) => r.revision).sort()).toEqual([1, 2]);
  });

  it('OnDelete leaves pods alone until deleted; whenDeleted=Delete owns claims', async () => {
    await sets.create(ns, sts('od', 1, {
      updateStrategy: { type: 'OnDelete' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    }));
    await waitFor(async () => (await names('od')).length === 1, 5000, 'od-0');
    const claim = await pvcs.get(ns, 'd-od-0');
    expect(claim.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'od' });
    await readyAll('od');
    await sets.patch(ns, 'od', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    await waitFor(async () => { const s = await statusOf('od'); return s.observedGeneration === 2 && s.updatedReplicas === 0; }, 5000, 'new revision');
    expect((await podsOf('od'))[0]!.spec?.containers[0]?.image).toBe('img:1');
    await pods.delete(ns, 'od-0');
    await waitFor(async () => { const l = await podsOf('od'); return l.length === 1 && l[0]!.spec?.containers[0]?.image === 'img:2'; }, 5000, 'recreated with the update');
  });
});
