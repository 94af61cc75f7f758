// Scheduler throughput (issue "Pods run"): an in-process API server (SQLite store in a temp dir
// by default, or MemoryStore), the real Scheduler talking to it through the in-process transport
// (bindings, events and status patches go through the API), N simulated Nodes and P small pods.
// pods/s is measured from the first pod create to the last pod seen bound through a watch.
//   node bench/scheduler.mjs [pods=10000] [nodeCounts=1000,5000] [store=sqlite|memory]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiServer } from '../src/apiserver/server.js';
import { MemoryStore } from '../src/storage/backends/memory/index.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { silentLogger } from '../src/api/log.js';
import { RestClient } from '../src/client/rest-client.js';
import { Scheduler } from '../src/scheduler/index.js';
import type { Pod } from '../src/scheduler/api-types.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true } as const;
const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;

export interface SchedulerFigures {
  store: string;
  nodes: number;
  pods: number;
  nodeSetupMs: number;
  seconds: number;
  podsPerSecond: number;
  createsPerSecond: number;
  /** Pods bound per second of this process's CPU time (user+system): less sensitive to a busy machine. */
  podsPerCpuSecond: number;
  rssMb: number;
}

async function pool<T>(items: T[], concurrency: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

export async function benchOnce(opts: { nodes: number; pods: number; store: 'sqlite' | 'memory' }): Promise<SchedulerFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-sched-'));
  const store: Store = opts.store === 'memory' ? new MemoryStore() : await openStore({ dataDir: dir, log: silentLogger });
  const api = new ApiServer({ store, log: silentLogger, clientCA: '' });
  await api.start();
  const client = new RestClient(api.inProcessTransport(), { fieldManager: 'bench' });
  const abort = new AbortController();
  const scheduler = new Scheduler({ transport: api.inProcessTransport() });
  const running = scheduler.start(abort.signal);
  try {
    const t0 = Date.now();
    const res = { cpu: '32', memory: '256Gi', pods: '110' };
    const nodes = client.resource(nodesRef);
    await pool([...Array(opts.nodes).keys()], 64, async (i) => {
      const name = `sim-${i}`;
      const n = await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kites.io/simulated': 'true', 'kubernetes.io/hostname': name } } });
      await nodes.updateStatus(undefined, { ...n, status: { capacity: res, allocatable: res } });
    });
    while (scheduler.cache.nodeList().filter((n) => n.allowedPods > 0).length < opts.nodes) await new Promise((r) => setTimeout(r, 20));
    const nodeSetupMs = Date.now() - t0;

    const pods = client.resource<Pod>(podsRef);
    const rv = (await pods.list(undefined, { limit: 1 })).metadata?.resourceVersion;
    let bound = 0;
    let lastBound = 0;
    const done = new Promise<void>((resolve) => {
      const watchAbort = new AbortController();
      abort.signal.addEventListener('abort', () => watchAbort.abort(), { once: true });
      void (async () => {
        const seen = new Set<string>();
        for await (const ev of pods.watch(undefined, { resourceVersion: rv, signal: watchAbort.signal })) {
          if (ev.type !== 'MODIFIED' || !ev.object.spec?.nodeName) continue;
          const name = ev.object.metadata.name;
          if (seen.has(name)) continue;
          seen.add(name);
          bound++;
          if (bound === opts.pods) {
            lastBound = Date.now();
            watchAbort.abort();
            resolve();
          }
        }
      })().catch(() => resolve());
    });
    const start = Date.now();
    const cpu0 = process.cpuUsage();
    let created = 0;
    const progress = process.env.BENCH_PROGRESS ? setInterval(() => console.error(JSON.stringify({ ms: Date.now() - start, created, watchedBound: bound, scheduler: scheduler.stats() })), 250) : undefined;
    await pool([...Array(opts.pods).keys()], 128, async (i) => {
      await pods.create('default', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, labels: { app: `a${i % 50}` } },
        spec: { containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      });
      created++;
    });
    const createdAt = Date.now();
    const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${bound}/${opts.pods} bound`)), 600_000).unref());
    await Promise.race([done, timeout]);
    if (progress) clearInterval(progress);
    const seconds = (lastBound - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return {
      store: opts.store === 'memory' ? 'MemoryStore' : 'SQLite (WAL, fsync per commit group) in a temp dir',
      nodes: opts.nodes, pods: opts.pods, nodeSetupMs, seconds,
      podsPerSecond: Math.round(opts.pods / seconds),
      createsPerSecond: Math.round(created / ((createdAt - start) / 1000)),
      podsPerCpuSecond: Math.round(opts.pods / cpuSeconds),
      rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
    };
  } finally {
    abort.abort();
    await running.catch(() => {});
    await api.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFigures(f: SchedulerFigures): string {
  return `scheduler: ${f.nodes} nodes, ${f.pods} pods on ${f.store}: ${f.podsPerSecond} pods/s bound (${f.seconds.toFixed(2)} s; ${f.podsPerCpuSecond} pods per CPU-second; creates ${f.createsPerSecond}/s; node setup ${f.nodeSetupMs} ms; RSS ${f.rssMb} MB)`;
}
