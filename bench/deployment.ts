// Deployment figures (issue 4): the real API server (SQLite store in a temp dir by default, or
// MemoryStore) and a fake kubelet that marks pods Running/Ready as they appear (no scheduling,
// no containers), with the ReplicaSet and Deployment controllers sharing one informer factory —
// by default in a child process talking HTTPS to the API server (x509 admin from a throwaway
// PKI), so that their CPU and memory are measured on their own; or all in one process.
// For a Deployment of N replicas: time until all pods exist, until status reports N available
// (rollout complete), then a rolling update (new image) until complete again.
//   node bench/deployment.mjs [replicas=1000] [store=sqlite|memory] [controllers=child|in-process] [nodeName]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { ApiServer } from '../src/apiserver/server.js';
import { MemoryStore } from '../src/storage/backends/memory/index.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { silentLogger } from '../src/api/log.js';
import { RestClient } from '../src/client/rest-client.js';
import { InformerFactory } from '../src/client/informer-factory.js';
import { loadKubeconfig, type Kubeconfig } from '../src/client/kubeconfig.js';
import { HttpTransport } from '../src/client/http-transport.js';
import type { RestTransport } from '../src/client/transport.js';
import { makeTestPki } from '../src/client/testing/test-certs.js';
import { ReplicaSetController } from '../src/controllers/replicaset/replicaset-controller.js';
import { DeploymentController } from '../src/controllers/deployment/deployment-controller.js';
import { FakeKubelet } from '../src/controllers/common/fake-kubelet.js';
import { deploymentsResource, type DeploymentObject } from '../src/controllers/common/types.js';

export interface Usage {
  cpuSeconds: number;
  rssMb: number;
  heapMb: number;
}

export interface Phase {
  name: string;
  seconds: number;
  /** CPU of the controllers (child mode) or of the whole process (in-process mode). */
  cpuSeconds: number;
  /** Child mode: CPU of the parent (API server, store, fake kubelet). */
  serverCpuSeconds?: number;
}

export interface DeploymentFigures {
  store: string;
  replicas: number;
  controllers: 'child' | 'in-process';
  nodeName?: string;
  /** Create → all N pods exist (seen by the kubelet's informer). */
  podsExistSeconds: number;
  /** Create → status availableReplicas = N and Progressing NewReplicaSetAvailable. */
  availableSeconds: number;
  /** New image → rollout complete again. */
  rollingUpdateSeconds: number;
  phases: Phase[];
  /** Controllers (child) or whole process (in-process), before the Deployment and at the end. */
  before: Usage;
  after: Usage;
}

const mb = (n: number) => Math.round(n / 1024 / 1024);

export function usageNow(): Usage {
  const u = process.cpuUsage(), m = process.memoryUsage();
  return { cpuSeconds: (u.user + u.system) / 1e6, rssMb: mb(m.rss), heapMb: mb(m.heapUsed) };
}

async function until(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts both controllers on `transport`; resolves once their caches are synced. */
export async function startWorkloadControllers(transport: RestTransport, signal: AbortSignal): Promise<Promise<unknown>[]> {
  const informers = new InformerFactory(new RestClient(transport, { fieldManager: 'kube-controller-manager' }), { log: silentLogger });
  const running = [
    new ReplicaSetController({ transport, log: silentLogger, informers }).start(signal),
    new DeploymentController({ transport, log: silentLogger, informers }).start(signal),
  ];
  await informers.waitForCacheSync(signal);
  return running;
}

/** The child side: controllers over HTTPS, answering usage questions from the parent. */
export async function runControllerChild(): Promise<void> {
  const kubeconfig = JSON.parse(process.env.KITES_BENCH_KUBECONFIG ?? '{}') as Kubeconfig;
  // maxSockets: the client kit opens one TLS connection per concurrent request by default (HTTP/1.1;
  // upstream multiplexes over HTTP/2); the bench can cap it to compare.
  const maxSockets = Number(process.env.KITES_BENCH_MAX_SOCKETS) || undefined;
  const transport = new HttpTransport({ ...loadKubeconfig(kubeconfig).options, timeoutMs: 30_000, maxSockets });
  const abort = new AbortController();
  setMaxListeners(100, abort.signal);
  const running = await startWorkloadControllers(transport, abort.signal);
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'usage') process.send!({ type: 'usage', usage: usageNow() });
    if (m.type === 'stop') {
      abort.abort();
      await Promise.all(running.map((p) => p.catch(() => {})));
      transport.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', usage: usageNow() });
}

function ask(child: ChildProcess, type: string): Promise<Usage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string; usage: Usage }) => {
      if (m.type !== type && !(type === 'usage' && m.type === 'usage')) return;
      child.off('message', onMessage);
      resolve(m.usage);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`controller process exited (${code})`)));
    if (type === 'usage') child.send({ type: 'usage' });
  });
}

export interface BenchOptions {
  replicas?: number;
  store?: 'sqlite' | 'memory';
  controllers?: 'child' | 'in-process';
  /** Bind pods to this node (deletions become graceful and the fake kubelet finishes them). */
  nodeName?: string;
  timeoutMs?: number;
}

