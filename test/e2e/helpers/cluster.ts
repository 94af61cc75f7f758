// End-to-end test clusters: `bin/kites server` started as a user starts it (a real process on a
// temporary data dir, any free port on 127.0.0.1), driven with the real kubectl.
//
//   const cluster = await startTestCluster();
//   afterAll(() => cluster.stop());           // also stopped when the test process exits
//   const r = await cluster.kubectl(['get', 'ns']);
//
// bin/kites runs the compiled dist/; `npm test` rebuilds it first (test/setup.sh).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const tempPrefix = 'kites-e2e-';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const kitesBin = join(repoRoot, 'bin', 'kites');

/** kubectl binaries test/setup.sh provides; `kubectl` on PATH is the fallback. */
export const kubectlPaths = {
  v133: join(repoRoot, '.tools', 'v33', 'kubectl'),
  v132: join(repoRoot, '.tools', 'v32', 'kubectl'),
  helm4: join(repoRoot, '.tools', 'v33', 'helm'),
  helm3: join(repoRoot, '.tools', 'v32', 'helm'),
};

export function defaultKubectl(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  return existsSync(kubectlPaths.v132) ? kubectlPaths.v132 : 'kubectl';
}

export function defaultHelm(): string {
  if (process.env.HELM) return process.env.HELM;
  return existsSync(kubectlPaths.helm3) ? kubectlPaths.helm3 : 'helm';
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin (e.g. a manifest for `apply -f -`). */
  input?: string;
  /** Another kubectl (or, for helm(), helm) binary, e.g. kubectlPaths.v133 or kubectlPaths.helm4. */
  kubectlPath?: string;
  timeoutMs?: number;
}

export interface TestCluster {
  kubeconfig: string;
  port: number;
  /** https://127.0.0.1:<port> */
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Runs kubectl against this cluster. Never rejects for a non-zero exit; the code says it. */
  kubectl(args: string[], opts?: RunOptions): Promise<CommandResult>;
  /** Runs helm against this cluster (opts.kubectlPath names the helm binary; default helm 3 from .tools, else PATH). */
  helm(args: string[], opts?: RunOptions): Promise<CommandResult>;
  /** GET `path` with the admin credentials; resolves with status and body. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; removes the data dir; idempotent. Resolves with the exit code (null if killed). */
  stop(opts?: { graceMs?: number; keepDataDir?: boolean }): Promise<number | null>;
}

export interface StartOptions {
  /** Extra `kites server` flags (e.g. ['--runtime', 'process']). */
  args?: string[];
  /** Reuse a data dir instead of a fresh temporary one (e.g. a stopped cluster's, with keepDataDir). */
  dataDir?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Run the ingress controller (off by default: tests share ports 80/443). */
  ingress?: boolean;
  /** Run the service proxy (off by default: as root it binds Service IPs on the host). */
  proxy?: boolean;
  /** Leave the runtime to kites' own default (tests default to --runtime process). */
  defaultRuntime?: boolean;
}

