// `kites killall`: stops everything a containerd node agent left running on this machine, as
// k3s-killall.sh does — the agent leaves containers running across its own restarts on purpose,
// so removing a node (or a test's cluster) needs this. Order matters: containerd first (it would
// restart containers), then each shim's processes and the shim, then the mounts under the data
// dir, the pod network namespaces nothing uses any more, the bridge and links, and the KUBE-/CNI-
// iptables rules.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../api/log.js';
import { containerdPaths } from './runtime/cri/containerd/config.js';
import { stopProcessRuntimeContainers } from './killall-process.js';
import { deleteLink, runHostCommand } from '../network/host/index.js';

export interface KillAllOptions {
  dataDir: string;
  log: Logger;
  /** Bridge and dummy links to delete (default cni0 and kites-*). */
  links?: string[];
  /** Also remove KUBE-* and CNI-* iptables rules and chains (default true). */
  iptables?: boolean;
  /** runc's state root of the runc v2 shim (default /run/containerd/runc), one dir per namespace. */
  runcRoot?: string;
}

export const defaultRuncRoot = '/run/containerd/runc';

/** The namespace and container (or sandbox) ID a runc v2 shim was started for (`-namespace N -id ID`). */
export function shimContainer(p: Proc): { namespace: string; id: string } | undefined {
  const arg = (flag: string) => { const i = p.cmdline.indexOf(flag); return i >= 0 ? p.cmdline[i + 1] : undefined; };
  const namespace = arg('-namespace');
  const id = arg('-id');
  // Both become path components: nothing that could climb out of the runc root.
  const safe = (s: string | undefined) => s !== undefined && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s);
  return safe(namespace) && safe(id) ? { namespace: namespace!, id: id! } : undefined;
}

/** The tasks containerd's runc v2 runtime made bundles for: <state>/io.containerd.runtime.v2.task/<namespace>/<id>. */
function taskBundles(state: string): Array<{ namespace: string; id: string }> {
  const base = join(state, 'io.containerd.runtime.v2.task');
  const out: Array<{ namespace: string; id: string }> = [];
  const list = (d: string) => { try { return readdirSync(d); } catch { return []; } };
  for (const namespace of list(base)) for (const id of list(join(base, namespace))) out.push({ namespace, id });
  return out.filter((c) => shimContainer({ pid: 0, ppid: 0, cmdline: ['', '-namespace', c.namespace, '-id', c.id] }) !== undefined);
}

async function deleteRuncState(root: string, c: { namespace: string; id: string }): Promise<void> {
  const nsRoot = join(root, c.namespace);
  if (!existsSync(join(nsRoot, c.id))) return;
  // `runc delete --force` also removes the container's cgroups; the state dir goes in any case.
  await runHostCommand('runc', ['--root', nsRoot, 'delete', '--force', c.id]).catch(() => {});
  rmSync(join(nsRoot, c.id), { recursive: true, force: true });
}

export interface Proc { pid: number; ppid: number; cmdline: string[] }

/**
 * The data dirs of other kites node agents' containerd still running on this machine (their
 * daemon's `--config <dir>/agent/containerd/config.toml`, their shims' `-address
 * <dir>/agent/containerd/containerd.sock`). They share cni0, the kites-* links and the KUBE-/CNI-/
 * KITES- rules with this one, so those stay while any other is running.
 */
