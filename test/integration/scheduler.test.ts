import { describe, it, expect, afterEach } from 'vitest';
import { startCluster, eventsRef, nodesRef, type Cluster } from './scheduler-helpers.js';
import type { CoreEvent } from '../../src/client/events/index.js';

let c: Cluster | undefined;
afterEach(async () => { await c?.stop(); c = undefined; });

async function events(c: Cluster, reason: string): Promise<CoreEvent[]> {
  const list = await c.t.client.resource<CoreEvent>(eventsRef).list('default');
  return list.items.filter((e) => e.reason === reason);
}

describe('scheduler', () => {
  it('binds a pod to the only node and records a Scheduled event', async () => {
    c = await startCluster();
    await c.node('n1');
    await c.pod('p1');
    expect(await c.nodeOf('p1')).toBe('n1');
    const pod = await c.get('p1');
    expect(pod.status?.conditions?.find((x) => x.type === 'PodScheduled')?.status).toBe('True');
    const ev = await c.waitFor(async () => (await events(c!, 'Scheduled'))[0]);
    expect(ev).toMatchObject({ type: 'Normal', message: 'Successfully assigned default/p1 to n1', source: { component: 'default-scheduler' }, involvedObject: { kind: 'Pod', name: 'p1' } });
  });

  it('keeps a pod that does not fit Pending with FailedScheduling and PodScheduled=False, then places it on a new node', async () => {
    c = await startCluster();
    await c.node('small', { cpu: '1' });
    await c.pod('big', {}, { cpu: '2' });
    const cond = await c.waitFor(async () => (await c!.get('big')).status?.conditions?.find((x) => x.type === 'PodScheduled'));
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(cond.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    const ev = await c.waitFor(async () => (await events(c!, 'FailedScheduling'))[0]);
    expect(ev).toMatchObject({ type: 'Warning', message: cond.message, involvedObject: { kind: 'Pod', name: 'big' } });
    await c.node('large', { cpu: '8' });
    expect(await c.nodeOf('big')).toBe('large');
  });

  it('skips cordoned nodes', async () => {
    c = await startCluster();
    await c.node('cordoned', { unschedulable: true, cpu: '64' });
    await c.node('open');
    for (const n of ['a', 'b', 'c']) await c.pod(n);
    for (const n of ['a', 'b', 'c']) expect(await c.nodeOf(n)).toBe('open');
  });

  it('reports every node once in the reasons histogram', async () => {
    c = await startCluster();
    await c.node('cordoned', { unschedulable: true });
    await c.node('tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    await c.node('tiny', { cpu: '100m' });
    await c.pod('p', {}, { cpu: '1' });
    const cond = await c.waitFor(async () => (await c!.get('p')).status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False'));
    expect(cond.message).toBe(
      '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. ' +
      'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('honours taints and tolerations', async () => {
    c = await startCluster();
    await c.node('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], cpu: '64' });
    await c.node('plain', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] });
    await c.pod('normal');
    expect(await c.nodeOf('normal')).toBe('plain');
    await c.pod('tolerant', {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/hostname': 'gpu' },
    });
    expect(await c.nodeOf('tolerant')).toBe('gpu');
  });

  it('honours required and preferred node affinity', async () => {
    c = await startCluster();
    await c.node('a', { labels: { zone: 'z1', gen: '3' } });
    await c.node('b', { labels: { zone: 'z2', gen: '5' } });
    await c.node('c', { labels: { zone: 'z3', gen: '7' } });
    await c.pod('req', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
        { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }, { key: 'zone', operator: 'NotIn', values: ['z3'] }] },
      ] } } },
    });
    expect(await c.nodeOf('req')).toBe('b');
    await c.pod('byname', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] },
      ] } } },
    });
    expect(await c.nodeOf('byname')).toBe('c');
    await c.pod('pref', {
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } },
      ] } },
    });
    expect(await c.nodeOf('pref')).toBe('a');
  });

  it('spreads two pods with required anti-affinity and keeps a third Pending', async () => {
    c = await startCluster();
    await c.node('n1');
    await c.node('n2');
    const spec = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
    ] } } };
    await c.pod('w1', spec, { labels: { app: 'web' } });
    await c.pod('w2', spec, { labels: { app: 'web' } });
    const nodes = [await c.nodeOf('w1'), await c.nodeOf('w2')].sort();
    expect(nodes).toEqual(['n1', 'n2']);
    await c.pod('w3', spec, { labels: { app: 'web' } });
    const cond = await c.waitFor(async () => (await c!.get('w3')).status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False'));
    expect(cond.message).toMatch(/^0\/2 nodes are available: 2 node\(s\) didn't match pod anti-affinity rules\./);
  });

  it('follows pod affinity to the node of a matching pod', async () => {
    c = await startCluster();
    for (const n of ['n1', 'n2', 'n3']) await c.node(n);
    await c.pod('db', { nodeSelector: { 'kubernetes.io/hostname': 'n2' } }, { labels: { app: 'db' } });
    expect(await c.nodeOf('db')).toBe('n2');
    await c.pod('cache', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
    ] } } });
    expect(await c.nodeOf('cache')).toBe('n2');
  });

  it('spreads pods across zones with a DoNotSchedule topology spread constraint', async () => {
    c = await startCluster();
    await c.node('a1', { labels: { zone: 'a' }, cpu: '64' });
    await c.node('a2', { labels: { zone: 'a' }, cpu: '64' });
    await c.node('b1', { labels: { zone: 'b' } });
    const spec = { topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } } },
    ] };
    const zones: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 4; i++) {
      await c.pod(`s${i}`, spec, { labels: { app: 's' } });
      const n = await c.nodeOf(`s${i}`);
      zones[n.startsWith('a') ? 'a' : 'b']!++;
    }
    expect(zones).toEqual({ a: 2, b: 2 });
  });

  it('schedules higher-priority pods first', async () => {
    c = await startCluster();
    await c.t.client.resource({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false })
      .create(undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    // Room for one pod, cordoned until both pods wait for it.
    await c.node('n1', { pods: '1', unschedulable: true });
    await c.pod('low');
    await c.pod('high', { priorityClassName: 'high' });
    for (const p of ['low', 'high']) {
      await c.waitFor(async () => (await c!.get(p)).status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False'));
    }
    // Past both pods' backoff, one node update moves them to the active queue together.
    await new Promise((r) => setTimeout(r, 300));
    const nodes = c.t.client.resource(nodesRef);
    const n1 = await nodes.get(undefined, 'n1');
    await nodes.update(undefined, { ...n1, spec: { unschedulable: false } });
    expect(await c.nodeOf('high')).toBe('n1');
    const low = await c.waitFor(async () => {
      const cond = (await c!.get('low')).status?.conditions?.find((x) => x.type === 'PodScheduled');
      return cond?.message?.includes('Too many pods') ? cond : undefined;
    });
    expect(low.message).toMatch(/^0\/1 nodes are available: 1 Too many pods\./);
  });
});
