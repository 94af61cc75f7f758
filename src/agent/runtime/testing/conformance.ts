// One test suite every RuntimeService implementation passes (process, simulated, later CRI):
// sandbox and container lifecycles, and — for runtimes that really run programs — exit codes,
// CRI-format logs, environment, exec, attach, stop signals and port-forward.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import type { ContainerConfig, PodSandboxConfig, RuntimeService } from '../types.js';
import { parseCriLogLine } from '../process/cri-log.js';

export interface ConformanceTarget {
  runtime: RuntimeService;
  /** Stops what the runtime started and removes its files. */
  cleanup(): Promise<void>;
}

export interface ConformanceOptions {
  /** The runtime runs real programs (exit codes, logs, env, exec). */
  runsPrograms: boolean;
  /**
   * Sandboxes on the node's network reach the test process's loopback (false for a runtime
   * confined to a test network namespace, e.g. the CRI runtime's containerd).
   */
  sharesTestLoopback?: boolean;
}

export function sandboxConfig(dir: string, name = 'pod'): PodSandboxConfig {
  return {
    uid: `uid-${name}`, name, namespace: 'default', attempt: 0, hostname: name, hostNetwork: true,
    portMappings: [], labels: {}, annotations: {}, logDirectory: join(dir, 'logs', name),
  };
}

