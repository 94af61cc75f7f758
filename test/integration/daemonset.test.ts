// DaemonSet controller against the in-process API server with Node objects (no scheduler runs:
// pods stay pinned by node affinity): placement by selector, affinity and taints with the daemon
// tolerations, node changes, failed pods, status, rolling updates with maxUnavailable and maxSurge.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { silentLogger } from '../../src/api/log.js';
import { DaemonSetController } from '../../src/controllers/daemonset/daemonset-controller.js';
import { daemonSetsResource, type DaemonSetObject } from '../../src/controllers/daemonset/daemon-pods.js';
import { nodesResource, targetNodeName, type NodeObject } from '../../src/controllers/daemonset/eligibility.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { isPodReady } from '../../src/controllers/common/pods.js';
import { podsResource, type PodObject } from '../../src/controllers/common/types.js';
import { setPodPhase } from '../../src/controllers/job/testing.js';
import type { ResourceClient } from '../../src/client/rest-client.js';

const ns = 'default';

function daemonSet(name: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img:1' }], ...podSpec } },
      ...spec,
    },
  };
}

describe('DaemonSet controller', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<unknown>;
  let pods: ResourceClient<PodObject>;
  let sets: ResourceClient<DaemonSetObject>;
  let nodes: ResourceClient<NodeObject>;

  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    running = new DaemonSetController({ transport: t.api.inProcessTransport(), log: silentLogger }).start(abort.signal);
    pods = t.client.resource<PodObject>(podsResource);
    sets = t.client.resource<DaemonSetObject>(daemonSetsResource);
    nodes = t.client.resource<NodeObject>(nodesResource);
  });

  afterEach(async () => {
    abort.abort();
    await running.catch(() => {});
    await t.stop();
  });

  const node = (name: string, labels: Record<string, string> = {}, taints: unknown[] = []) =>
    nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } });
  const podsOf = async (app: string) => (await pods.list(ns, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const placement = async (app: string) => (await podsOf(app)).map((p) => targetNodeName(p.spec)).sort().join(',');
  const readyAll = async (app: string) => {
    for (const p of await podsOf(app)) if (!isPodReady(p)) await setPodPhase(pods, p, 'Ready');
  };
  const statusOf = async (name: string): Promise<NonNullable<DaemonSetObject['status']>> =>
    (await sets.get(ns, name)).status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };

  it('places one pod per eligible node with daemon tolerations and node affinity, and reports status', async () => {
    await node('n1');
    await node('n2', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    await node('n3', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    await sets.create(ns, daemonSet('agent'));
    await waitFor(async () => (await placement('agent')) === 'n1,n2', 5000, 'pods on n1 and n2');
    const [p] = await podsOf('agent');
    expect(p!.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNodeName(p!.spec)] }] },
    ]);
    const keys = (p!.spec?.tolerations ?? []).map((x) => `${x.key}:${x.effect}`);
    for (const k of ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']) expect(keys).toContain(k);
    expect(keys).not.toContain('node.kubernetes.io/network-unavailable:NoSchedule');
    expect(p!.metadata.labels?.['controller-revision-hash']).toBeTruthy();
    expect(p!.metadata.labels?.['pod-template-generation']).toBe('1');
    expect(p!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });

    await waitFor(async () => { const s = await statusOf('agent'); return s.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.numberUnavailable === 2; }, 5000, 'status scheduled');
    await readyAll('agent');
    const st = await waitFor(async () => { const s = await statusOf('agent'); return s.numberReady === 2 && s; }, 5000, 'ready');
    expect(st).toMatchObject({ numberAvailable: 2, numberUnavailable: 0, updatedNumberScheduled: 2, numberMisscheduled: 0, observedGeneration: 1 });

    // A new node gets a pod; a NoExecute taint removes it again.
    await node('n4', { zone: 'b' });
    await waitFor(async () => (await placement('agent')) === 'n1,n2,n4', 5000, 'pod on n4');
    await nodes.patch(undefined, 'n4', 'merge', { spec: { taints: [{ key: 'evict', effect: 'NoExecute' }] } });
    await waitFor(async () => (await placement('agent')) === 'n1,n2', 5000, 'n4 pod removed');

    // A failed pod is replaced.
    const victim = (await podsOf('agent'))[0]!;
    await setPodPhase(pods, victim, 'Failed');
    await waitFor(async () => { const l = await podsOf('agent'); return l.length === 2 && !l.some((x) => x.metadata.uid === victim.metadata.uid); }, 5000, 'replaced');
  });

  it('honours nodeSelector and required node affinity', async () => {
    await node('a', { disk: 'ssd', zone: 'x' });
    await node('b', { disk: 'ssd', zone: 'y' });
    await node('c', { disk: 'hdd', zone: 'x' });
    await sets.create(ns, daemonSet('sel', {}, {
      nodeSelector: { disk: 'ssd' },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }] } } },
    }));
    await waitFor(async () => (await placement('sel')) === 'a', 5000, 'only a');
    await nodes.patch(undefined, 'a', 'merge', { metadata: { labels: { disk: 'hdd' } } });
    await waitFor(async () => (await placement('sel')) === '', 5000, 'removed from a');
  });

  it('rolls updates within maxUnavailable', async () => {
    for (const n of ['r1', 'r2', 'r3']) await node(n);
    await sets.create(ns, daemonSet('roll', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }));
    await waitFor(async () => (await podsOf('roll')).length === 3, 5000, '3 pods');
    await readyAll('roll');
    await waitFor(async () => (await statusOf('roll')).numberAvailable === 3, 5000, 'available');
    await sets.patch(ns, 'roll', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    const image = (p: PodObject) => p.spec?.containers[0]?.image;
    for (let round = 1; round <= 3; round++) {
      await waitFor(async () => (await podsOf('roll')).filter((p) => image(p) === 'img:2').length === round, 5000, `round ${round}`);
      // Never more than one node without an available pod.
      const l = await podsOf('roll');
      expect(l.filter((p) => image(p) === 'img:1').length).toBe(3 - round);
      await readyAll('roll');
    }
    const st = await waitFor(async () => { const s = await statusOf('roll'); return s.updatedNumberScheduled === 3 && s.numberAvailable === 3 && s; }, 5000, 'updated');
    expect(st.observedGeneration).toBe(2);
  });

  it('surges a new pod before removing the old one with maxSurge', async () => {
    await node('s1');
    await sets.create(ns, daemonSet('surge', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await waitFor(async () => (await podsOf('surge')).length === 1, 5000, 'pod');
    await readyAll('surge');
    await waitFor(async () => (await statusOf('surge')).numberAvailable === 1, 5000, 'available');
    await sets.patch(ns, 'surge', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    const both = await waitFor(async () => { const l = await podsOf('surge'); return l.length === 2 && l; }, 5000, 'surge pod');
    expect(both.map((p) => p.spec?.containers[0]?.image).sort()).toEqual(['img:1', 'img:2']);
    await readyAll('surge');
    await waitFor(async () => { const l = await podsOf('surge'); return l.length === 1 && l[0]!.spec?.containers[0]?.image === 'img:2'; }, 5000, 'old removed');
  });
});
