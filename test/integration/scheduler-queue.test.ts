// Which pods the scheduler takes, and how it reacts to pods and nodes changing under it.
import { describe, it, expect, afterEach } from 'vitest';
import { startCluster, eventsRef, podsRef, type Cluster } from './scheduler-helpers.js';
import type { CoreEvent } from '../../src/client/events/index.js';

let c: Cluster | undefined;
afterEach(async () => { await c?.stop(); c = undefined; });

describe('scheduler queueing', () => {
  it('leaves pods for other schedulers and pods with scheduling gates alone', async () => {
    c = await startCluster();
    await c.node('n1');
    await c.pod('other', { schedulerName: 'my-scheduler' });
    await c.pod('gated', { schedulingGates: [{ name: 'example.com/wait' }] });
    await c.pod('mine');
    expect(await c.nodeOf('mine')).toBe('n1');
    await new Promise((r) => setTimeout(r, 100));
    expect((await c.get('other')).spec.nodeName).toBeUndefined();
    expect((await c.get('gated')).spec.nodeName).toBeUndefined();
  });

  it('a custom schedulerName schedules only its own pods', async () => {
    c = await startCluster({ schedulerName: 'my-scheduler' });
    await c.node('n1');
    await c.pod('default-one');
    await c.pod('mine', { schedulerName: 'my-scheduler' });
    expect(await c.nodeOf('mine')).toBe('n1');
    const ev = await c.waitFor(async () => (await c!.t.client.resource<CoreEvent>(eventsRef).list('default')).items.find((e) => e.reason === 'Scheduled'));
    expect(ev.source.component).toBe('my-scheduler');
    expect((await c.get('default-one')).spec.nodeName).toBeUndefined();
  });

  it('a pending pod that is deleted leaves the queue; freed room lets a parked pod in', async () => {
    c = await startCluster();
    await c.node('n1', { cpu: '1' });
    await c.pod('first', {}, { cpu: '800m' });
    expect(await c.nodeOf('first')).toBe('n1');
    await c.pod('second', {}, { cpu: '800m' });
    await c.waitFor(async () => (await c!.get('second')).status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False'));
    await c.t.client.resource(podsRef).delete('default', 'first', { gracePeriodSeconds: 0 });
    expect(await c.nodeOf('second')).toBe('n1');
    expect(c.scheduler.stats().queue).toMatchObject({ active: 0, unschedulable: 0 });
  });

  it('writes the PodScheduled condition once for repeated identical failures and counts repeated events', async () => {
    c = await startCluster();
    await c.node('n1', { cpu: '1' });
    await c.pod('big', {}, { cpu: '2' });
    const first = await c.waitFor(async () => {
      const p = await c!.get('big');
      return p.status?.conditions?.some((x) => x.type === 'PodScheduled' && x.status === 'False') ? p : undefined;
    });
    // Node updates that change nothing relevant do not requeue; relevant ones do, and fail the same way.
    for (let i = 0; i < 3; i++) {
      await c.node(`tiny${i}`, { cpu: '100m' });
    }
    const ev = await c.waitFor(async () => {
      const e = (await c!.t.client.resource<CoreEvent>(eventsRef).list('default')).items.filter((x) => x.reason === 'FailedScheduling');
      return e.length >= 1 && e.some((x) => x.message.startsWith('0/4')) ? e : undefined;
    });
    expect(ev.length).toBeGreaterThanOrEqual(2);
    const cond = (await c.get('big')).status!.conditions!.find((x) => x.type === 'PodScheduled')!;
    expect(cond.message).toMatch(/^0\/4 nodes are available: 4 Insufficient cpu\./);
    // The transition time is kept while the condition stays False.
    expect(cond.lastTransitionTime).toBe(first.status!.conditions!.find((x) => x.type === 'PodScheduled')!.lastTransitionTime);
  });

  it('a finished pod frees its resources', async () => {
    c = await startCluster();
    await c.node('n1', { cpu: '1' });
    await c.pod('job', {}, { cpu: '800m' });
    expect(await c.nodeOf('job')).toBe('n1');
    await c.pod('next', {}, { cpu: '800m' });
    await c.waitFor(async () => (await c!.get('next')).status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False'));
    const job = await c.get('job');
    await c.t.client.resource(podsRef).updateStatus('default', { ...job, status: { ...job.status, phase: 'Succeeded' } });
    expect(await c.nodeOf('next')).toBe('n1');
  });
});

describe('scheduler preemption', () => {
  it('evicts a lower-priority pod for a higher-priority one and nominates the node', async () => {
    c = await startCluster();
    await c.t.client.resource({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false })
      .create(undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    await c.node('n1', { cpu: '1' });
    await c.pod('low', {}, { cpu: '800m' });
    expect(await c.nodeOf('low')).toBe('n1');
    await c.pod('high', { priorityClassName: 'high' }, { cpu: '800m' });
    const nominated = await c.waitFor(async () => (await c!.get('high')).status?.nominatedNodeName);
    expect(nominated).toBe('n1');
    // No kubelet here: finish the graceful deletion the scheduler started.
    const pods = c.t.client.resource(podsRef);
    await c.waitFor(async () => {
      const low = await pods.get('default', 'low').catch(() => undefined);
      return !low || low.metadata.deletionTimestamp ? true : undefined;
    });
    await pods.delete('default', 'low', { gracePeriodSeconds: 0 }).catch(() => {});
    expect(await c.nodeOf('high')).toBe('n1');
    const ev = await c.waitFor(async () => (await c!.t.client.resource<CoreEvent>(eventsRef).list('default')).items.find((e) => e.reason === 'Preempted'));
    expect(ev).toMatchObject({ involvedObject: { name: 'low' }, type: 'Normal' });
    expect(ev.message).toMatch(/^Preempted by pod [0-9a-f-]+ on node n1$/);
  });
});