export function containerConfig(dir: string, name: string, command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    name, attempt: 0, image: 'busybox', command, args: [], env: [], mounts: [],
    logPath: join(dir, 'logs', name, '0.log'), stdin: false, stdinOnce: false, tty: false, labels: {}, annotations: {}, ...extra,
  };
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function collect(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

export function runtimeConformance(name: string, open: (dir: string) => Promise<ConformanceTarget>, opts: ConformanceOptions): void {
  describe(`runtime conformance: ${name}`, () => {
    let dir: string;
    let target: ConformanceTarget;
    let rt: RuntimeService;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kites-rt-'));
      target = await open(dir);
      rt = target.runtime;
    });
    afterEach(async () => {
      for (const sb of await rt.listPodSandboxes()) await rt.removePodSandbox(sb.id);
      await target.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs, stops and removes pod sandboxes', async () => {
      const id = await rt.runPodSandbox(sandboxConfig(dir));
      const st = await rt.podSandboxStatus(id);
      expect(st?.state).toBe('ready');
      expect(st?.ips.length).toBeGreaterThan(0);
      expect(st?.metadata).toEqual({ uid: 'uid-pod', name: 'pod', namespace: 'default', attempt: 0 });
      expect((await rt.listPodSandboxes()).map((s) => s.id)).toContain(id);
      await rt.stopPodSandbox(id);
      expect((await rt.podSandboxStatus(id))?.state).toBe('notready');
      await rt.removePodSandbox(id);
      expect(await rt.podSandboxStatus(id)).toBeUndefined();
      await rt.removePodSandbox(id); // idempotent
    });

    it('creates, starts, stops and removes containers', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const id = await rt.createContainer(sb, containerConfig(dir, 'c', ['sleep', '30'], { labels: { app: 'x' } }), sandboxConfig(dir));
      expect((await rt.containerStatus(id))?.state).toBe('created');
      await rt.startContainer(id);
      const running = await rt.containerStatus(id);
      expect(running?.state).toBe('running');
      expect(running?.startedAt).toBeGreaterThan(0);
      expect((await rt.listContainers({ sandboxId: sb, labels: { app: 'x' } })).map((c) => c.id)).toEqual([id]);
      expect(await rt.listContainers({ labels: { app: 'y' } })).toEqual([]);
      await rt.stopContainer(id, 2);
      const exited = await rt.containerStatus(id);
      expect(exited?.state).toBe('exited');
      expect(exited?.finishedAt).toBeGreaterThan(0);
      await rt.removeContainer(id);
      expect(await rt.containerStatus(id)).toBeUndefined();
    });

    it('answers exec probes on a running container', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const id = await rt.createContainer(sb, containerConfig(dir, 'c', ['sleep', '30']), sandboxConfig(dir));
      await rt.startContainer(id);
      const r = await rt.execSync(id, ['sh', '-c', 'exit 0'], 5000);
      expect(r.exitCode).toBe(0);
      expect(r.timedOut).toBe(false);
    });

    if (!opts.runsPrograms) return;

    it('captures exit codes and reasons', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const ok = await rt.createContainer(sb, containerConfig(dir, 'ok', ['sh', '-c', 'exit 0']), sandboxConfig(dir));
      const bad = await rt.createContainer(sb, containerConfig(dir, 'bad', ['sh', '-c', 'exit 3']), sandboxConfig(dir));
      await rt.startContainer(ok);
      await rt.startContainer(bad);
      const a = await until(async () => { const s = await rt.containerStatus(ok); return s?.state === 'exited' ? s : undefined; });
      const b = await until(async () => { const s = await rt.containerStatus(bad); return s?.state === 'exited' ? s : undefined; });
      expect([a.exitCode, a.reason]).toEqual([0, 'Completed']);
      expect([b.exitCode, b.reason]).toEqual([3, 'Error']);
    });

    it('runs args alone as the command line (no image entrypoint)', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const cfg = containerConfig(dir, 'c', [], { args: ['sh', '-c', 'echo from-args'] });
      const id = await rt.createContainer(sb, cfg, sandboxConfig(dir));
      await rt.startContainer(id);
      await until(async () => (await rt.containerStatus(id))?.state === 'exited' || undefined);
      expect(parseCriLogLine(readFileSync(cfg.logPath, 'utf8').trim())?.content).toBe('from-args');
    });

    it('fails to start a command that does not exist', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const id = await rt.createContainer(sb, containerConfig(dir, 'c', ['/no/such/program']), sandboxConfig(dir));
      await expect(rt.startContainer(id)).rejects.toThrow(/no\/such\/program/);
      const st = await rt.containerStatus(id);
      expect(st?.state).toBe('exited');
      expect(st?.exitCode).toBe(128);
    });

    it('writes stdout and stderr to a CRI-format log with the environment it was given', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const cfg = containerConfig(dir, 'c', ['sh', '-c'], { args: ['echo "hello $WHO"; echo oops >&2'], env: [{ name: 'WHO', value: 'world' }] });
      const id = await rt.createContainer(sb, cfg, sandboxConfig(dir));
      await rt.startContainer(id);
      await until(async () => (await rt.containerStatus(id))?.state === 'exited' || undefined);
      const lines = readFileSync(cfg.logPath, 'utf8').trim().split('\n').map(parseCriLogLine);
      expect(lines.map((l) => [l?.stream, l?.content]).sort()).toEqual([['stderr', 'oops'], ['stdout', 'hello world']]);
      expect(lines[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    });

    it('stops a container with SIGTERM to its process group, then SIGKILL after the timeout', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const polite = await rt.createContainer(sb, containerConfig(dir, 'polite', ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']), sandboxConfig(dir));
      const stubborn = await rt.createContainer(sb, containerConfig(dir, 'stubborn', ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']), sandboxConfig(dir));
      await rt.startContainer(polite);
      await rt.startContainer(stubborn);
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      await rt.stopContainer(polite, 10);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect((await rt.containerStatus(polite))?.exitCode).toBe(0);
      await rt.stopContainer(stubborn, 0.3);
      expect((await rt.containerStatus(stubborn))?.exitCode).toBe(137);
    });

    it('runs exec sessions with stdin and output, and times out execSync', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const id = await rt.createContainer(sb, containerConfig(dir, 'c', ['sleep', '30'], { env: [{ name: 'X', value: 'y' }] }), sandboxConfig(dir));
      await rt.startContainer(id);
      const r = await rt.execSync(id, ['sh', '-c', 'echo $X; echo e >&2; exit 4'], 5000);
      expect([r.exitCode, r.stdout.toString(), r.stderr.toString()]).toEqual([4, 'y\n', 'e\n']);
      const slow = await rt.execSync(id, ['sleep', '10'], 200);
      expect(slow.timedOut).toBe(true);
      const stdin = new PassThrough();
      const out = collect();
      const done = rt.exec(id, ['cat'], { stdin, stdout: out.stream, tty: false });
      stdin.end('piped\n');
      expect(await done).toBe(0);
      expect(out.text()).toBe('piped\n');
    });

    it('attaches to the main process output', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const id = await rt.createContainer(sb, containerConfig(dir, 'c', ['sh', '-c', 'read line; echo "got $line"; sleep 30'], { stdin: true }), sandboxConfig(dir));
      await rt.startContainer(id);
      const stdin = new PassThrough();
      const out = collect();
      const attached = rt.attach(id, { stdin, stdout: out.stream, tty: false });
      stdin.write('hi\n');
      await until(async () => out.text().includes('got hi') || undefined);
      out.stream.destroy();
      await attached;
    });

    it.skipIf(opts.sharesTestLoopback === false)('forwards a port to the pod', async () => {
      const server = createServer((s) => s.end('pong'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      try {
        const sb = await rt.runPodSandbox(sandboxConfig(dir));
        const client = new PassThrough();
        const back = collect();
        const duplex = new (await import('node:stream')).Duplex({
          read() {},
          write(c: Buffer, _e, cb) { back.stream.write(c); cb(); },
        });
        client.on('data', (c) => duplex.push(c));
        await Promise.race([rt.portForward(sb, port, duplex), until(async () => back.text() === 'pong' || undefined)]);
        expect(back.text()).toBe('pong');
        duplex.destroy();
      } finally {
        server.close();
      }
    });

    it('keeps logs of a container after it is removed from view, and removes its sandbox files', async () => {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const cfg = containerConfig(dir, 'c', ['sh', '-c', 'echo done']);
      const id = await rt.createContainer(sb, cfg, sandboxConfig(dir));
      await rt.startContainer(id);
      await until(async () => (await rt.containerStatus(id))?.state === 'exited' || undefined);
      await rt.removePodSandbox(sb);
      expect(await rt.listContainers({ sandboxId: sb })).toEqual([]);
      expect(existsSync(cfg.logPath)).toBe(true);
    });
  });
}