/** Spawns `bin/kites server` and resolves once /readyz answers ok (rejects with the server output otherwise). */
export async function startTestCluster(opts: StartOptions = {}): Promise<TestCluster> {
  // A data dir this helper made (also when handed back for a restart) is removed on stop().
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), tempPrefix));
  const ownDataDir = dirname(dataDir) === tmpdir() && basename(dataDir).startsWith(tempPrefix);
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  // Tests run clusters side by side: the process runtime, no ingress on :80/:443 and no service
  // proxy unless a test asks (a later --runtime wins; --disable only adds).
  const userArgs = opts.args ?? [];
  // The service proxy binds Service IPs on the host as root: one cluster at a time may run it.
  const defaults = [
    ...(userArgs.includes('--runtime') || opts.defaultRuntime ? [] : ['--runtime', 'process']),
    ...(opts.ingress ? [] : ['--disable', 'ingress']),
    ...(opts.proxy || userArgs.includes('--proxy-mode') ? [] : ['--disable-kube-proxy']),
  ];
  const child = spawnServer(['--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--write-kubeconfig', kubeconfig, ...defaults, ...userArgs], opts.env);

  let stopped: Promise<number | null> | undefined;
  const stop = (s: { graceMs?: number; keepDataDir?: boolean } = {}) =>
    (stopped ??= terminate(child.process, s.graceMs ?? 10_000).then((code) => {
      process.off('exit', killOnExit);
      if (ownDataDir && !s.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    }));
  // A safety net for a test that forgets stop() or a runner that dies: never leave a server behind.
  const killOnExit = () => child.process.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
    let url: string | undefined;
    for (;;) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) {
        throw new Error(`kites server exited (${child.process.exitCode ?? child.process.signalCode}) before it was ready:\n${child.output()}`);
      }
      if (Date.now() > deadline) throw new Error(`kites server not ready within ${opts.readyTimeoutMs ?? 30_000} ms:\n${child.output()}`);
      if (!url && existsSync(kubeconfig)) url = readKubeconfig(kubeconfig).server;
      if (url) {
        const r = await httpsGet(kubeconfig, '/readyz').catch(() => undefined);
        if (r?.status === 200 && r.body === 'ok') break;
      }
      await sleep(50);
    }
    return {
      kubeconfig, url, dataDir, port: Number(new URL(url).port), process: child.process,
      kubectl: (args, o) => runKubectl(kubeconfig, args, o),
      helm: (args, o) => run(o?.kubectlPath ?? defaultHelm(), args, { input: o?.input, timeoutMs: o?.timeoutMs ?? 120_000, env: { KUBECONFIG: kubeconfig, HELM_CACHE_HOME: join(dataDir, 'helm', 'cache'), HELM_CONFIG_HOME: join(dataDir, 'helm', 'config'), HELM_DATA_HOME: join(dataDir, 'helm', 'data') } }),
      get: (path) => httpsGet(kubeconfig, path),
      output: child.output,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Starts `bin/kites server ARGS` without waiting for anything (for tests of failures and flags). */
export function spawnServer(args: string[], env?: NodeJS.ProcessEnv): { process: ChildProcess; output: () => string } {
  return spawnKites(['server', ...args], env);
}

/** Starts `bin/kites ARGS`, collecting its output (bounded to the last 1 MB). */
export function spawnKites(args: string[], env?: NodeJS.ProcessEnv): { process: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [kitesBin, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > 1_000_000) out = out.slice(-1_000_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return { process: child, output: () => out };
}

/** Runs `bin/kites ARGS` to completion (with a time limit). */
export function runKites(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return run(process.execPath, [kitesBin, ...args], { timeoutMs: opts.timeoutMs, env: opts.env });
}

/** Sends SIGTERM (or `signal`) and waits for the exit, escalating to SIGKILL after `graceMs`. */
export function terminate(child: ChildProcess, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** Waits for the process to exit by itself; SIGKILLs it after `timeoutMs` (then resolves null). */
export function waitForExit(child: ChildProcess, timeoutMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

function runKubectl(kubeconfig: string, args: string[], o: RunOptions = {}): Promise<CommandResult> {
  return run(o.kubectlPath ?? defaultKubectl(), args, { input: o.input, timeoutMs: o.timeoutMs, env: { KUBECONFIG: kubeconfig } });
}

function run(cmd: string, args: string[], o: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env: { ...process.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timeoutMs = o.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n[test helper: killed after ${timeoutMs} ms]`;
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.on('error', () => {}); // the command may exit before reading its input
    child.stdin.end(o.input ?? '');
  });
}

interface KubeconfigCredentials { server: string; ca: Buffer; cert: Buffer; key: Buffer }

function readKubeconfig(path: string): KubeconfigCredentials {
  const kc = parse(readFileSync(path, 'utf8')) as {
    clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
    users: Array<{ user: { 'client-certificate-data': string; 'client-key-data': string } }>;
  };
  const b = (s: string) => Buffer.from(s, 'base64');
  return {
    server: kc.clusters[0]!.cluster.server,
    ca: b(kc.clusters[0]!.cluster['certificate-authority-data']),
    cert: b(kc.users[0]!.user['client-certificate-data']),
    key: b(kc.users[0]!.user['client-key-data']),
  };
}

function httpsGet(kubeconfig: string, path: string): Promise<{ status: number; body: string }> {
  const c = readKubeconfig(kubeconfig);
  return new Promise((resolve, reject) => {
    const req = https.get(new URL(path, c.server), { ca: c.ca, cert: c.cert, key: c.key, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
