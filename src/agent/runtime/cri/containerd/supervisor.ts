// Runs containerd for the node agent, as k3s does: writes its config, starts it, waits for its
// socket, restarts it with back-off when it dies, and stops it (SIGTERM, then SIGKILL) on stop().
// Running containers keep their shims across a stop, so a restarted agent (same data dir, same
// config and root) finds its pods still running. containerd runs in its own process group so a
// terminal's Ctrl-C reaches the agent only; a containerd left behind by an agent that crashed is
// found through the pid file and replaced.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from '../../../../api/log.js';
import { containerdPaths, renderContainerdConfig, type ContainerdPaths } from './config.js';
import { parseRegistries } from './registries.js';

export interface ContainerdOptions {
  dataDir: string;
  pauseImage: string;
  /** Path of a k3s-format registries.yaml. */
  privateRegistry?: string;
  cniBinDir: string;
  cniConfDir: string;
  log: Logger;
  /** The containerd binary (default `containerd` from PATH). */
  binary?: string;
  /** Run containerd inside this network namespace (`/run/netns/NS`, as `ip netns add` makes), for tests. */
  netns?: string;
  /** How long to wait for the socket at start (default 30 s). */
  startTimeoutMs?: number;
  /** Restart back-off: `baseMs` (1 s) doubling to `maxMs` (30 s); reset after a minute of running. */
  restartBackoff?: { baseMs?: number; maxMs?: number };
  /** Parent of the short socket directory used when the data dir is too deep (default /run/kites). */
  runDir?: string;
}

export interface ContainerdSupervisor {
  /** The CRI endpoint: the socket's path (what createCriRuntime and `ctr -a` take). */
  endpoint: string;
  /** The same path. */
  socket: string;
  stop(): Promise<void>;
  /** How many times containerd was restarted after dying. */
  restarts(): number;
  /** The current containerd process id (undefined while it is down). */
  pid(): number | undefined;
}

const STABLE_MS = 60_000;
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

export async function startContainerd(opts: ContainerdOptions): Promise<ContainerdSupervisor> {
  const log = opts.log;
  const paths = containerdPaths(opts.dataDir, opts.runDir);
  await writeConfig(paths, opts);
  await replaceStale(paths, log);

  const baseMs = opts.restartBackoff?.baseMs ?? 1000;
  const maxMs = opts.restartBackoff?.maxMs ?? 30_000;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  let restarts = 0;
  let delay = baseMs;
  let timer: NodeJS.Timeout | undefined;

  const launch = async (): Promise<void> => {
    const fd = await open(paths.log, 'a');
    const binary = opts.binary ?? 'containerd';
    // nsenter (not `ip netns exec`) keeps containerd in the host's mount namespace, so a restarted
    // containerd still sees the rootfs mounts of the containers the previous one started.
    const [cmd, args] = opts.netns ? ['nsenter', [`--net=/run/netns/${opts.netns}`, '--', binary, '--config', paths.config]] : [binary, ['--config', paths.config]];
    const started = Date.now();
    const c = spawn(cmd, args, { stdio: ['ignore', fd.fd, fd.fd], detached: true });
    await fd.close();
    child = c;
    exited = new Promise((resolve) => {
      c.once('exit', (code, signal) => {
        resolve();
        if (child === c) child = undefined;
        rm(paths.pidFile, { force: true }).catch(() => {});
        if (stopping) return;
        if (Date.now() - started > STABLE_MS) delay = baseMs;
        log.warn('containerd exited; restarting', { code, signal, restartIn: `${delay}ms`, log: paths.log });
        const wait = delay;
        delay = Math.min(delay * 2, maxMs);
        timer = setTimeout(() => {
          timer = undefined;
          if (stopping) return;
          restarts++;
          launch().catch((e: unknown) => log.error('could not restart containerd', { err: e }));
        }, wait);
      });
    });
    c.once('error', (e) => log.error('containerd could not be started', { err: e, binary }));
    if (c.pid) await writeFile(paths.pidFile, `${c.pid}\n`);
    log.info('containerd started', { pid: c.pid, config: paths.config, socket: paths.socket });
  };

  await launch();
  try {
    await waitForSocket(paths.socket, opts.startTimeoutMs ?? 30_000);
  } catch (e) {
    stopping = true;
    if (timer) clearTimeout(timer);
    await terminate(child, exited);
    throw new Error(`containerd did not come up (see ${paths.log}): ${(e as Error).message}`);
  }

  return {
    endpoint: paths.socket,
    socket: paths.socket,
    restarts: () => restarts,
    pid: () => child?.pid,
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await terminate(child, exited);
      await rm(paths.pidFile, { force: true });
    },
  };
}

async function writeConfig(paths: ContainerdPaths, opts: ContainerdOptions): Promise<void> {
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await mkdir(paths.state, { recursive: true, mode: 0o711 });
  await mkdir(dirname(paths.socket), { recursive: true, mode: 0o711 });
  await mkdir(opts.cniConfDir, { recursive: true });
  // One generation of containerd's log is kept across agent starts.
  const st = await stat(paths.log).catch(() => undefined);
  if (st && st.size > LOG_ROTATE_BYTES) await rename(paths.log, `${paths.log}.1`);
  let registries;
  if (opts.privateRegistry) {
    let text: string | undefined;
    try {
      text = await readFile(opts.privateRegistry, 'utf8');
    } catch (e) {
      // As k3s: a missing registries.yaml means no mirrors or credentials.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      opts.log.info('private registry file not found; using no mirrors', { path: opts.privateRegistry });
    }
    if (text !== undefined) registries = parseRegistries(text);
  }
  const config = renderContainerdConfig({ paths, pauseImage: opts.pauseImage, cniBinDir: opts.cniBinDir, cniConfDir: opts.cniConfDir, registries, warn: (m) => opts.log.warn(m) });
  await writeFile(paths.config, config, { mode: 0o600 });
}

/** A containerd still running with our config (its agent died) holds the metadata lock: stop it. */
async function replaceStale(paths: ContainerdPaths, log: Logger): Promise<void> {
  const pid = Number((await readFile(paths.pidFile, 'utf8').catch(() => '')).trim());
  if (!pid) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.split('\0').includes(paths.config)) return;
  log.info('stopping a containerd left by a previous agent', { pid });
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function terminate(c: ChildProcess | undefined, exited: Promise<void>): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  c.kill('SIGTERM');
  let t: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => { t = setTimeout(() => r(true), 10_000); })]);
  clearTimeout(t);
  if (timedOut) {
    c.kill('SIGKILL');
    await exited;
  }
}

/** Resolves once something accepts connections on the socket. */
export async function waitForSocket(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(path);
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no socket at ${path} after ${timeoutMs} ms`);
    await sleep(100);
  }
}
