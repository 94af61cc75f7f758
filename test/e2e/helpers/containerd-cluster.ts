// One containerd cluster for a test file, the way every such file needs it: the host-network lock
// held from start to stop (containerd clusters share cni0 and 10.42.0.0/24), clusters started
// without the lock waited out, the air-gap busybox and pause tarballs in a fresh data dir,
// `kites server --runtime containerd` up with a Ready node and a namespace with its default
// ServiceAccount; stop() stops the server, runs `kites killall`, removes the data dir and lets go
// of the lock.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runKites, startTestCluster, type TestCluster } from './cluster.js';
import { waitForNoKitesContainerd, withHostNetworkLock } from './host-lock.js';

export const buildImage = join(repoRoot, '../shared/acceptance/images/build-busybox-image.py');

/** Why containerd tests cannot run here, or undefined when they can. */
export function containerdMissing(extraBinaries: string[] = []): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const bin of ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/bin/busybox', '/usr/bin/python3', ...extraBinaries]) if (!existsSync(bin)) return `${bin} missing`;
  if (!existsSync('/usr/lib/cni/bridge') && !existsSync('/opt/cni/bin/bridge')) return 'CNI plugins missing';
  if (!existsSync(buildImage)) return `${buildImage} missing (shared/ not beside the checkout)`;
  return undefined;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile(cmd, args, { timeout: 120_000 }, (err, _o, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve())));
}

export interface ContainerdTestCluster {
  cluster: TestCluster;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startContainerdTestCluster(o: {
  prefix: string;
  namespace: string;
  /** More server flags; a function is called after beforeStart (flags naming what it made). */
  args?: string[] | (() => string[]);
  proxy?: boolean;
  /** Runs once the lock is held and before the server starts (other clusters' leftovers, registries). */
  beforeStart?: () => Promise<void>;
}): Promise<ContainerdTestCluster> {
  let releaseLock = () => {};
  let lockHeld: Promise<void> = Promise.resolve();
  await new Promise<void>((acquired, failed) => {
    lockHeld = withHostNetworkLock(() => { acquired(); return new Promise<void>((r) => (releaseLock = r)); }).catch(failed);
  });
  let dataDir: string | undefined;
  let cluster: TestCluster | undefined;
  const stop = async () => {
    try {
      await cluster?.stop({ keepDataDir: true });
      if (dataDir) await runKites(['killall', '--data-dir', dataDir], { timeoutMs: 120_000 });
    } finally {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      releaseLock();
      await lockHeld;
    }
  };
  try {
    const unlocked = await waitForNoKitesContainerd(600_000);
    if (unlocked.length) throw new Error(`another kites containerd still runs after 10 min (data dirs: ${unlocked.join(', ')})`);
    await o.beforeStart?.();
    dataDir = mkdtempSync(join(tmpdir(), o.prefix));
    const images = join(dataDir, 'agent', 'images');
    mkdirSync(images, { recursive: true });
    await run('python3', [buildImage, join(images, 'busybox.tar')]);
    await run('python3', [buildImage, join(images, 'pause.tar'), '--ref', 'kites.local/pause:1', '--entrypoint', '/bin/sleep', '2147483647']);
    cluster = await startTestCluster({ dataDir, proxy: o.proxy, readyTimeoutMs: 60_000, args: ['--runtime', 'containerd', '--pause-image', 'kites.local/pause:1', ...(typeof o.args === 'function' ? o.args() : o.args ?? [])] });
    const c = cluster;
    await until('node Ready', async () => (await c.kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True', 60_000);
    await c.kubectl(['create', 'ns', o.namespace]);
    await until('service account', async () => (await c.kubectl(['-n', o.namespace, 'get', 'sa', 'default'])).code === 0, 20_000);
    return { cluster: c, dataDir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
