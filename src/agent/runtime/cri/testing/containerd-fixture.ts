// A private containerd for tests: its own root, state and socket in a temp dir, running inside a
// network namespace the test creates (entered with nsenter, so it shares the host's mounts) (so pod bridges, veths and the streaming server stay out of
// the host's network), with a busybox image imported as both the workload image and the pause
// image. Needs root, containerd, runc, ip, CNI plugins in /usr/lib/cni and python3.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { StreamDialer } from '../remote-streams.js';
import { CriClient } from '../cri-client.js';

const run = promisify(execFile);

export const BUSYBOX = 'docker.io/library/busybox:1.36';
export const PAUSE = 'kites.local/pause:1';
/** An image whose ENTRYPOINT is `/bin/echo from-entrypoint`. */
export const ECHO = 'kites.local/echo:1';
const IMAGE_BUILDER = '/work/shared/acceptance/images/build-busybox-image.py';
export const POD_SUBNET_PREFIX = '10.99.0.';

/** Why the fixture cannot run here, or undefined when it can. */
export function containerdUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const bin of ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback']) {
    if (!existsSync(bin)) return `${bin} is missing`;
  }
  if (!existsSync(IMAGE_BUILDER)) return `${IMAGE_BUILDER} is missing`;
  return undefined;
}

export class ContainerdFixture {
  readonly dir: string;
  readonly netns: string;
  readonly socket: string;
  private proc?: ChildProcess;
  /** Kills containerd if the test process exits without stop() (a timed-out hook). */
  private readonly killOnExit = (): void => { this.proc?.kill('SIGKILL'); };

