// Service proxy data-path cost (issue 6): HTTP requests/s and bulk MB/s from the "node" netns to
// a pod, straight to the pod IP versus through the Service's ClusterIP as programmed by a proxy
// mode, in the throwaway netns topology of the conformance suite (needs root and iproute2; the
// iptables mode needs iptables-restore). The pod server is a single Node.js process, so the
// figures are relative: what matters is the ClusterIP/pod-IP ratio.
//   node bench/service-proxy.mjs [mode=iptables|userspace] [seconds=3] [concurrency=16]
import { execFile } from 'node:child_process';
import { RestClient } from '../src/client/rest-client.js';
import { FakeApi } from '../src/client/testing/fake-api.js';
import { startServiceProxy, type ProxyModeName } from '../src/network/proxy/index.js';
import { createNetnsEnv, netnsUnavailableReason } from '../src/network/proxy/testing/netns-env.js';

const loadScript = `
const http = require('node:http');
const o = JSON.parse(process.argv[1]);
const agent = o.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: o.concurrency }) : false;
let requests = 0, bytes = 0, errors = 0; const end = Date.now() + o.seconds * 1000; const start = Date.now();
const one = () => new Promise((resolve) => {
  const req = http.get({ host: o.host, port: o.port, path: o.path, agent }, (res) => {
    res.on('data', (d) => (bytes += d.length)); res.on('end', () => { requests++; resolve(); });
  });
  req.on('error', () => { errors++; resolve(); });
});
const worker = async () => { while (Date.now() < end) await one(); };
Promise.all(Array.from({ length: o.concurrency }, worker)).then(() => {
  console.log(JSON.stringify({ requests, bytes, errors, seconds: (Date.now() - start) / 1000 }));
  process.exit(0);
});
`;

interface LoadResult { requests: number; bytes: number; errors: number; seconds: number }

function load(netns: string, o: { host: string; port: number; path: string; seconds: number; concurrency: number; keepAlive: boolean }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', netns, process.execPath, '-e', loadScript, JSON.stringify(o)], { timeout: (o.seconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`load: ${String(stderr) || err.message}`));
      else resolve(JSON.parse(String(stdout)) as LoadResult);
    });
  });
}

export interface ServiceProxyFigures { mode: string; rows: Array<{ test: string; target: string; rps: number; mbps: number; errors: number }> }

export async function benchServiceProxy(opts: { mode?: ProxyModeName; seconds?: number; concurrency?: number } = {}): Promise<ServiceProxyFigures> {
  const reason = netnsUnavailableReason();
  if (reason) throw new Error(`bench/service-proxy: ${reason}`);
  const mode = opts.mode ?? 'iptables';
  const seconds = opts.seconds ?? 3;
  const concurrency = opts.concurrency ?? 16;
  const env = await createNetnsEnv({ pods: 1 });
  const api = new FakeApi();
  const proxy = await startServiceProxy({ transport: api, nodeName: 'node-a', nodeIPs: [env.nodeIP], clusterCidr: env.clusterCidr, mode, netns: env.node, minSyncPeriodMs: 100, cleanup: true });
  try {
    const client = new RestClient(api);
    await client.resource({ group: '', version: 'v1', resource: 'services', namespaced: true }).create('default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80 }] },
    });
    await client.resource({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true }).create('default', {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4', endpoints: [{ addresses: [env.pods[0]!.ip], conditions: { ready: true }, nodeName: 'node-a' }], ports: [{ name: 'http', port: env.httpPort, protocol: 'TCP' }],
    });
    await Promise.race([proxy.synced(), new Promise((_, reject) => setTimeout(() => reject(new Error(`${mode} proxy did not sync within 30 s`)), 30_000).unref())]);
    const targets = [{ target: 'pod IP', host: env.pods[0]!.ip, port: env.httpPort }, { target: 'ClusterIP', host: '10.43.0.10', port: 80 }];
    // Wait until the ClusterIP answers (the sync after the objects were created).
    for (let i = 0; ; i++) {
      const r = await load(env.node, { host: '10.43.0.10', port: 80, path: '/', seconds: 0.05, concurrency: 1, keepAlive: false });
      if (r.requests > 0) break;
      if (i === 100) throw new Error(`the ClusterIP never answered in ${mode} mode`);
      await new Promise((res) => setTimeout(res, 100));
    }
    // Warm the server up (JIT) so the first measured target is not penalised.
    await load(env.node, { host: env.pods[0]!.ip, port: env.httpPort, path: '/', seconds: 2, concurrency, keepAlive: true });
    const rows: ServiceProxyFigures['rows'] = [];
    const tests = [
      { test: 'small GET, new connection each', path: '/', keepAlive: false, concurrency },
      { test: 'small GET, keep-alive', path: '/', keepAlive: true, concurrency },
      { test: '16 MiB GET (bulk)', path: '/big', keepAlive: true, concurrency: 2 },
    ];
    for (const t of tests) {
      // Two rounds in alternating order (A B B A), averaged, to cancel drift on a busy machine.
      const sums = new Map<string, LoadResult>();
      for (const target of [...targets, ...[...targets].reverse()]) {
        const r = await load(env.node, { host: target.host, port: target.port, path: t.path, seconds: seconds / 2, concurrency: t.concurrency, keepAlive: t.keepAlive });
        const acc = sums.get(target.target) ?? { requests: 0, bytes: 0, errors: 0, seconds: 0 };
        sums.set(target.target, { requests: acc.requests + r.requests, bytes: acc.bytes + r.bytes, errors: acc.errors + r.errors, seconds: acc.seconds + r.seconds });
      }
      for (const target of targets) {
        const r = sums.get(target.target)!;
        rows.push({ test: t.test, target: target.target, rps: r.requests / r.seconds, mbps: r.bytes / r.seconds / 1e6, errors: r.errors });
      }
    }
    return { mode, rows };
  } finally {
    await proxy.stop();
    await env.stop();
  }
}

export function formatFigures(f: ServiceProxyFigures): string {
  const lines = [`service proxy (${f.mode} mode): node netns -> 1 pod (Node.js http server), pod IP vs ClusterIP`];
  for (const r of f.rows) {
    lines.push(`  ${r.test.padEnd(32)} ${r.target.padEnd(10)} ${r.rps.toFixed(0).padStart(7)} req/s ${r.mbps.toFixed(1).padStart(8)} MB/s${r.errors ? `  errors=${r.errors}` : ''}`);
  }
  return lines.join('\n');
}
