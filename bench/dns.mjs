// Cluster DNS throughput: kites' server (synthetic Services and EndpointSlices through an
// in-memory API) versus unbound serving the same names as local-data, both measured with dnsperf
// on loopback with the same query mix.
//   node bench/dns.mjs [seconds=10] [services=1000] [rounds=3]
// Needs dnsperf and unbound (apt-get install -y dnsperf unbound); unbound is skipped if absent.
import { register } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { startClusterDns } = await import('../src/network/dns/server.ts');
const { FakeApi } = await import('../src/client/testing/fake-api.ts');
const { RestClient } = await import('../src/client/rest-client.ts');
const { silentLogger } = await import('../src/api/log.ts');

const seconds = Number(process.argv[2] ?? 10);
const nServices = Number(process.argv[3] ?? 1000);
const nHeadless = Math.max(1, Math.floor(nServices / 10));
const domain = 'cluster.local';
const dir = mkdtempSync(join(tmpdir(), 'kites-dns-bench-'));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// Synthetic cluster: ClusterIP services with a named port, headless services with 3 endpoints.
const fake = new FakeApi();
const client = new RestClient(fake, { fieldManager: 'bench' });
const svcs = client.resource({ group: '', version: 'v1', resource: 'services', namespaced: true });
const slices = client.resource({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true });
const localData = [];
const queries = [];
for (let i = 0; i < nServices; i++) {
  const ip = `10.43.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
  await svcs.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: `web-${i}` }, spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
  localData.push(`web-${i}.default.svc.${domain}. 5 IN A ${ip}`, `_http._tcp.web-${i}.default.svc.${domain}. 5 IN SRV 0 100 80 web-${i}.default.svc.${domain}.`);
}
for (let i = 0; i < nHeadless; i++) {
  await svcs.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: `db-${i}` }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } });
  const eps = [0, 1, 2].map((j) => ({ addresses: [`10.42.${1 + Math.floor(i / 80)}.${(i % 80) * 3 + j + 1}`], hostname: `db-${i}-${j}`, conditions: { ready: true } }));
  await slices.create('default', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `db-${i}-x`, labels: { 'kubernetes.io/service-name': `db-${i}` } }, addressType: 'IPv4', endpoints: eps, ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] });
  for (const ep of eps) localData.push(`db-${i}.default.svc.${domain}. 5 IN A ${ep.addresses[0]}`, `${ep.hostname}.db-${i}.default.svc.${domain}. 5 IN A ${ep.addresses[0]}`);
}
// The mix a pod with ndots:5 produces: mostly service A lookups, AAAA (NODATA), SRV, headless,
// and search-path misses (NXDOMAIN).
for (let i = 0; i < 2000; i++) {
  const r = i % 10;
  const s = (i * 7919) % nServices;
  const h = (i * 31) % nHeadless;
  if (r < 5) queries.push(`web-${s}.default.svc.${domain} A`);
  else if (r === 5) queries.push(`web-${s}.default.svc.${domain} AAAA`);
  else if (r === 6) queries.push(`_http._tcp.web-${s}.default.svc.${domain} SRV`);
  else if (r === 7) queries.push(`db-${h}.default.svc.${domain} A`);
  else queries.push(`web-${s}.default.svc.${domain}.default.svc.${domain} A`);
}
const queryFile = join(dir, 'queries.txt');
writeFileSync(queryFile, queries.join('\n') + '\n');

function dnsperf(port) {
  return new Promise((resolve, reject) => {
    const args = ['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(seconds), '-c', '8', '-q', '200', '-t', '2'];
    const p = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (out += c));
    p.on('error', reject);
    p.on('close', () => {
      const qps = /Queries per second:\s+([\d.]+)/.exec(out)?.[1];
      const lost = /Queries lost:\s+(\d+)/.exec(out)?.[1];
      const lat = /Average Latency \(s\):\s+([\d.]+)/.exec(out)?.[1];
      const codes = /Response codes:\s+(.*)/.exec(out)?.[1];
      if (!qps) reject(new Error(`dnsperf output not understood:\n${out}`));
      else resolve({ qps: Number(qps), lost: Number(lost), latencyMs: Number(lat) * 1000, codes });
    });
  });
}

// All servers run at once and dnsperf alternates between them for `rounds` rounds, so a noisy
// machine (shared CPUs) hurts each alike; the median round is reported.
const rounds = Number(process.argv[4] ?? 3);
const runs = {};
const stops = [];
const targets = [];
function unboundConf(threads, uport) {
  return [
    'server:',
    '  interface: 127.0.0.1', `  port: ${uport}`, '  do-daemonize: no', '  chroot: ""', '  username: ""', `  directory: "${dir}"`,
    `  pidfile: "${join(dir, `unbound-${threads}.pid`)}"`, '  use-syslog: no', '  logfile: ""', '  verbosity: 0', `  num-threads: ${threads}`,
    '  access-control: 127.0.0.0/8 allow', '  do-ip6: no', '  module-config: "iterator"', '  so-reuseport: yes',
    `  local-zone: "${domain}." static`,
    ...localData.map((d) => `  local-data: "${d}"`),
    'remote-control:', '  control-enable: no', '',
  ].join('\n');
}
try {
  const port = await freePort();
  const dns = await startClusterDns({ transport: fake, clusterDomain: domain, listen: [{ address: '127.0.0.1', port }], upstreams: [], log: silentLogger });
  stops.push(() => dns.stop());
  targets.push(['kites', port]);
  if (existsSync('/usr/sbin/unbound')) {
    for (const threads of [1, 2]) {
      const uport = await freePort();
      const conf = join(dir, `unbound-${threads}.conf`);
      writeFileSync(conf, unboundConf(threads, uport));
      execFileSync('unbound-checkconf', [conf], { stdio: 'ignore' });
      const ub = spawn('unbound', ['-d', '-c', conf], { stdio: 'ignore' });
      stops.push(async () => { ub.kill('SIGTERM'); await new Promise((r) => ub.once('exit', r)); });
      targets.push([`unbound-${threads}thread`, uport]);
    }
  }
  await new Promise((r) => setTimeout(r, 1500));
  for (const [, p] of targets) await dnsperf(p).catch(() => {}); // warm-up
  for (let i = 0; i < rounds; i++) {
    for (const [name, p] of targets) (runs[name] ??= []).push(await dnsperf(p));
  }
} finally {
  for (const stop of stops) await stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
const results = {};
for (const [name, list] of Object.entries(runs)) {
  list.sort((x, y) => x.qps - y.qps);
  results[name] = { ...list[Math.floor(list.length / 2)], all: list.map((r) => Math.round(r.qps)) };
}
console.log(`cluster DNS bench: ${nServices} ClusterIP + ${nHeadless} headless services; ${rounds} rounds of ${seconds}s dnsperf per server (8 clients, 200 outstanding); median shown`);
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(18)} ${r.qps.toFixed(0).padStart(8)} qps   lost ${r.lost}   avg latency ${r.latencyMs.toFixed(2)} ms   rounds [${r.all.join(', ')}]   ${r.codes ?? ''}`);
}
