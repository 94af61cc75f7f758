// Pod start-up for issue #3: create → Running seen by a watch, against a real `bin/kites server`
// (process runtime) over HTTPS: 50 pods one after another, then 100 at once; p50/p99 of each.
// Run (after `npm ci`): node bench/pods.mjs [sequential=50] [burst=100]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import type { KubeObject } from '../src/api/types.js';
import { percentile, podStartTimer } from './pod-start-timer.js';

const pct = percentile;

export async function benchPods(opts: { sequential?: number; burst?: number } = {}): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-pods-'));
  const kubeconfig = path.join(dir, 'kubeconfig.yaml');
  const bin = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../bin/kites');
  const proc = spawn(bin, ['server', '--data-dir', dir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--write-kubeconfig', kubeconfig, '--runtime', 'process', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const abort = new AbortController();
  try {
    const deadline = Date.now() + 30_000;
    while (!fs.existsSync(kubeconfig)) { if (Date.now() > deadline) throw new Error('server did not start'); await new Promise((r) => setTimeout(r, 50)); }
    const client = new RestClient(fromKubeconfig(kubeconfig));
    const nodes = client.resource({ group: '', version: 'v1', resource: 'nodes', namespaced: false });
    while ((await nodes.list()).items.length === 0) await new Promise((r) => setTimeout(r, 100));
    const pods = client.resource<KubeObject>({ group: '', version: 'v1', resource: 'pods', namespaced: true });
    // The node runs at most 110 pods: each round starts from an empty namespace. The agent stops the
    // processes of deleted pods; waiting for that also leaves nothing behind when the server stops.
    const timer = await podStartTimer(pods, 'default', abort.signal);
    const spec = { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '300'] }] };
    const start = (name: string) => timer.start(name, spec);
    const clear = () => timer.clear(60_000);
    const seq: number[] = [];
    for (let i = 0; i < (opts.sequential ?? 50); i++) seq.push(await start(`seq-${i}`));
    console.log(`pod start, ${seq.length} sequential: p50 ${pct(seq, 50).toFixed(0)} ms, p99 ${pct(seq, 99).toFixed(0)} ms`);
    await clear();
    const t0 = performance.now();
    const burst = await Promise.all(Array.from({ length: opts.burst ?? 100 }, (_, i) => start(`burst-${i}`)));
    console.log(`pod start, ${burst.length} at once: p50 ${pct(burst, 50).toFixed(0)} ms, p99 ${pct(burst, 99).toFixed(0)} ms, all Running after ${(performance.now() - t0).toFixed(0)} ms`);
    await clear();
  } finally {
    abort.abort();
    proc.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r(undefined); }, 15_000); proc.once('exit', () => { clearTimeout(t); r(undefined); }); });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
