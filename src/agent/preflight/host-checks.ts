// Host facts that real containers need, as k3s's check-config and kubeadm's preflight look at
// them: root, the runtime binaries, the CNI plugins kites' bridge network uses, the cgroup
// controllers the runtime sets limits with, overlayfs for containerd's default snapshotter, and
// the kernel modules behind them (best effort: a kernel may have them built in).
import { join } from 'node:path';
import type { PreflightCheck, PreflightProbes } from './types.js';

export const defaultCniBinDirs = ['/opt/cni/bin', '/usr/lib/cni'];
export const requiredCniPlugins = ['bridge', 'host-local', 'portmap', 'loopback'];

export function checkRoot(p: PreflightProbes): PreflightCheck {
  const uid = p.uid();
  if (uid === 0) return { name: 'root', status: 'ok', message: 'running as root' };
  return { name: 'root', status: 'fail', message: `running as uid ${uid}: containers need root (namespaces, mounts, cgroups); only the process runtime works without it` };
}

export async function checkBinary(p: PreflightProbes, binary: string, why: string): Promise<PreflightCheck> {
  const path = await p.which(binary);
  if (path) return { name: binary, status: 'ok', message: path };
  return { name: binary, status: 'fail', message: `not found on PATH: ${why}` };
}

export async function checkCniPlugins(p: PreflightProbes, dirs: string[] = defaultCniBinDirs): Promise<PreflightCheck> {
  const missing: string[] = [];
  const foundIn = new Set<string>();
  for (const plugin of requiredCniPlugins) {
    let found = false;
    for (const dir of dirs) {
      if (await p.exists(join(dir, plugin))) {
        found = true;
        foundIn.add(dir);
        break;
      }
    }
    if (!found) missing.push(plugin);
  }
  if (missing.length === 0) return { name: 'cni plugins', status: 'ok', message: `${requiredCniPlugins.join(', ')} in ${[...foundIn].join(', ')}` };
  return { name: 'cni plugins', status: 'fail', message: `missing ${missing.join(', ')} in ${dirs.join(' or ')} (install the CNI plugins, e.g. the containernetworking-plugins package)` };
}

/** Controllers per cgroup v1 hierarchy, from mountinfo super options (e.g. "rw,cpu,cpuacct"). */
export function cgroupV1Controllers(mountinfo: string): Set<string> {
  const out = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const [fstype, , superOpts] = line.slice(sep + 3).split(' ');
    if (fstype !== 'cgroup' || !superOpts) continue;
    for (const o of superOpts.split(',')) if (o !== 'rw' && o !== 'ro' && !o.includes('=')) out.add(o);
  }
  return out;
}

export async function checkCgroups(p: PreflightProbes): Promise<PreflightCheck> {
  const unified = await p.readFile('/sys/fs/cgroup/cgroup.controllers');
  if (unified !== undefined) {
    const have = new Set(unified.trim().split(/\s+/));
    const missing = ['cpu', 'memory', 'pids'].filter((c) => !have.has(c));
    if (missing.length === 0) return { name: 'cgroups', status: 'ok', message: `cgroup v2: ${[...have].join(' ')}` };
    return { name: 'cgroups', status: 'fail', message: `cgroup v2 without ${missing.join(', ')} in /sys/fs/cgroup/cgroup.controllers (enable them in the kernel command line / systemd)` };
  }
  const have = cgroupV1Controllers((await p.readFile('/proc/self/mountinfo')) ?? '');
  const missing = ['cpu', 'cpuacct', 'memory', 'pids'].filter((c) => !have.has(c));
  const hybrid = (await p.exists('/sys/fs/cgroup/unified')) ? ' (hybrid)' : '';
  if (missing.length === 0) return { name: 'cgroups', status: 'ok', message: `cgroup v1${hybrid}: cpu, cpuacct, memory, pids mounted` };
  return { name: 'cgroups', status: 'fail', message: `cgroup v1${hybrid}: ${missing.join(', ')} not mounted under /sys/fs/cgroup` };
}

async function hasOverlay(p: PreflightProbes): Promise<boolean> {
  return /\boverlay\b/.test((await p.readFile('/proc/filesystems')) ?? '');
}

export async function checkOverlay(p: PreflightProbes, fix: boolean): Promise<PreflightCheck> {
  if (await hasOverlay(p)) return { name: 'overlayfs', status: 'ok', message: 'overlay listed in /proc/filesystems' };
  if (fix && (await p.modprobe('overlay')) && (await hasOverlay(p))) return { name: 'overlayfs', status: 'fixed', message: 'loaded the overlay module' };
  return { name: 'overlayfs', status: 'fail', message: 'overlay is not in /proc/filesystems: containerd\'s overlayfs snapshotter cannot unpack images (modprobe overlay)' };
}

/** Signs that a module's feature is there even when it has no /sys/module entry (built in). */
const moduleEvidence: Record<string, string[]> = {
  overlay: [],
  br_netfilter: ['/proc/sys/net/bridge'],
  bridge: ['/sys/class/net/bridge', '/sys/module/bridge'],
  veth: [],
  nf_conntrack: ['/proc/sys/net/netfilter/nf_conntrack_max'],
};

export async function checkKernelModules(p: PreflightProbes, fix: boolean): Promise<PreflightCheck> {
  const loaded = await p.readFile('/proc/modules');
  const listed = new Set((loaded ?? '').split('\n').map((l) => l.split(' ')[0]!).filter(Boolean));
  const overlay = await hasOverlay(p);
  const missing: string[] = [];
  const fixed: string[] = [];
  for (const [mod, evidence] of Object.entries(moduleEvidence)) {
    let present = listed.has(mod) || (await p.exists(`/sys/module/${mod}`)) || (mod === 'overlay' && overlay);
    for (const e of evidence) if (!present && (await p.exists(e))) present = true;
    if (present) continue;
    if (fix && (await p.modprobe(mod))) fixed.push(mod);
    else missing.push(mod);
  }
  if (loaded === undefined && missing.length > 0) {
    // No loadable-module support: whatever is not seen is built in or absent; the other checks tell.
    return { name: 'kernel modules', status: 'ok', message: `kernel without loadable modules; not seen (assumed built in): ${missing.join(', ')}` };
  }
  if (missing.length > 0) return { name: 'kernel modules', status: 'warn', message: `not loaded: ${missing.join(', ')}${fixed.length ? `; loaded ${fixed.join(', ')}` : ''} (modprobe them if pods misbehave)` };
  if (fixed.length > 0) return { name: 'kernel modules', status: 'fixed', message: `loaded ${fixed.join(', ')}` };
  return { name: 'kernel modules', status: 'ok', message: Object.keys(moduleEvidence).join(', ') };
}
