import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { release } from 'node:os';
import { checkBridgeNetfilter, checkForwardPolicy, checkIpForward, parseForwardChain } from './network-checks.js';
import { fakeProbes } from './fake-probes.js';
import { systemProbes } from './probes.js';
import { runPreflight, formatChecks } from './index.js';
import { silentLogger } from '../../api/log.js';

describe('network checks (fakes)', () => {
  it('ip_forward: fail, fixed with fix, ok', async () => {
    const p = fakeProbes({}, { sysctls: { 'net.ipv4.ip_forward': '0' } });
    const r = await checkIpForward(p, false);
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/net.ipv4.ip_forward = 0: .*--fix/);
    expect(await checkIpForward(p, true)).toMatchObject({ status: 'fixed', message: 'net.ipv4.ip_forward was 0, set to 1' });
    expect((await checkIpForward(p, false)).status).toBe('ok');
  });

  it('br_netfilter: missing module is loaded with fix; 0 is set to 1', async () => {
    const p = fakeProbes({}, { modprobe: (m) => { if (m === 'br_netfilter') p.sysctls['net.bridge.bridge-nf-call-iptables'] = '0'; return true; } });
    expect((await checkBridgeNetfilter(p, false)).message).toMatch(/^br_netfilter not loaded/);
    const r = await checkBridgeNetfilter(p, true);
    expect(r.status).toBe('fixed');
    expect(r.message).toMatch(/^loaded br_netfilter; net.bridge.bridge-nf-call-iptables was 0, set to 1/);
  });

  it('FORWARD policy DROP: fail, then ACCEPT rules for the cluster CIDR with fix (policy untouched)', async () => {
    const p = fakeProbes({}, { forwardPolicy: 'DROP' });
    expect((await checkForwardPolicy(p, false, '10.42.0.0/16')).status).toBe('fail');
    expect((await checkForwardPolicy(p, true)).message).toMatch(/--cluster-cidr/);
    const fixed = await checkForwardPolicy(p, true, '10.42.0.0/16');
    expect(fixed.status).toBe('fixed');
    expect(p.forward[0]).toBe('-P FORWARD DROP');
    expect(await checkForwardPolicy(p, true, '10.42.0.0/16')).toMatchObject({ status: 'ok' });
    expect(parseForwardChain(p.forward.join('\n')).rules).toHaveLength(2);
    expect((await checkForwardPolicy(fakeProbes({}), false)).status).toBe('ok');
  });

  it('runPreflight reports blocking when any check fails; formatChecks prints one line each', async () => {
    const host = {
      '/usr/bin/runc': '', '/usr/bin/containerd': '', '/usr/lib/cni/bridge': '', '/usr/lib/cni/host-local': '', '/usr/lib/cni/portmap': '', '/usr/lib/cni/loopback': '',
      '/sys/fs/cgroup/cgroup.controllers': 'cpu memory pids', '/proc/filesystems': 'nodev\toverlay\n', '/proc/modules': 'overlay 1 0\nbr_netfilter 1 0\nbridge 1 0\nveth 1 0\nnf_conntrack 1 0\n',
    };
    const good = fakeProbes(host, { sysctls: { 'net.ipv4.ip_forward': '1', 'net.bridge.bridge-nf-call-iptables': '1' } });
    const ok = await runPreflight({ fix: false, log: silentLogger, probes: good });
    expect(ok.blocking).toBe(false);
    // The host-wide runtime checks (pause image, oom_score_adj) read the real machine; warn at most.
    expect(ok.checks.slice(0, 10).map((c) => c.status)).toEqual(Array(10).fill('ok'));
    expect(ok.checks.slice(10).map((c) => c.name)).toEqual(['pause image', 'oom_score_adj']);
    const bad = await runPreflight({ fix: false, log: silentLogger, probes: fakeProbes(host, { uid: 1000, sysctls: { 'net.ipv4.ip_forward': '0', 'net.bridge.bridge-nf-call-iptables': '1' } }) });
    expect(bad.blocking).toBe(true);
    const text = formatChecks(bad.checks);
    expect(text.split('\n').filter(Boolean)).toHaveLength(12);
    expect(text).toMatch(/^FAIL   root: running as uid 1000/m);
    expect(text).toMatch(/^ok     runc: \/usr\/bin\/runc$/m);
  });
});

// The real probes, inside a namespace this test creates: its sysctls and iptables only.
const canNetns = process.getuid?.() === 0 && spawnSync('ip', ['-V']).status === 0 && spawnSync('iptables', ['--version']).status === 0;

describe.skipIf(!canNetns)('network checks in a test-created network namespace (root, ip, iptables)', () => {
  const ns = `kites-test-${randomBytes(4).toString('hex')}`;
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', ns], { timeout: 10_000 });
    execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-w', '5', '-P', 'FORWARD', 'DROP'], { timeout: 10_000 });
    // A new namespace may inherit ip_forward from the host; start from 0 (this namespace's value only).
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0'], { timeout: 10_000 });
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
  });

  it('finds ip_forward 0 and FORWARD DROP, fixes both, and then reports ok', async () => {
    const probes = systemProbes({ netns: ns });
    const before = await runPreflight({ fix: false, log: silentLogger, netns: ns, clusterCidr: '10.42.0.0/16' });
    const by = (r: typeof before, name: string) => r.checks.find((c) => c.name === name)!;
    expect(by(before, 'ip forwarding')).toMatchObject({ status: 'fail' });
    expect(by(before, 'iptables FORWARD').status).toBe('fail');
    const fixed = await runPreflight({ fix: true, log: silentLogger, netns: ns, clusterCidr: '10.42.0.0/16' });
    expect(by(fixed, 'ip forwarding').status).toBe('fixed');
    expect(by(fixed, 'iptables FORWARD').status).toBe('fixed');
    expect(await probes.readSysctl('net.ipv4.ip_forward')).toBe('1');
    const chain = await probes.iptables(['-S', 'FORWARD']);
    expect(chain).toMatch(/^-P FORWARD DROP$/m);
    expect(chain).toMatch(/^-A FORWARD -s 10\.42\.0\.0\/16 -m comment --comment "kites pod traffic" -j ACCEPT$/m);
    const after = await runPreflight({ fix: true, log: silentLogger, netns: ns, clusterCidr: '10.42.0.0/16' });
    expect(by(after, 'ip forwarding').status).toBe('ok');
    expect(by(after, 'iptables FORWARD').status).toBe('ok');
    // Idempotent: no duplicate rules.
    expect((await probes.iptables(['-S', 'FORWARD'])).split('\n').filter((l) => l.startsWith('-A FORWARD'))).toHaveLength(2);
  });

  it('br_netfilter: the namespace\'s own bridge-nf-call-iptables is checked and set', async () => {
    const probes = systemProbes({ netns: ns });
    if ((await probes.readSysctl('net.bridge.bridge-nf-call-iptables')) === undefined) return; // module absent: covered by the fakes
    // br_netfilter's sysctls are per namespace since Linux 5.3; on older kernels the write would reach the host's.
    const [major, minor] = release().split('.').map(Number) as [number, number];
    if (major < 5 || (major === 5 && minor < 3)) return;
    try {
      await probes.writeSysctl('net.bridge.bridge-nf-call-iptables', '0');
    } catch {
      return; // not per-namespace on this kernel: never touch the host's value
    }
    expect((await checkBridgeNetfilter(probes, false)).status).toBe('fail');
    expect((await checkBridgeNetfilter(probes, true)).status).toBe('fixed');
  });
});
