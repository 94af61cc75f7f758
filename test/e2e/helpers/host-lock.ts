// A cross-process lock for tests that use the host's pod network (the cni0 bridge, the
// 10.42.0.0/24 pod CIDR, KITES- iptables chains): only one containerd cluster may run on the
// machine at a time, and vitest runs test files in parallel workers (separate processes).
//
//   await withHostNetworkLock(async () => { ...start a cluster, test, killall... });
//
// The lock is a directory (mkdir is atomic) holding a file with the owner's pid. A lock whose
// owner process is gone (a worker killed mid-test) is stale and taken over.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const hostNetworkLockDir = '/tmp/kites-host-network.lock';

export interface LockOptions {
  /** The lock directory (tests of the lock itself use their own). */
  dir?: string;
  /** How often a waiter looks again. */
  pollMs?: number;
}

/** Runs `fn` while holding the host-network lock; waits up to `timeoutMs` for it (then rejects). */
export async function withHostNetworkLock<T>(fn: () => Promise<T>, timeoutMs = 1_500_000, opts: LockOptions = {}): Promise<T> {
  const dir = opts.dir ?? hostNetworkLockDir;
  await acquire(dir, timeoutMs, opts.pollMs ?? 200);
  // A lock still held when this process exits (a runner that dies mid-test) is released then.
  const onExit = () => releaseIfOwned(dir);
  process.once('exit', onExit);
  try {
    return await fn();
  } finally {
    process.off('exit', onExit);
    releaseIfOwned(dir);
  }
}

async function acquire(dir: string, timeoutMs: number, pollMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (tryTake(dir)) return;
    const owner = ownerPid(dir);
    // A directory with no pid yet may be a taker between mkdir and writeFile: stale only when a dead
    // pid owns it, or it stayed pid-less for long (its taker died in between).
    if ((owner !== undefined && owner !== process.pid && !alive(owner)) || (owner === undefined && ageMs(dir) > 10_000)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`host network lock ${dir} still held by pid ${owner ?? '?'} after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function tryTake(dir: string): boolean {
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  writeFileSync(join(dir, 'pid'), `${process.pid}\n`);
  return true;
}

function ageMs(dir: string): number {
  try {
    return Date.now() - statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
}

function releaseIfOwned(dir: string): void {
  if (ownerPid(dir) === process.pid) rmSync(dir, { recursive: true, force: true });
}

function ownerPid(dir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dir, 'pid'), 'utf8').trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Data dirs of kites containerd daemons running on this machine (`containerd --config
 * <dir>/agent/containerd/config.toml`): clusters started without the lock (a scenario script run
 * by hand) share cni0 all the same.
 */
export function runningKitesContainerd(): string[] {
  const dirs: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let argv: string[];
    try { argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (!argv[0]?.endsWith('containerd')) continue;
    const m = /^(.+)\/agent\/containerd\/config\.toml$/.exec(argv[argv.indexOf('--config') + 1] ?? '');
    if (m && argv.includes('--config')) dirs.push(m[1]!);
  }
  return dirs;
}

/** Waits (polling) until no kites containerd runs here, up to `timeoutMs`; resolves with those still running. */
export async function waitForNoKitesContainerd(timeoutMs: number, pollMs = 1_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = runningKitesContainerd();
    if (running.length === 0 || Date.now() > deadline) return running;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
