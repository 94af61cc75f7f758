// The node-local arrangement end to end, inside network namespaces this test creates: a "node"
// namespace holds the cluster DNS address on a dummy link (or lo) and runs the DNS server bound
// to it; a "pod" namespace reaches it through a veth whose node end is its gateway, with no NAT,
// exactly as a pod on the CNI bridge would. Root only.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function canUseNetns(): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/dig')) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const root = fileURLToPath(new URL('../../', import.meta.url));
// The server child (inside the node netns): an in-memory API with one Service and
// startNodeLocalClusterDns, which puts 10.43.0.10 on a link there, serves :53 and :9153 on it and
// writes kube-system/kube-dns.
const serverScript = `
import { register } from 'node:module';
register(${JSON.stringify(`${root}src/storage/testing/ts-hooks.mjs`)}, import.meta.url);
const { startNodeLocalClusterDns } = await import(${JSON.stringify(`${root}src/network/dns/node-local.ts`)});
const { FakeApi } = await import(${JSON.stringify(`${root}src/client/testing/fake-api.ts`)});
const { RestClient } = await import(${JSON.stringify(`${root}src/client/rest-client.ts`)});
const { silentLogger } = await import(${JSON.stringify(`${root}src/api/log.ts`)});
const fake = new FakeApi();
await new RestClient(fake).resource({ group: '', version: 'v1', resource: 'services', namespaced: true })
  .create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: '10.43.7.7', ports: [{ name: 'http', port: 80 }] } });
const dns = await startNodeLocalClusterDns({ transport: fake, clusterDns: '10.43.0.10', clusterDomain: 'cluster.local', upstreams: [], log: silentLogger });
const kubeDns = await new RestClient(fake).resource({ group: '', version: 'v1', resource: 'services', namespaced: true }).get('kube-system', 'kube-dns');
process.stdout.write('ready ' + kubeDns.spec.clusterIP + '\\n');
process.stdin.on('end', async () => { await dns.stop(); process.exit(0); });
process.stdin.resume();
`;

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(args[0]!, args.slice(1), { timeout: 15_000 }, (err, out, errOut) => (err ? reject(new Error(`${args.join(' ')}: ${errOut || err.message}`)) : resolve(out))));
}

describe.skipIf(!canUseNetns())('node-local cluster DNS (netns)', () => {
  const id = randomBytes(3).toString('hex');
  const nodeNs = `kites-test-${id}-node`;
  const podNs = `kites-test-${id}-pod`;
  let server: ChildProcess | undefined;
  let readyLine = '';

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', nodeNs]);
    execFileSync('ip', ['netns', 'add', podNs]);
    const sh = (ns: string, ...a: string[]) => execFileSync('ip', ['netns', 'exec', ns, ...a]);
    execFileSync('ip', ['link', 'add', `kt${id}n`, 'netns', nodeNs, 'type', 'veth', 'peer', 'name', `kt${id}p`, 'netns', podNs]);
    sh(nodeNs, 'ip', 'link', 'set', 'lo', 'up');
    sh(nodeNs, 'ip', 'addr', 'add', '10.99.0.1/24', 'dev', `kt${id}n`);
    sh(nodeNs, 'ip', 'link', 'set', `kt${id}n`, 'up');
    sh(podNs, 'ip', 'link', 'set', 'lo', 'up');
    sh(podNs, 'ip', 'addr', 'add', '10.99.0.2/24', 'dev', `kt${id}p`);
    sh(podNs, 'ip', 'link', 'set', `kt${id}p`, 'up');
    sh(podNs, 'ip', 'route', 'add', 'default', 'via', '10.99.0.1');
    server = spawn('ip', ['netns', 'exec', nodeNs, process.execPath, '--input-type=module', '-e', serverScript], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('DNS server child did not start in 20 s')), 20_000);
      server!.stdout!.on('data', (c: Buffer) => { if (c.toString().includes('ready')) { readyLine = c.toString().trim(); clearTimeout(timer); resolve(); } });
      server!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`DNS server child exited (${code})`)); });
    });
  }, 30_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise<void>((r) => server!.once('exit', () => r()));
      server.stdin!.end();
      const timer = setTimeout(() => server!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    for (const ns of [podNs, nodeNs]) {
      try { execFileSync('ip', ['netns', 'del', ns]); } catch { /* already gone */ }
    }
  });

  it('answers a pod querying the cluster DNS address through its gateway, over UDP and TCP', async () => {
    const dig = (...a: string[]) => run(['ip', 'netns', 'exec', podNs, 'dig', '@10.43.0.10', '+time=2', '+tries=1', ...a]);
    expect((await dig('+short', 'web.default.svc.cluster.local')).trim()).toBe('10.43.7.7');
    expect((await dig('+short', '+tcp', 'web.default.svc.cluster.local')).trim()).toBe('10.43.7.7');
    const full = await dig('nope.default.svc.cluster.local');
    expect(full).toContain('status: NXDOMAIN');
    expect(full).toContain('SERVER: 10.43.0.10#53');
    expect(readyLine).toBe('ready 10.43.0.10'); // kube-dns was written with the cluster DNS address
    const metrics = await run(['ip', 'netns', 'exec', podNs, '/bin/busybox', 'wget', '-qO-', 'http://10.43.0.10:9153/metrics']);
    expect(metrics).toMatch(/coredns_dns_requests_total\{[^}]*server="dns:\/\/10\.43\.0\.10:53"/);
  }, 20_000);

  it.skipIf(!existsSync('/bin/busybox'))('answers busybox nslookup as the acceptance pods run it (A+AAAA, SRV)', async () => {
    const nslookup = (...a: string[]) => run(['ip', 'netns', 'exec', podNs, '/bin/busybox', 'nslookup', ...a]);
    expect(await nslookup('web.default.svc.cluster.local', '10.43.0.10')).toMatch(/Address: 10\.43\.7\.7/);
    expect(await nslookup('-type=SRV', '_http._tcp.web.default.svc.cluster.local', '10.43.0.10')).toContain('0 100 80 web.default.svc.cluster.local');
  }, 20_000);
});