  private constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'kites-cri-'));
    this.netns = `kites-cri-${randomBytes(4).toString('hex')}`;
    this.socket = join(this.dir, 'containerd.sock');
  }

  static async start(): Promise<ContainerdFixture> {
    const f = new ContainerdFixture();
    try {
      await f.setUp();
      return f;
    } catch (e) {
      await f.stop();
      throw e;
    }
  }

  private async setUp(): Promise<void> {
    await run('ip', ['netns', 'add', this.netns]);
    await run('ip', ['netns', 'exec', this.netns, 'ip', 'link', 'set', 'lo', 'up']);
    const cni = join(this.dir, 'cni');
    mkdirSync(cni);
    writeFileSync(join(cni, '10-kites-test.conflist'), JSON.stringify({
      cniVersion: '0.4.0',
      name: 'kites-test',
      plugins: [{
        type: 'bridge', bridge: 'kt0', isGateway: true, ipMasq: false,
        ipam: { type: 'host-local', ranges: [[{ subnet: `${POD_SUBNET_PREFIX}0/24` }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: join(this.dir, 'ipam') },
      }],
    }));
    const d = this.dir;
    writeFileSync(join(d, 'config.toml'), [
      'version = 2',
      `root = "${d}/root"`,
      `state = "${d}/state"`,
      'disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
      '[grpc]',
      `  address = "${this.socket}"`,
      '[ttrpc]',
      `  address = "${this.socket}.ttrpc"`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      `  sandbox_image = "${PAUSE}"`,
      '  stream_server_address = "127.0.0.1"',
      '  stream_server_port = "0"',
      // this machine lacks CAP_SYS_RESOURCE: negative oom_score_adj (sandboxes get -998) would fail
      '  restrict_oom_score_adj = true',
      '  [plugins."io.containerd.grpc.v1.cri".containerd]',
      '    snapshotter = "overlayfs"',
      '    default_runtime_name = "runc"',
      '    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
      '      runtime_type = "io.containerd.runc.v2"',
      '  [plugins."io.containerd.grpc.v1.cri".cni]',
      '    bin_dir = "/usr/lib/cni"',
      `    conf_dir = "${cni}"`,
      '',
    ].join('\n'));
    await this.startDaemon();
    const busybox = join(d, 'busybox.tar');
    const pause = join(d, 'pause.tar');
    await run('python3', [IMAGE_BUILDER, busybox, '--ref', BUSYBOX]);
    await run('python3', [IMAGE_BUILDER, pause, '--ref', PAUSE, '--entrypoint', '/bin/sleep', '2147483647']);
    await this.ctr('images', 'import', busybox);
    await this.ctr('images', 'import', pause);
    const echo = join(d, 'echo.tar');
    await run('python3', [IMAGE_BUILDER, echo, '--ref', ECHO, '--entrypoint', '/bin/echo', 'from-entrypoint']);
    await this.ctr('images', 'import', echo);
    // the shared conformance suite names its image plain "busybox"
    await this.ctr('images', 'tag', BUSYBOX, 'docker.io/library/busybox:latest');
  }

  ctr(...args: string[]): Promise<{ stdout: string }> {
    return run('ctr', ['-a', this.socket, '-n', 'k8s.io', ...args], { timeout: 60_000 });
  }

  /** Starts containerd inside the namespace and waits until it answers. */
  async startDaemon(): Promise<void> {
    const log = openSync(join(this.dir, 'containerd.log'), 'a');
    // nsenter rather than `ip netns exec`: the latter remounts /sys, hiding the cgroup mounts runc needs
    this.proc = spawn('nsenter', [`--net=/run/netns/${this.netns}`, 'containerd', '--config', join(this.dir, 'config.toml')], { stdio: ['ignore', log, log] });
    closeSync(log);
    process.once('exit', this.killOnExit);
    const end = Date.now() + 20_000;
    for (;;) {
      if (this.proc.exitCode !== null) throw new Error(`containerd exited: ${this.logTail()}`);
      if (existsSync(this.socket)) {
        const ok = await run('ctr', ['-a', this.socket, 'version'], { timeout: 5000 }).then(() => true, () => false);
        if (ok) return;
      }
      if (Date.now() > end) throw new Error(`containerd did not start: ${this.logTail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops containerd (the containers' shims keep running, as in a real restart). */
  async stopDaemon(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    process.off('exit', this.killOnExit);
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  logTail(): string {
    try {
      return readFileSync(join(this.dir, 'containerd.log'), 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '';
    }
  }

  /** Reaches the streaming server on the namespace's loopback through `busybox nc` run inside it. */
  readonly dialStream: StreamDialer = (host, port) => new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/run/netns/${this.netns}`, 'busybox', 'nc', host, String(port)], { stdio: ['pipe', 'pipe', 'ignore'] });
    const d = new Duplex({
      read() {},
      write(chunk: Buffer, _e, cb) { child.stdin.write(chunk, () => cb()); },
      final(cb) { child.stdin.end(); cb(); },
      destroy(err, cb) { child.kill('SIGKILL'); cb(err); },
    });
    child.stdin.on('error', () => {});
    child.stdout.on('data', (c: Buffer) => d.push(c));
    child.stdout.on('end', () => d.push(null));
    child.once('exit', () => setImmediate(() => d.destroy()));
    child.once('error', reject);
    child.once('spawn', () => resolve(d));
  });

  /** Removes every pod sandbox (containerd then deletes their network namespaces, mounts and shims). */
  async removeAllSandboxes(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return;
    const client = new CriClient({ endpoint: this.socket, timeoutMs: 30_000 });
    try {
      const r = await client.call<{ items: Array<{ id: string }> }>('RuntimeService', 'ListPodSandbox', {});
      for (const sb of r.items) {
        await client.call('RuntimeService', 'StopPodSandbox', { pod_sandbox_id: sb.id }).catch(() => {});
        await client.call('RuntimeService', 'RemovePodSandbox', { pod_sandbox_id: sb.id }).catch(() => {});
      }
    } catch {
      /* best effort: the shims are killed below */
    } finally {
      client.close();
    }
  }

  /** Kills what is left of the shims this containerd started (found by their -address argument), and their children. */
  private killShims(): void {
    const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    const cmdline = (pid: string) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { return []; } };
    const ppid = (pid: string) => { try { return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]; } catch { return undefined; } };
    const shims = procs.filter((p) => { const c = cmdline(p); return c[0]?.endsWith('containerd-shim-runc-v2') && c.includes(this.socket); });
    for (const shim of shims) {
      for (const child of procs.filter((p) => ppid(p) === shim)) { try { process.kill(Number(child), 'SIGKILL'); } catch { /* gone */ } }
      try { process.kill(Number(shim), 'SIGKILL'); } catch { /* gone */ }
    }
  }

  async stop(): Promise<void> {
    await this.removeAllSandboxes();
    await this.stopDaemon();
    this.killShims();
    await new Promise((r) => setTimeout(r, 200));
    await run('ip', ['netns', 'del', this.netns]).catch(() => {});
    // overlay mounts live in containerd's private mount namespace and went with it; unmount any that reached ours
    const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(this.dir));
    for (const m of mounts.reverse()) await run('umount', ['-l', m]).catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
