// The pod network in a test-made network namespace standing in for the node, with two more as
// pods: setupPodNetwork, then the conflist's own plugins (bridge, host-local, portmap) run by
// hand as containerd would, then real traffic between them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, silentLogger } from '../../api/log.js';
import { linkAddresses, readSysctl, runHostCommand } from '../../network/host/index.js';
import type { CniConfList } from './cni-config.js';
import { cniAdd, cniDel, type CniInvocation, type CniResult } from './cni-exec.js';
import { removePodNetwork, setupPodNetwork, type PodNetwork } from './setup.js';
import { ensureBridge } from './bridge.js';

const cniPath = '/usr/lib/cni';
const missing = [
  process.getuid?.() !== 0 && 'root',
  !['bridge', 'host-local', 'portmap'].every((p) => existsSync(join(cniPath, p))) && `CNI plugins in ${cniPath}`,
  !existsSync('/usr/bin/busybox') && !existsSync('/bin/busybox') && 'busybox',
  !existsSync('/usr/sbin/iptables') && !existsSync('/sbin/iptables') && 'iptables',
].filter(Boolean);
const skip = missing.length > 0;
if (skip) console.warn(`skipping pod network netns tests: needs ${missing.join(', ')}`);

const tag = randomBytes(3).toString('hex');
const nodeNs = `kites-test-${tag}`;
const podNs = [`kites-test-${tag}-p1`, `kites-test-${tag}-p2`];
const ip = (...args: string[]) => runHostCommand('ip', args);
const inNs = (ns: string, cmd: string, args: string[], timeoutMs = 10_000) => runHostCommand(cmd, args, { netns: ns, timeoutMs });
const bare = (cidr: string) => cidr.split('/')[0]!;

