// Several nodes on one machine: a server and two `kites agent` processes joined with the token.
// Losing an agent moves its Deployment pods to the other node within the configured timeouts;
// a restarted agent stops the processes of pods that no longer exist; drain honours a
// PodDisruptionBudget; foreground deletion removes dependents first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { spawnKites, startTestCluster, terminate, type TestCluster } from './helpers/cluster.js';

let c: TestCluster;
const agents = new Map<string, { process: ChildProcess; output: () => string }>();

function startAgent(name: string): void {
  const token = readFileSync(join(c.dataDir, 'token'), 'utf8').trim();
  const a = spawnKites(['agent', '--server', c.url, '--token', token, '--data-dir', join(c.dataDir, `agent-${name}`), '--node-name', name]);
  agents.set(name, a);
}

async function until<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const podsOn = async (selector: string) => {
  const r = await c.kubectl(['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}{"\\n"}{end}']);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' '));
};

beforeAll(async () => {
  c = await startTestCluster({ args: ['--node-monitor-grace-period', '15', '--default-toleration-seconds', '1'] });
  startAgent('worker-1');
  startAgent('worker-2');
  await until('three Ready nodes', 30_000, async () => (await c.kubectl(['get', 'nodes', '--no-headers'])).stdout.match(/ Ready /g)?.length === 3);
  const server = (await c.kubectl(['get', 'nodes', '-l', 'node-role.kubernetes.io/control-plane', '-o', 'name'])).stdout.trim();
  expect((await c.kubectl(['cordon', server])).code).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const a of agents.values()) await terminate(a.process, 5_000);
  await c?.stop();
});

describe('two agents on one server', () => {
  it('moves pods of a lost node to the other node, and a restarted agent cleans up', async () => {
    const marker = `kites-e2e-${process.pid}-${Date.now()}`;
    expect((await c.kubectl(['create', 'deployment', 'mover', '--image=busybox', '--replicas=4', '--', 'sh', '-c', `exec sleep 120 # ${marker}`])).code).toBe(0);
    await until('4 running pods on both workers', 30_000, async () => {
      const p = await podsOn('app=mover');
      return p.length === 4 && p.every(([, phase]) => phase === 'Running') && new Set(p.map(([n]) => n)).size === 2;
    });
    agents.get('worker-1')!.process.kill('SIGKILL');
    await until('worker-1 NotReady', 40_000, async () => /worker-1\s+NotReady/.test((await c.kubectl(['get', 'nodes', '--no-headers'])).stdout));
    await until('4 running pods on worker-2', 40_000, async () => {
      const p = (await podsOn('app=mover')).filter(([, , del]) => !del);
      return p.length === 4 && p.every(([n, phase]) => n === 'worker-2' && phase === 'Running');
    });
    startAgent('worker-1');
    // The restarted agent finds the processes of the evicted pods and stops them.
    await until('no process of worker-1 pods left', 30_000, async () => {
      const out = execFileSync('ps', ['-eo', 'args']).toString();
      const running = out.split('\n').filter((l) => l.includes(marker) && l.startsWith('sleep')).length;
      return running <= 2 ? true : false;
    });
    await c.kubectl(['delete', 'deployment', 'mover', '--wait=false']);
  }, 120_000);

  it('drain refuses to break a disruption budget; foreground deletion removes dependents first', async () => {
    await until('worker-1 Ready again', 30_000, async () => /worker-1\s+Ready/.test((await c.kubectl(['get', 'nodes', '--no-headers'])).stdout));
    expect((await c.kubectl(['create', 'deployment', 'guarded', '--image=busybox', '--replicas=2', '--', 'sleep', '120'])).code).toBe(0);
    expect((await c.kubectl(['create', 'poddisruptionbudget', 'guard', '--selector=app=guarded', '--min-available=2'])).code).toBe(0);
    await until('guarded available', 30_000, async () => (await c.kubectl(['get', 'deploy', 'guarded', '-o', 'jsonpath={.status.availableReplicas}'])).stdout === '2');
    await until('budget computed', 20_000, async () => (await c.kubectl(['get', 'pdb', 'guard', '-o', 'jsonpath={.status.currentHealthy}'])).stdout === '2');
    const node = (await podsOn('app=guarded'))[0][0];
    const drain = await c.kubectl(['drain', node, '--ignore-daemonsets', '--timeout=4s'], { timeoutMs: 30_000 });
    expect(drain.code).not.toBe(0);
    if (!/disruption budget/.test(drain.stdout + drain.stderr)) console.log(drain.stdout, drain.stderr);
    expect(drain.stdout + drain.stderr).toMatch(/disruption budget/);
    await c.kubectl(['uncordon', node]);

    // A finalizer on one pod holds the chain: the Deployment must wait for its dependents.
    const held = (await c.kubectl(['get', 'pods', '-l', 'app=guarded', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    expect((await c.kubectl(['patch', 'pod', held, '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}'])).code).toBe(0);
    const del = await c.kubectl(['delete', 'deployment', 'guarded', '--cascade=foreground', '--wait=false']);
    expect(del.code).toBe(0);
    await new Promise((r) => setTimeout(r, 2000));
    const during = await c.kubectl(['get', 'deployment', 'guarded', '-o', 'jsonpath={.metadata.finalizers} {.metadata.deletionTimestamp}']);
    expect(during.stdout).toContain('foregroundDeletion');
    expect((await c.kubectl(['get', 'pod', held, '-o', 'jsonpath={.metadata.deletionTimestamp}'])).stdout).not.toBe('');
    expect((await c.kubectl(['patch', 'pod', held, '--type=merge', '-p', '{"metadata":{"finalizers":null}}'])).code).toBe(0);
    await until('deployment and its pods gone', 40_000, async () => {
      const d = await c.kubectl(['get', 'deployment', 'guarded']);
      const p = await c.kubectl(['get', 'rs,pods', '-l', 'app=guarded', '-o', 'name']);
      return d.code !== 0 && p.stdout.trim() === '';
    });
  }, 150_000);
});
