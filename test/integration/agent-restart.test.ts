import { describe, it, expect, afterAll } from 'vitest';
import { agentEnv, pod, podWhere, waitFor, type AgentEnv } from './agent-helpers.js';
import { isSameLiveProcess } from '../../src/agent/runtime/process/proc.js';

const ready = (p: any) => p.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';

async function pidOf(env: AgentEnv, name: string): Promise<{ pid: number; id: string }> {
  const c = await env.agent.locator.find('default', name);
  const st = await c!.runtime.containerStatus(c!.containerId);
  return { pid: st!.pid!, id: c!.containerId };
}

describe('node agent restart', () => {
  let env: AgentEnv;
  afterAll(async () => { await env?.stop(); });

  it('re-adopts running processes and kills those of pods deleted meanwhile', async () => {
    env = await agentEnv();
    const loop = ['sh', '-c', 'trap "exit 0" TERM; while true; do echo tick; sleep 0.1; done'];
    await env.pods.create('default', pod('keeper', { containers: [{ name: 'c', image: 'busybox', command: loop }] }));
    await env.pods.create('default', pod('doomed', { containers: [{ name: 'c', image: 'busybox', command: loop }] }));
    await env.pods.create('default', pod('done', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo fine'] }] }));
    const doneBefore = await podWhere(env, 'done', (p) => p.status?.phase === 'Succeeded');
    const before = await podWhere(env, 'keeper', ready);
    await podWhere(env, 'doomed', ready);
    const keeper = await pidOf(env, 'keeper');
    const doomed = await pidOf(env, 'doomed');

    await env.agent.stop();
    expect(isSameLiveProcess(keeper.pid, undefined)).toBe(true);
    // The pod goes away while no agent runs (a force delete: the object is gone at once).
    await env.pods.delete('default', 'doomed', { gracePeriodSeconds: 0 });

    await env.start();
    await waitFor(async () => !isSameLiveProcess(doomed.pid, undefined) || undefined, 5000, 'orphan killed');
    const after = await podWhere(env, 'keeper', ready);
    const cs = after.status!.containerStatuses[0];
    expect(cs.restartCount).toBe(0);
    expect(cs.containerID).toBe(before.status!.containerStatuses[0].containerID);
    expect(isSameLiveProcess(keeper.pid, undefined)).toBe(true);
    expect((await pidOf(env, 'keeper')).pid).toBe(keeper.pid);
    // A pod that finished before the restart keeps its status and is not run again.
    await new Promise((r) => setTimeout(r, 300));
    const doneAfter = await env.pods.get('default', 'done') as any;
    expect(doneAfter.status.phase).toBe('Succeeded');
    expect(doneAfter.status.containerStatuses).toEqual(doneBefore.status!.containerStatuses);

    // The re-adopted process still stops gracefully on deletion.
    await env.pods.delete('default', 'keeper');
    await waitFor(async () => !isSameLiveProcess(keeper.pid, undefined) || undefined, 5000, 'adopted process stopped');
  }, 30000);
});