export function otherNodeDataDirs(all: Proc[], dataDir: string): string[] {
  const own = containerdPaths(dataDir);
  const dirs = new Set<string>();
  for (const p of all) {
    const bin = p.cmdline[0] ?? '';
    let m: RegExpExecArray | null = null;
    if (bin.includes('containerd-shim')) {
      const address = p.cmdline[p.cmdline.indexOf('-address') + 1] ?? '';
      if (address !== own.socket) m = /^(.+)\/agent\/containerd\/containerd\.sock$/.exec(address);
    } else if (bin.endsWith('containerd')) {
      const i = p.cmdline.indexOf('--config');
      const config = i >= 0 ? p.cmdline[i + 1] ?? '' : '';
      if (config !== own.config) m = /^(.+)\/agent\/containerd\/config\.toml$/.exec(config);
    }
    if (m) dirs.add(m[1]!);
  }
  return [...dirs];
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmdline = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(d), ppid, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function descendants(all: Proc[], pid: number): number[] {
  const kids = all.filter((p) => p.ppid === pid).map((p) => p.pid);
  return kids.flatMap((k) => [k, ...descendants(all, k)]);
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function waitGone(pids: number[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  const alive = (p: number) => { try { process.kill(p, 0); return true; } catch { return false; } };
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

function mountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((l) => l.split(' ')[4]!.replace(/\\040/g, ' '));
}

export async function killAll(o: KillAllOptions): Promise<{ processes: number; mounts: number; netns: number }> {
  const paths = containerdPaths(o.dataDir);
  const all = processes();
  // containerd of this data dir (its config path is on its command line)
  const daemons = all.filter((p) => p.cmdline[0]?.endsWith('containerd') && p.cmdline.includes(paths.config)).map((p) => p.pid);
  for (const pid of daemons) kill(pid, 'SIGKILL');
  // shims started by it carry `-address <socket>`
  const shimProcs = all.filter((p) => p.cmdline[0]?.includes('containerd-shim') && p.cmdline.includes(paths.socket));
  const shims = shimProcs.map((p) => p.pid);
  const victims = shims.flatMap((s) => descendants(all, s));
  for (const pid of victims) kill(pid, 'SIGKILL');
  for (const pid of shims) kill(pid, 'SIGKILL');
  await waitGone([...daemons, ...shims, ...victims], 5000);
  o.log.info('stopped containerd and containers', { containerd: daemons.length, shims: shims.length, processes: victims.length });
  // The process runtime's containers are host processes: stopped by their records' process groups.
  const hostContainers = await stopProcessRuntimeContainers(o.dataDir);
  if (hostContainers) o.log.info('stopped process-runtime containers', { containers: hostContainers });
  // runc keeps each container's state (and cgroups) under its machine-wide root, not the data dir;
  // with the shims gone nobody deletes them, and they pile up (and block reusing an ID).
  // A pod's containers share its sandbox's shim: the task bundles in the state dir name them all.
  const containers = new Map<string, { namespace: string; id: string }>();
  for (const c of [...shimProcs.map(shimContainer), ...taskBundles(paths.state)]) if (c) containers.set(`${c.namespace}/${c.id}`, c);
  for (const c of containers.values()) await deleteRuncState(o.runcRoot ?? defaultRuncRoot, c);

  // Deepest first, lazily: overlay rootfs, shm, volume tmpfs, bind mounts under the data dir.
  const roots = [o.dataDir, paths.state, paths.root];
  const mounts = mountPoints().filter((m) => roots.some((r) => m === r || m.startsWith(`${r}/`))).sort((a, b) => b.length - a.length);
  for (const m of mounts) await runHostCommand('umount', ['-l', m]).catch(() => {});

  // Pod network namespaces no process uses any more.
  let netns = 0;
  let names: string[] = [];
  try { names = readdirSync('/run/netns').filter((n) => n.startsWith('cni-')); } catch { /* none */ }
  for (const n of names) {
    const pids = await runHostCommand('ip', ['netns', 'pids', n]).catch(() => 'x');
    if (pids.trim() !== '') continue;
    await runHostCommand('umount', ['-l', join('/run/netns', n)]).catch(() => {});
    rmSync(join('/run/netns', n), { force: true });
    netns++;
  }

  const others = otherNodeDataDirs(processes(), o.dataDir);
  if (others.length) {
    o.log.info('other node agents still run here: the bridge, links and iptables rules they share are kept', { dataDirs: others });
    return { processes: daemons.length + shims.length + victims.length + hostContainers, mounts: mounts.length, netns };
  }
  for (const link of o.links ?? ['cni0', 'kites-dns', 'kites-svc']) await deleteLink(link);
  if (o.iptables !== false) {
    for (const cmd of ['iptables', 'ip6tables']) {
      const saved = await runHostCommand(`${cmd}-save`, []).catch(() => undefined);
      if (!saved || !/KUBE-|CNI-|KITES-/.test(saved)) continue;
      const kept = saved.split('\n').filter((l) => !/KUBE-|CNI-|KITES-/.test(l)).join('\n');
      await runHostCommand(`${cmd}-restore`, [], { input: kept }).catch((e) => o.log.warn('could not remove iptables rules', { err: e }));
    }
  }
  return { processes: daemons.length + shims.length + victims.length + hostContainers, mounts: mounts.length, netns };
}
