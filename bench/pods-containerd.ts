// Pod start on the containerd runtime (issue #5): a real `bin/kites server --runtime containerd`
// (busybox + pause tarballs in its air-gap images dir), create → Running seen by a watch for N pods
// one after another and N at once; beside it, in the same run, `ctr run -d` of the same image
// against the same containerd as the runtime's floor (no sandbox, no CNI, no API).
// Holds the host-network lock (cni0 and 10.42.0.0/24 are shared); `kites killall` at the end.
// Run as root (after `npx tsc -p tsconfig.build.json`): node bench/pods-containerd.mjs [n=20]
// KEEP_LOG=1 keeps the server log (debug level, timestamps) for profiling.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fromKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import type { KubeObject } from '../src/api/types.js';
import { podStartTimer } from './pod-start-timer.js';
import { waitForNoKitesContainerd, withHostNetworkLock } from '../test/e2e/helpers/host-lock.js';

const run = promisify(execFile);
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(0)} ms, p99 ${pct(xs, 99).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const buildImage = path.resolve(repo, '../shared/acceptance/images/build-busybox-image.py');
const busybox = 'docker.io/library/busybox:1.36';

export function containerdBenchUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const f of ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc', '/usr/bin/busybox', buildImage]) if (!fs.existsSync(f)) return `${f} missing`;
  if (!fs.existsSync('/usr/lib/cni/bridge') && !fs.existsSync('/opt/cni/bin/bridge')) return 'CNI plugins missing';
  return undefined;
}

export async function benchPodsContainerd(n = 20): Promise<void> {
  const why = containerdBenchUnavailable();
  if (why) { console.log(`skipped: ${why}`); return; }
  await withHostNetworkLock(async () => {
    const others = await waitForNoKitesContainerd(600_000);
    if (others.length) throw new Error(`another kites containerd still runs (data dirs: ${others.join(', ')})`);
    await benchUnlocked(n);
  });
}

async function benchUnlocked(n: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-ctrd-'));
  const images = path.join(dir, 'agent', 'images');
  fs.mkdirSync(images, { recursive: true });
  await run('python3', [buildImage, path.join(images, 'busybox.tar')]);
  await run('python3', [buildImage, path.join(images, 'pause.tar'), '--ref', 'kites.local/pause:1', '--entrypoint', '/bin/sleep', '2147483647']);
  const kubeconfig = path.join(dir, 'kubeconfig.yaml');
  const logFile = path.join(os.tmpdir(), `kites-bench-ctrd-${process.pid}.log`);
  const log = fs.openSync(logFile, 'w');
  const proc = spawn(path.join(repo, 'bin/kites'), ['server', '--data-dir', dir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--write-kubeconfig', kubeconfig,
    '--runtime', 'containerd', '--pause-image', 'kites.local/pause:1', '--disable', 'ingress', '--disable-kube-proxy', '--log-level', process.env.KEEP_LOG ? 'debug' : 'info'], { stdio: ['ignore', log, log] });
  const abort = new AbortController();
  const socket = path.join(dir, 'agent', 'containerd', 'containerd.sock');
  const ctr = (...args: string[]) => run('ctr', ['-a', socket, '-n', 'k8s.io', ...args], { timeout: 60_000 });
  try {
    const tStart = performance.now();
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(kubeconfig)) { if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`server did not start (log: ${logFile})`); await sleep(50); }
    const client = new RestClient(fromKubeconfig(kubeconfig));
    const nodes = client.resource<KubeObject>({ group: '', version: 'v1', resource: 'nodes', namespaced: false });
    const ready = (o: KubeObject) => ((o.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    for (;;) {
      const items = await nodes.list().then((l) => l.items, () => []);
      if (items.some(ready)) break;
      if (Date.now() > deadline) throw new Error(`node not Ready (log: ${logFile})`);
      await sleep(100);
    }
    const sas = client.resource<KubeObject>({ group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true });
    while (!(await sas.get('default', 'default').then(() => true, () => false))) { if (Date.now() > deadline) throw new Error('no default service account'); await sleep(100); }
    console.log(`server up, node Ready, after ${(performance.now() - tStart).toFixed(0)} ms`);

    const pods = client.resource<KubeObject>({ group: '', version: 'v1', resource: 'pods', namespaced: true });
    const timer = await podStartTimer(pods, 'default', abort.signal);
    const spec = { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] };
    const start = (name: string) => timer.start(name, spec).catch((e: Error) => { throw new Error(`${e.message} (log: ${logFile})`); });
    const clear = () => timer.clear();

    const seq: number[] = [];
    for (let i = 0; i < n; i++) seq.push(await start(`seq-${i}`));
    console.log(`kites pod start, ${n} sequential: ${fmt(seq)}  [${seq.map((x) => x.toFixed(0)).join(' ')}]`);
    await clear();
    const t0 = performance.now();
    const burst = await Promise.all(Array.from({ length: n }, (_, i) => start(`burst-${i}`)));
    console.log(`kites pod start, ${n} at once: ${fmt(burst)}, all Running after ${(performance.now() - t0).toFixed(0)} ms`);
    await clear();

    // The floor: the same image through containerd alone (host network, no pod sandbox).
    const floor: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await ctr('run', '-d', '--net-host', busybox, `floor-${i}`, 'sleep', '3600');
      floor.push(performance.now() - t);
    }
    console.log(`ctr run -d (floor), ${n} sequential: ${fmt(floor)}`);
    const tb = performance.now();
    const floorBurst = await Promise.all(Array.from({ length: n }, async (_, i) => {
      const t = performance.now();
      await ctr('run', '-d', '--net-host', busybox, `floor-burst-${i}`, 'sleep', '3600');
      return performance.now() - t;
    }));
    console.log(`ctr run -d (floor), ${n} at once: ${fmt(floorBurst)}, all started after ${(performance.now() - tb).toFixed(0)} ms`);
    const ids = [...Array.from({ length: n }, (_, i) => `floor-${i}`), ...Array.from({ length: n }, (_, i) => `floor-burst-${i}`)];
    for (const id of ids) await ctr('task', 'kill', '-s', 'SIGKILL', id).catch(() => {});
    await sleep(300);
    for (const id of ids) {
      await ctr('task', 'delete', id).catch(() => {});
      await ctr('containers', 'delete', id).catch(() => {});
    }
    printCriPhases(fs.readFileSync(path.join(dir, 'agent', 'containerd', 'containerd.log'), 'utf8'), seq);
  } finally {
    abort.abort();
    proc.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r(undefined); }, 15_000); proc.once('exit', () => { clearTimeout(t); r(undefined); }); });
    fs.closeSync(log);
    await run(process.execPath, [path.join(repo, 'bin/kites'), 'killall', '--data-dir', dir], { timeout: 120_000 }).catch((e: Error) => console.log(`killall: ${e.message}`));
    if (process.env.KEEP_LOG) fs.copyFileSync(path.join(dir, 'agent', 'containerd', 'containerd.log'), `${logFile}.containerd`);
    fs.rmSync(dir, { recursive: true, force: true });
    if (process.env.KEEP_LOG) console.log(`server log: ${logFile}, containerd log: ${logFile}.containerd`);
    else fs.rmSync(logFile, { force: true });
  }
}

