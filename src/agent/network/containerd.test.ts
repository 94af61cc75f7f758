// The pod network end to end with containerd's CRI plugin: a private containerd in a test network
// namespace (the CRI work's fixture) loads the conflist setupPodNetwork wrote, and real pods get
// addresses from the node's pod CIDR, talk to each other, answer on a hostPort, see the
// node-managed /etc/hosts and resolv.conf, and cannot reach unserved service addresses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, silentLogger } from '../../api/log.js';
import { runHostCommand } from '../../network/host/index.js';
import type { ContainerConfig, PodSandboxConfig } from '../runtime/types.js';
import { containerConfig, sandboxConfig } from '../runtime/testing/conformance.js';
import { BUSYBOX, ContainerdFixture, containerdUnavailable } from '../runtime/cri/testing/containerd-fixture.js';
import { createCriRuntime, type CriContainerRuntime } from '../runtime/cri/index.js';
import type { PodObject } from '../pods/pod-types.js';
import { podDnsConfig } from '../pods/dns.js';
import { etcHostsMount } from '../pods/etc-hosts.js';
import { setupPodNetwork } from './setup.js';

const skip = containerdUnavailable() ?? (existsSync('/usr/lib/cni/portmap') ? undefined : '/usr/lib/cni/portmap is missing');
const log = createLogger({ level: 'warn' });

async function until<T>(fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`condition not met in time${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skip !== undefined)(`pod network on containerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let fixture: ContainerdFixture;
  let cri: CriContainerRuntime;
  let dir: string;
  beforeAll(async () => {
    fixture = await ContainerdFixture.start();
    dir = mkdtempSync(join(tmpdir(), 'kites-podnet-ctrd-'));
    // Only our network in the conf dir: containerd takes the first file by name.
    rmSync(join(fixture.dir, 'cni', '10-kites-test.conflist'), { force: true });
    const nodes = { get: async () => ({ metadata: { name: 'n1' }, spec: { podCIDR: '10.42.7.0/24', podCIDRs: ['10.42.7.0/24'] } }) };
    await setupPodNetwork({
      nodes, nodeName: 'n1', dataDir: dir, cniConfDir: join(fixture.dir, 'cni'),
      clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16', netns: fixture.netns, log: silentLogger,
    });
    cri = await createCriRuntime({ endpoint: fixture.socket, log, timeoutMs: 20_000, nodeIPs: ['192.0.2.10'], dialStream: fixture.dialStream });
  }, 120_000);
  afterAll(async () => {
    await cri?.close();
    await fixture?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const podObject = (name: string): PodObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: `uid-${name}` }, spec: { containers: [{ name: 'c' }] } } as PodObject);
  const exec = async (id: string, script: string) => {
    const r = await cri.runtime.execSync(id, ['sh', '-c', script], 10_000);
    return { code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() };
  };

  it('runs pods on the bridge with their DNS, /etc/hosts, hostPorts and unreachable service addresses', async () => {
    const start = async (name: string, command: string[], extra: Partial<PodSandboxConfig> = {}) => {
      const pod = podObject(name);
      const dnsConfig = podDnsConfig(pod, { clusterDns: ['10.43.0.10'], clusterDomain: 'cluster.local', hostResolvConf: 'nameserver 192.0.2.53\n' });
      const sb: PodSandboxConfig = { ...sandboxConfig(dir, name), uid: pod.metadata.uid, namespace: 'shop', hostNetwork: false, dnsConfig, ...extra };
      const sandbox = await cri.runtime.runPodSandbox(sb);
      const ip = (await cri.runtime.podSandboxStatus(sandbox))!.ips[0]!;
      const hosts = etcHostsMount(join(dir, 'pods', name), pod, {}, { podIPs: [ip], clusterDomain: 'cluster.local' })!;
      const c: ContainerConfig = containerConfig(dir, 'c', command, { image: BUSYBOX, logPath: join(dir, 'logs', name, 'c', '0.log'), mounts: [hosts] });
      const id = await cri.runtime.createContainer(sandbox, c, sb);
      await cri.runtime.startContainer(id);
      return { ip, id };
    };
    const a = await start('a', ['sleep', '120']);
    const www = 'mkdir -p /www && echo hello-from-b > /www/index.html && exec httpd -f -p 80 -h /www';
    const b = await start('b', ['sh', '-c', www], { portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] });
    expect(a.ip).toMatch(/^10\.42\.7\.\d+$/);
    expect(b.ip).toMatch(/^10\.42\.7\.\d+$/);

    const resolv = (await exec(a.id, 'cat /etc/resolv.conf')).out;
    expect(resolv).toContain('nameserver 10.43.0.10\n');
    expect(resolv).toContain('search shop.svc.cluster.local svc.cluster.local cluster.local\n');
    expect(resolv).toContain('options ndots:5\n');
    expect((await exec(a.id, 'cat /etc/hosts')).out).toContain(`${a.ip}\ta\n`);
    expect((await exec(a.id, 'ip route')).out).toMatch(/default via 10\.42\.7\.1/);

    const httpGet = (host: string, port: number) => `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} ${port}`;
    await until(async () => (await exec(a.id, httpGet(b.ip, 80))).out.includes('hello-from-b'));
    // hostPort through portmap, from the node and hairpinned from the pod itself.
    await until(async () => (await runHostCommand('busybox', ['nc', '-w', '2', '10.42.7.1', '8080'], { netns: fixture.netns, input: 'GET / HTTP/1.0\r\n\r\n' })).includes('hello-from-b'));
    await until(async () => (await exec(b.id, httpGet('10.42.7.1', 8080))).out.includes('hello-from-b'));
    // Nothing serves 10.43.0.99: the node answers "unreachable" at once.
    const r = await exec(a.id, 'nc -w 3 10.43.0.99 80 </dev/null');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/No route to host/);
  }, 90_000);
});