export async function benchDeployment(opts: BenchOptions = {}): Promise<DeploymentFigures> {
  const replicas = opts.replicas ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const storeName = opts.store ?? 'sqlite';
  const mode = opts.controllers ?? 'child';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-deploy-'));
  const store: Store = storeName === 'memory' ? new MemoryStore() : await openStore({ dataDir: dir, log: silentLogger });
  const pki = mode === 'child' ? makeTestPki() : undefined;
  const api = new ApiServer({ store, log: silentLogger, clientCA: pki?.caCert ?? '' });
  await api.start();
  const transport = api.inProcessTransport();
  const deployments = new RestClient(transport, { fieldManager: 'bench' }).resource<DeploymentObject>(deploymentsResource);
  const abort = new AbortController();
  // Every informer, worker pool and recorder listens on this one signal.
  setMaxListeners(100, abort.signal);
  const kubelet = new FakeKubelet({ transport, workers: 16, nodeName: opts.nodeName });
  const running: Promise<unknown>[] = [kubelet.start(abort.signal)];
  let child: ChildProcess | undefined;
  let usage: () => Promise<Usage> = async () => usageNow();
  try {
    if (pki) {
      const { port } = await api.listen({ port: 0, host: '127.0.0.1', cert: pki.serverCert, key: pki.serverKey });
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      const kubeconfig: Kubeconfig = {
        'current-context': 'kites',
        clusters: [{ name: 'kites', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': b64(pki.caCert) } }],
        users: [{ name: 'admin', user: { 'client-certificate-data': b64(pki.clientCert), 'client-key-data': b64(pki.clientKey) } }],
        contexts: [{ name: 'kites', context: { cluster: 'kites', user: 'admin' } }],
      };
      child = fork(new URL('./deployment.child.mjs', import.meta.url).pathname, [], { env: { ...process.env, KITES_BENCH_KUBECONFIG: JSON.stringify(kubeconfig) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      await ask(child, 'ready');
      const c = child;
      usage = () => ask(c, 'usage');
    } else {
      running.push(...(await startWorkloadControllers(transport, abort.signal)));
    }
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

    const phases: Phase[] = [];
    const before = await usage();
    let s0 = usageNow().cpuSeconds;
    const serverCpu = () => (mode === 'child' ? usageNow().cpuSeconds - s0 : undefined);
    let t0 = performance.now();
    await deployments.create('default', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bench' },
      spec: {
        replicas, selector: { matchLabels: { app: 'bench' } },
        template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'img:1', resources: { requests: { cpu: '1m' } } }] } },
      },
    });
    await until(() => podsOf('img:1') >= replicas, timeoutMs, 'pods');
    const podsExistSeconds = (performance.now() - t0) / 1000;
    phases.push({ name: 'create → pods exist', seconds: podsExistSeconds, cpuSeconds: (await usage()).cpuSeconds - before.cpuSeconds, serverCpuSeconds: serverCpu() });
    await until(() => complete('img:1'), timeoutMs, 'available');
    const availableSeconds = (performance.now() - t0) / 1000;
    const atAvailable = await usage();
    phases.push({ name: 'create → available', seconds: availableSeconds, cpuSeconds: atAvailable.cpuSeconds - before.cpuSeconds, serverCpuSeconds: serverCpu() });

    t0 = performance.now();
    s0 = usageNow().cpuSeconds;
    await deployments.patch('default', 'bench', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    await until(() => complete('img:2'), timeoutMs, 'rolling update');
    const rollingUpdateSeconds = (performance.now() - t0) / 1000;
    const after = await usage();
    phases.push({ name: 'rolling update', seconds: rollingUpdateSeconds, cpuSeconds: after.cpuSeconds - atAvailable.cpuSeconds, serverCpuSeconds: serverCpu() });
    return { store: storeName, replicas, controllers: mode, nodeName: opts.nodeName, podsExistSeconds, availableSeconds, rollingUpdateSeconds, phases, before, after };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill();
    }
    abort.abort();
    await Promise.all(running.map((p) => p.catch(() => {})));
    await api.close();
    await store.close();
    pki?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatDeploymentFigures(f: DeploymentFigures): string {
  const who = f.controllers === 'child' ? 'controllers process (HTTPS client)' : 'whole process: API server + store + controllers + fake kubelet';
  const lines = [`deployment: ${f.replicas} replicas on ${f.store}${f.nodeName ? ` (pods bound to ${f.nodeName})` : ''}: pods exist ${f.podsExistSeconds.toFixed(2)} s, available ${f.availableSeconds.toFixed(2)} s, rolling update ${f.rollingUpdateSeconds.toFixed(2)} s`];
  for (const p of f.phases) {
    const server = p.serverCpuSeconds !== undefined ? `; API server + store + fake kubelet process ${p.serverCpuSeconds.toFixed(2)} CPU-s` : '';
    lines.push(`  ${p.name}: ${p.seconds.toFixed(2)} s wall, ${p.cpuSeconds.toFixed(2)} CPU-s (${who})${server}`);
  }
  lines.push(`  memory (${who}): RSS ${f.before.rssMb} MB → ${f.after.rssMb} MB, heap ${f.before.heapMb} MB → ${f.after.heapMb} MB`);
  return lines.join('\n');
}