/**
 * Where a sequential pod's time goes, from containerd's own CRI log lines (info level, with
 * timestamps): RunPodSandbox, CreateContainer and StartContainer, from request to return.
 */
export function criPhases(log: string): Map<string, { sandbox?: number; create?: number; start?: number }> {
  const at = (line: string) => Date.parse(/time="([^"]+)"/.exec(line)?.[1] ?? '');
  const open = new Map<string, number>();
  const sandboxOf = new Map<string, string>(); // sandbox id → pod name
  const containerOf = new Map<string, string>(); // container id → pod name
  const out = new Map<string, { sandbox?: number; create?: number; start?: number }>();
  const rec = (pod: string) => out.get(pod) ?? out.set(pod, {}).get(pod)!;
  for (const line of log.split('\n')) {
    const t = at(line);
    if (!Number.isFinite(t)) continue;
    let m: RegExpExecArray | null;
    if ((m = /RunPodSandbox for &PodSandboxMetadata\{Name:([^,]+),.*returns sandbox id \\"([0-9a-f]+)/.exec(line))) {
      sandboxOf.set(m[2]!, m[1]!);
      if (open.has(`rps/${m[1]}`)) rec(m[1]!).sandbox = t - open.get(`rps/${m[1]}`)!;
    } else if ((m = /RunPodSandbox for &PodSandboxMetadata\{Name:([^,]+),/.exec(line))) {
      open.set(`rps/${m[1]}`, t);
    } else if ((m = /CreateContainer within sandbox \\"([0-9a-f]+)\\".*returns container id \\"([0-9a-f]+)/.exec(line))) {
      const pod = sandboxOf.get(m[1]!);
      if (pod) { containerOf.set(m[2]!, pod); if (open.has(`cc/${m[1]}`)) rec(pod).create = t - open.get(`cc/${m[1]}`)!; }
    } else if ((m = /CreateContainer within sandbox \\"([0-9a-f]+)\\"/.exec(line))) {
      open.set(`cc/${m[1]}`, t);
    } else if ((m = /StartContainer for \\"([0-9a-f]+)\\" returns successfully/.exec(line))) {
      const pod = containerOf.get(m[1]!);
      if (pod && open.has(`sc/${m[1]}`)) rec(pod).start = t - open.get(`sc/${m[1]}`)!;
    } else if ((m = /StartContainer for \\"([0-9a-f]+)\\"/.exec(line))) {
      open.set(`sc/${m[1]}`, t);
    }
  }
  return out;
}

function printCriPhases(log: string, seq: number[]): void {
  const n = seq.length;
  const phases = criPhases(log);
  // What is left of create → Running once containerd's three calls are taken out: API, scheduler,
  // agent (pod worker, volumes, image check, status) and the watch.
  const rest = seq.map((total, i) => { const p = phases.get(`seq-${i}`); return p?.sandbox !== undefined && p.create !== undefined && p.start !== undefined ? total - p.sandbox - p.create - p.start : undefined; }).filter((x): x is number => x !== undefined);
  if (rest.length) console.log(`sequential pods, outside containerd's CRI calls (API, scheduler, agent, watch): p50 ${pct(rest, 50).toFixed(0)} ms, p99 ${pct(rest, 99).toFixed(0)} ms`);
  const of = (prefix: string, k: 'sandbox' | 'create' | 'start') => [...phases].filter(([pod]) => pod.startsWith(prefix)).map(([, v]) => v[k]).filter((x): x is number => x !== undefined);
  for (const prefix of ['seq-', 'burst-']) {
    const parts = (['sandbox', 'create', 'start'] as const).map((k) => { const xs = of(prefix, k); return xs.length ? `${k === 'sandbox' ? 'RunPodSandbox' : k === 'create' ? 'CreateContainer' : 'StartContainer'} p50 ${pct(xs, 50).toFixed(0)} / p99 ${pct(xs, 99).toFixed(0)} ms` : `${k}: no log lines`; });
    console.log(`containerd CRI, ${prefix.slice(0, -1)} pods (${n}): ${parts.join(', ')}`);
  }
}
