import { describe, it, expect } from 'vitest';
import { checkBinary, checkCgroups, checkCniPlugins, checkKernelModules, checkOverlay, checkRoot, cgroupV1Controllers } from './host-checks.js';
import { fakeProbes } from './fake-probes.js';

const v1Mountinfo = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

describe('host checks', () => {
  it('root', () => {
    expect(checkRoot(fakeProbes({})).status).toBe('ok');
    const r = checkRoot(fakeProbes({}, { uid: 1000 }));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/uid 1000: containers need root/);
  });

  it('binaries on PATH', async () => {
    const p = fakeProbes({ '/usr/bin/runc': '' });
    expect(await checkBinary(p, 'runc', 'x')).toEqual({ name: 'runc', status: 'ok', message: '/usr/bin/runc' });
    expect((await checkBinary(p, 'containerd', 'needed')).status).toBe('fail');
  });

  it('CNI plugins in either directory', async () => {
    const all = { '/usr/lib/cni/bridge': '', '/usr/lib/cni/host-local': '', '/opt/cni/bin/portmap': '', '/usr/lib/cni/loopback': '' };
    expect((await checkCniPlugins(fakeProbes(all))).status).toBe('ok');
    const r = await checkCniPlugins(fakeProbes({ '/usr/lib/cni/bridge': '' }), ['/usr/lib/cni']);
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/^missing host-local, portmap, loopback in \/usr\/lib\/cni/);
  });

  it('cgroup v1 controllers from mountinfo, v2 from cgroup.controllers', async () => {
    expect([...cgroupV1Controllers(v1Mountinfo)].sort()).toEqual(['cpu', 'cpuacct', 'memory', 'pids']);
    const v1 = await checkCgroups(fakeProbes({ '/proc/self/mountinfo': v1Mountinfo, '/sys/fs/cgroup/unified': '' }));
    expect(v1).toMatchObject({ status: 'ok', message: 'cgroup v1 (hybrid): cpu, cpuacct, memory, pids mounted' });
    const noPids = await checkCgroups(fakeProbes({ '/proc/self/mountinfo': v1Mountinfo.replace(/.*pids.*\n/, '') }));
    expect(noPids).toMatchObject({ status: 'fail', message: 'cgroup v1: pids not mounted under /sys/fs/cgroup' });
    expect((await checkCgroups(fakeProbes({ '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma\n' }))).status).toBe('ok');
    const v2 = await checkCgroups(fakeProbes({ '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io\n' }));
    expect(v2.status).toBe('fail');
    expect(v2.message).toMatch(/without memory, pids/);
  });

  it('overlayfs: ok, fixed by modprobe, or fail', async () => {
    expect((await checkOverlay(fakeProbes({ '/proc/filesystems': 'nodev\tproc\nnodev\toverlay\n' }), false)).status).toBe('ok');
    const files: Record<string, string> = { '/proc/filesystems': 'nodev\tproc\n' };
    expect((await checkOverlay(fakeProbes(files), false)).status).toBe('fail');
    const p = fakeProbes(files, { modprobe: (m) => { if (m === 'overlay') files['/proc/filesystems'] += 'nodev\toverlay\n'; return true; } });
    expect((await checkOverlay(p, true)).status).toBe('fixed');
  });

  it('kernel modules: best effort', async () => {
    const loaded = 'overlay 1 0 - Live\nbr_netfilter 1 0 - Live\nbridge 1 1 br_netfilter, Live\nveth 1 0 - Live\nnf_conntrack 1 0 - Live\n';
    expect((await checkKernelModules(fakeProbes({ '/proc/modules': loaded }), false)).status).toBe('ok');
    const some = await checkKernelModules(fakeProbes({ '/proc/modules': 'overlay 1 0 - Live\n' }), false);
    expect(some.status).toBe('warn');
    expect(some.message).toMatch(/not loaded: br_netfilter, bridge, veth, nf_conntrack/);
    const fixed = await checkKernelModules(fakeProbes({ '/proc/modules': 'overlay 1 0 - Live\n' }, { modprobe: () => true }), true);
    expect(fixed.status).toBe('fixed');
    // No /proc/modules (no loadable modules): built-in features are assumed, not warned about.
    const builtin = await checkKernelModules(fakeProbes({ '/proc/filesystems': 'nodev\toverlay\n', '/proc/sys/net/bridge': '', '/sys/module/bridge': '', '/sys/module/nf_conntrack': '' }), false);
    expect(builtin).toMatchObject({ status: 'ok', message: 'kernel without loadable modules; not seen (assumed built in): veth' });
  });
});
