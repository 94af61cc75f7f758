import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { agentEnv, pod, podWhere, waitFor, nodeName, type AgentEnv } from './agent-helpers.js';
import { parseCriLogLine } from '../../src/agent/index.js';

describe('node agent: node registration and pods on the process runtime', () => {
  let env: AgentEnv;
  beforeAll(async () => { env = await agentEnv(); });
  afterAll(async () => { await env.stop(); });

  it('registers its Node with capacity, nodeInfo, conditions and a Lease', async () => {
    const node = (await env.t.client.resource({ group: '', version: 'v1', resource: 'nodes', namespaced: false }).get(undefined, nodeName)) as any;
    expect(node.metadata.labels['kubernetes.io/hostname']).toBe(nodeName);
    expect(node.metadata.labels['kubernetes.io/os']).toBe('linux');
    expect(Number(node.status.capacity.cpu)).toBeGreaterThan(0);
    expect(node.status.capacity.pods).toBe('110');
    expect(node.status.nodeInfo.kubeletVersion).toBe('v1.33.0+kites');
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^process:\/\/kites-/);
    expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(node.status.daemonEndpoints.kubeletEndpoint.Port).toBe(10250);
    const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
    expect([ready.status, ready.reason, ready.message]).toEqual(['True', 'KubeletReady', 'kubelet is posting ready status']);
    expect(node.metadata.annotations['kites.io/runtime-limitations']).toMatch(/no isolation/);
    const lease = (await env.t.client.resource({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true }).get('kube-node-lease', nodeName)) as any;
    expect(lease.spec.holderIdentity).toBe(nodeName);
    expect(lease.spec.leaseDurationSeconds).toBe(40);
  });

  it('runs a pod: Running and Ready with podIP, CRI logs, events', async () => {
    await env.pods.create('default', pod('hello', {
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo hello-from-pod; trap "exit 0" TERM; while true; do sleep 0.1; done'] }],
    }));
    const p = await podWhere(env, 'hello', (x) => x.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True');
    expect(p.status!.phase).toBe('Running');
    expect(p.status!.podIP).toBe('127.0.0.1');
    expect(p.status!.hostIP).toBe('127.0.0.1');
    expect(p.status!.startTime).toBeTruthy();
    const cs = p.status!.containerStatuses[0];
    expect(cs.ready).toBe(true);
    expect(cs.started).toBe(true);
    expect(cs.restartCount).toBe(0);
    expect(cs.containerID).toMatch(/^process:\/\//);
    expect(cs.state.running.startedAt).toBeTruthy();
    const located = await env.agent.locator.find('default', 'hello');
    expect(located).toBeDefined();
    await waitFor(async () => readFileSync(located!.logPath, 'utf8').includes('hello-from-pod') || undefined);
    const line = parseCriLogLine(readFileSync(located!.logPath, 'utf8').split('\n')[0]!);
    expect([line?.stream, line?.content]).toEqual(['stdout', 'hello-from-pod']);
    expect(located!.logPath).toContain(`default_hello_${p.metadata.uid}/main/0.log`);
    const events = await waitFor(async () => {
      const list = await env.t.client.resource({ group: '', version: 'v1', resource: 'events', namespaced: true }).list('default');
      const reasons = list.items.filter((e: any) => e.involvedObject.name === 'hello').map((e: any) => e.reason);
      return ['Pulled', 'Created', 'Started'].every((r) => reasons.includes(r)) ? reasons : undefined;
    });
    expect(events).toContain('Started');
  });

  it('deletes gracefully: SIGTERM, then the pod object is removed', async () => {
    const t0 = Date.now();
    await env.pods.delete('default', 'hello');
    await waitFor(async () => {
      try {
        await env.pods.get('default', 'hello');
        return undefined;
      } catch {
        return true;
      }
    });
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it('reports exit codes: Succeeded and Failed', async () => {
    await env.pods.create('default', pod('ok', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo fine'] }] }));
    await env.pods.create('default', pod('bad', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] }));
    const ok = await podWhere(env, 'ok', (x) => x.status?.phase === 'Succeeded');
    expect(ok.status!.containerStatuses[0].state.terminated.reason).toBe('Completed');
    const bad = await podWhere(env, 'bad', (x) => x.status?.phase === 'Failed');
    expect(bad.status!.containerStatuses[0].state.terminated.exitCode).toBe(3);
    expect(bad.status!.containerStatuses[0].state.terminated.reason).toBe('Error');
    const ready = bad.status!.conditions.find((c: any) => c.type === 'Ready');
    expect([ready.status, ready.reason]).toEqual(['False', 'PodCompleted']);
  });
});
