// Deployment figures (issue 4): an in-process API server (SQLite store in a temp dir by default,
// or MemoryStore), the ReplicaSet and Deployment controllers sharing one informer factory, and a
// fake kubelet that marks pods Running/Ready as they appear (no scheduling, no containers).
// Measures, for a Deployment of N replicas: time until all pods exist, until status reports N
// available (rollout complete), then a rolling update (new image) until complete again. CPU is
// process.cpuUsage() of this one process, so it includes the API server, store and fake kubelet,
// not only the controllers; memory is the process RSS and heap.
//   node bench/deployment.mjs [replicas=1000] [store=sqlite|memory] [nodeName]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setMaxListeners } from 'node:events';
import { ApiServer } from '../src/apiserver/server.js';
import { MemoryStore } from '../src/storage/backends/memory/index.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { silentLogger } from '../src/api/log.js';
import { RestClient } from '../src/client/rest-client.js';
import { InformerFactory } from '../src/client/informer-factory.js';
import { ReplicaSetController } from '../src/controllers/replicaset/replicaset-controller.js';
import { DeploymentController } from '../src/controllers/deployment/deployment-controller.js';
import { FakeKubelet } from '../src/controllers/common/fake-kubelet.js';
import { deploymentsResource, type DeploymentObject } from '../src/controllers/common/types.js';

export interface Phase {
  name: string;
  seconds: number;
  cpuSeconds: number;
}

export interface DeploymentFigures {
  store: string;
  replicas: number;
  nodeName?: string;
  /** Create → all N pods exist (seen by the kubelet's informer). */
  podsExistSeconds: number;
  /** Create → status availableReplicas = N and Progressing NewReplicaSetAvailable. */
  availableSeconds: number;
  /** New image → rollout complete again. */
  rollingUpdateSeconds: number;
  phases: Phase[];
  rssMbBefore: number;
  rssMbAfter: number;
  heapMbAfter: number;
}

const mb = (n: number) => Math.round(n / 1024 / 1024);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

async function until(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function benchDeployment(opts: { replicas?: number; store?: 'sqlite' | 'memory'; timeoutMs?: number; nodeName?: string } = {}): Promise<DeploymentFigures> {
  const replicas = opts.replicas ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const storeName = opts.store ?? 'sqlite';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-deploy-'));
  const store: Store = storeName === 'memory' ? new MemoryStore() : await openStore({ dataDir: dir, log: silentLogger });
  const api = new ApiServer({ store, log: silentLogger, clientCA: '' });
  await api.start();
  const transport = api.inProcessTransport();
  const client = new RestClient(transport, { fieldManager: 'bench' });
  const deployments = client.resource<DeploymentObject>(deploymentsResource);
  const abort = new AbortController();
  // Every informer, worker pool and recorder listens on this one signal.
  setMaxListeners(100, abort.signal);
  const informers = new InformerFactory(new RestClient(transport, { fieldManager: 'kube-controller-manager' }), { log: silentLogger });
  // With a node name the kubelet binds pods first, so deletions are graceful and it finishes them.
  const kubelet = new FakeKubelet({ transport, workers: 16, nodeName: opts.nodeName });
  const running = [
    new ReplicaSetController({ transport, log: silentLogger, informers }).start(abort.signal),
    new DeploymentController({ transport, log: silentLogger, informers }).start(abort.signal),
    kubelet.start(abort.signal),
  ];
  const phases: Phase[] = [];
  const rssMbBefore = mb(process.memoryUsage().rss);
  try {
    await kubelet.informer.waitForSync(abort.signal);
    const complete = async (image: string) => {
      const d = await deployments.get('default', 'bench');
      const s = d.status ?? {};
      return d.spec.template.spec?.containers[0]?.image === image && s.observedGeneration === d.metadata.generation
        && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas
        && !!s.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable');
    };
    const podsOf = (image: string) => kubelet.informer.lister.list({ namespace: 'default' })
      .filter((p) => !p.metadata.deletionTimestamp && p.spec?.containers[0]?.image === image).length;

    let t0 = performance.now(), c0 = cpu();
    await deployments.create('default', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bench' },
      spec: {
        replicas, selector: { matchLabels: { app: 'bench' } },
        template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'img:1', resources: { requests: { cpu: '1m' } } }] } },
      },
    });
    await until(() => podsOf('img:1') >= replicas, timeoutMs, 'pods');
    const podsExistSeconds = (performance.now() - t0) / 1000;
    phases.push({ name: 'create → pods exist', seconds: podsExistSeconds, cpuSeconds: cpu() - c0 });
    await until(() => complete('img:1'), timeoutMs, 'available');
    const availableSeconds = (performance.now() - t0) / 1000;
    phases.push({ name: 'create → available', seconds: availableSeconds, cpuSeconds: cpu() - c0 });

    t0 = performance.now(); c0 = cpu();
    await deployments.patch('default', 'bench', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    await until(() => complete('img:2'), timeoutMs, 'rolling update');
    const rollingUpdateSeconds = (performance.now() - t0) / 1000;
    phases.push({ name: 'rolling update', seconds: rollingUpdateSeconds, cpuSeconds: cpu() - c0 });
    const m = process.memoryUsage();
    return { store: storeName, replicas, nodeName: opts.nodeName, podsExistSeconds, availableSeconds, rollingUpdateSeconds, phases, rssMbBefore, rssMbAfter: mb(m.rss), heapMbAfter: mb(m.heapUsed) };
  } finally {
    abort.abort();
    await Promise.all(running.map((p) => p.catch(() => {})));
    await api.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatDeploymentFigures(f: DeploymentFigures): string {
  const lines = [`deployment: ${f.replicas} replicas on ${f.store}${f.nodeName ? ` (pods bound to ${f.nodeName})` : ''}: pods exist ${f.podsExistSeconds.toFixed(2)} s, available ${f.availableSeconds.toFixed(2)} s, rolling update ${f.rollingUpdateSeconds.toFixed(2)} s`];
  for (const p of f.phases) lines.push(`  ${p.name}: ${p.seconds.toFixed(2)} s wall, ${p.cpuSeconds.toFixed(2)} CPU-s (whole process: API server + store + controllers + fake kubelet)`);
  lines.push(`  RSS ${f.rssMbBefore} MB before → ${f.rssMbAfter} MB after; heap ${f.heapMbAfter} MB`);
  return lines.join('\n');
}