describe.skipIf(skip)('pod network in a network namespace', () => {
  let dataDir: string;
  let confDir: string;
  let net: PodNetwork;
  let conflist: CniConfList;
  const results: CniResult[] = [];
  let httpd: ChildProcess | undefined;
  const opts = () => ({ dataDir, cniConfDir: confDir, clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16', netns: nodeNs });
  const invocation = (i: number): CniInvocation => ({
    conflist, containerId: `kites-test-${tag}-${i}`, podNetns: `/run/netns/${podNs[i]}`, cniPath, netns: nodeNs,
    runtimeConfig: i === 1 ? { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] } : undefined,
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kites-podnet-'));
    confDir = join(dataDir, 'agent', 'cni', 'net.d');
    for (const ns of [nodeNs, ...podNs]) await ip('netns', 'add', ns);
    await inNs(nodeNs, 'ip', ['link', 'set', 'lo', 'up']);
    // Whatever the machine's own setting, the namespace starts with forwarding off.
    await inNs(nodeNs, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=0']);
  });
  afterAll(async () => {
    httpd?.kill('SIGKILL');
    for (const ns of [...podNs, nodeNs]) await ip('netns', 'del', ns).catch(() => {});
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('waits for the pod CIDR, then configures bridge, routes, sysctls and the conflist (idempotently)', async () => {
    let calls = 0;
    const nodes = { get: async () => ({ metadata: { name: 'n1' }, spec: ++calls < 3 ? {} : { podCIDR: '10.42.7.0/24', podCIDRs: ['10.42.7.0/24'] } }) };
    const lines: string[] = [];
    net = await setupPodNetwork({ ...opts(), nodes, nodeName: 'n1', log: createLogger({ level: 'info', write: (l) => lines.push(l) }), podCidrPollMs: 5 });
    // Forwarding was off: the fix is made and logged.
    expect(lines.join('\n')).toMatch(/set sysctl for the pod network.*net\.ipv4\.ip_forward/);
    expect(net).toMatchObject({ podCidr: '10.42.7.0/24', gateway: '10.42.7.1', bridge: 'cni0' });
    conflist = JSON.parse(readFileSync(join(confDir, '10-kites.conflist'), 'utf8')) as CniConfList;
    expect(conflist.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap']);
    expect(await linkAddresses('cni0', { netns: nodeNs })).toContain('10.42.7.1/24');
    const routes = await inNs(nodeNs, 'ip', ['route', 'show']);
    expect(routes).toMatch(/^unreachable 10\.42\.0\.0\/16/m);
    expect(routes).toMatch(/^10\.43\.0\.0\/16 dev kites-svc/m);
    expect(await readSysctl('net.ipv4.ip_forward', { netns: nodeNs })).toBe('1');
    expect(await readSysctl('net.bridge.bridge-nf-call-iptables', { netns: nodeNs })).toBe('1');
    // A restarted agent converges on the same state.
    await setupPodNetwork({ ...opts(), nodes, nodeName: 'n1', log: silentLogger, podCidrPollMs: 5 });
    expect(await linkAddresses('cni0', { netns: nodeNs })).toEqual(['10.42.7.1/24']);
  });

  it('gives pods addresses on the bridge; they reach each other, the node, and a hostPort (also hairpin)', async () => {
    for (let i = 0; i < 2; i++) results.push(await cniAdd(invocation(i)));
    const [a, b] = results.map((r) => bare(r.ips![0]!.address));
    expect(a).toBe('10.42.7.2');
    expect(b).toBe('10.42.7.3');
    expect(await inNs(podNs[0]!, 'ip', ['route', 'show', 'default'])).toMatch(/default via 10\.42\.7\.1 dev eth0/);
    await inNs(podNs[0]!, 'busybox', ['ping', '-c', '1', '-W', '2', b!]);
    await inNs(nodeNs, 'busybox', ['ping', '-c', '1', '-W', '2', a!]);

    const www = join(dataDir, 'www');
    mkdirSync(www);
    writeFileSync(join(www, 'index.html'), 'hello from p2\n');
    httpd = spawn('ip', ['netns', 'exec', podNs[1]!, 'busybox', 'httpd', '-f', '-p', '80', '-h', www], { stdio: 'ignore' });
    // busybox's static wget crashes on this host; an HTTP/1.0 request through nc does the same.
    const get = async (ns: string, host: string, port = 80) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        try {
          const res = await runHostCommand('busybox', ['nc', '-w', '2', host, String(port)], { netns: ns, input: 'GET / HTTP/1.0\r\n\r\n', timeoutMs: 5000 });
          return res.split('\r\n\r\n')[1];
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    expect(await get(podNs[0]!, b!)).toBe('hello from p2\n');
    // portmap: the node's own address, port 8080 → p2:80; and p2 reaching itself that way (hairpin).
    expect(await get(nodeNs, '10.42.7.1', 8080)).toBe('hello from p2\n');
    expect(await get(podNs[1]!, '10.42.7.1', 8080)).toBe('hello from p2\n');
    // Another node's gateway on a bridge with pods attached is refused, not taken over.
    await expect(ensureBridge('cni0', '10.42.8.1/24', { netns: nodeNs })).rejects.toThrow(/another node on this machine/);
  });

  it('keeps unserved cluster and service addresses on the node (unreachable)', async () => {
    await expect(inNs(nodeNs, 'ip', ['route', 'get', '10.42.99.9'])).rejects.toThrow(/unreachable|No route to host/i);
    // The node's own connection to an unserved Service IP is refused at once (filter OUTPUT).
    const t0 = Date.now();
    await expect(inNs(nodeNs, 'busybox', ['nc', '-w', '3', '10.43.0.99', '80'])).rejects.toThrow(/No route to host/);
    expect(Date.now() - t0).toBeLessThan(2900);
    // From a pod: the gateway answers "unreachable" at once rather than forwarding it anywhere.
    const started = Date.now();
    await expect(inNs(podNs[0]!, 'busybox', ['nc', '-w', '3', '10.43.0.99', '80'])).rejects.toThrow(/No route to host/);
    expect(Date.now() - started).toBeLessThan(2900);
  });

  it('releases addresses on DEL and removes everything on removePodNetwork', async () => {
    for (let i = 1; i >= 0; i--) await cniDel(invocation(i), results[i]);
    const ipamDir = join(dataDir, 'agent', 'cni', 'ipam', 'kites');
    expect(readdirSync(ipamDir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f))).toEqual([]);
    // Without pods, a stale address (an earlier Node's CIDR) is replaced.
    await ensureBridge('cni0', '10.42.8.1/24', { netns: nodeNs });
    expect((await linkAddresses('cni0', { netns: nodeNs })).filter((a) => !a.includes(':'))).toEqual(['10.42.8.1/24']);
    await removePodNetwork(opts());
    expect(await inNs(nodeNs, 'ip', ['route', 'show'])).not.toMatch(/unreachable/);
    expect(existsSync(join(confDir, '10-kites.conflist'))).toBe(false);
    await expect(inNs(nodeNs, 'ip', ['link', 'show', 'cni0'])).rejects.toThrow();
  });
});
