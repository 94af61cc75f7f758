// Real kubectl (1.32 on PATH, 1.33 from .tools/v33 when present) against the node proxy and the
// agent endpoint: exec (piped stdin, non-zero exit codes), logs -f, cp (tar through exec) and
// port-forward (SPDY/3.1 tunnelled in WebSocket). A small HTTPS front serves the pod and hands
// the subresources to createNodeProxy; the "container" is the host (a fake runtime over sh).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { silentLogger } from '../../src/api/log.js';
import { startAgentServer, type AgentServer } from '../../src/agent/server/index.js';
import { HostFakeRuntime, createTestPki, fakeLocator } from '../../src/agent/streams/testing/fakes.js';
import { podAndNode, startFakeApi, type FakeApi } from '../../src/apiserver/proxy/testing/fake-api.js';

const v33 = resolve(__dirname, '../../.tools/v33/kubectl');
// Each kubectl twice: with its default WebSocket streams, and made to use SPDY/3.1 upgrades (what
// it falls back to, and what older clients speak) through its feature-gate environment variables.
const spdyEnv = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' };
const kubectls: [string, string, Record<string, string>][] = [];
const found: [string, string][] = [];
if (spawnSync('kubectl', ['version', '--client'], { timeout: 10_000 }).status === 0) found.push(['kubectl 1.32 (PATH)', 'kubectl']);
if (existsSync(v33)) found.push(['kubectl 1.33', v33]);
for (const [name, bin] of found) kubectls.push([`${name}, WebSocket`, bin, {}], [`${name}, SPDY`, bin, spdyEnv]);

let dir: string;
let runtime: HostFakeRuntime;
let agent: AgentServer;
let api: FakeApi;
let echo: Server;
let echoPort: number;

function logLine(content: string): string {
  return `${new Date().toISOString().replace('Z', '000000Z')} stdout F ${content}\n`;
}

beforeAll(async () => {
  if (kubectls.length === 0) return;
  dir = mkdtempSync(join(tmpdir(), 'kites-kubectl-streams-'));
  const pki = await createTestPki();
  runtime = new HostFakeRuntime(join(dir, 'web.log'));
  writeFileSync(join(dir, 'web.log'), logLine('hello from the log'));
  const locator = fakeLocator(runtime, { 'default/web': { containers: ['web'], logPath: () => join(dir, 'web.log') } });
  agent = await startAgentServer({ host: '127.0.0.1', port: 0, tls: { clientCA: pki.clientCA }, locator, log: silentLogger });
  const { pod, node } = podAndNode({ name: 'web', containers: ['web'], agentPort: agent.port });
  const ghost = podAndNode({ name: 'ghost', containers: ['g'], agentPort: agent.port });
  const pending = podAndNode({ name: 'pending', containers: ['p'], agentPort: agent.port });
  delete (pending.pod.spec as { nodeName?: string }).nodeName;
  api = await startFakeApi({ pods: [pod, ghost.pod, pending.pod], nodes: [node], clientTls: pki.client, log: silentLogger, dir });
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
});

afterAll(async () => {
  await api?.close();
  await agent?.close();
  await runtime?.close();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: string; stderr: string }

let kubectlEnv: Record<string, string> = {};

function kubectl(bin: string, args: string[], input?: string, timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['--kubeconfig', api.kubeconfigPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...kubectlEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
    // kubectl may exit before taking all of its input (EPIPE)
    child.stdin.on('error', () => {});
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

describe.skipIf(kubectls.length === 0).each(kubectls)('%s', (_name, bin, env) => {
  beforeAll(() => {
    kubectlEnv = env;
  });

  it('exec: output, exit codes and piped stdin', async () => {
    const ok = await kubectl(bin, ['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2']);
    expect(ok).toMatchObject({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    const failed = await kubectl(bin, ['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('command terminated with exit code 3');
    const piped = await kubectl(bin, ['exec', '-i', 'web', '--', 'sh', '-c', 'tr a-z A-Z; echo end'], 'piped input\n');
    expect(piped).toMatchObject({ code: 0, stdout: 'PIPED INPUT\nend\n' });
    // The command ends before its input does: kubectl must still finish.
    const early = await kubectl(bin, ['exec', '-i', 'web', '--', 'head', '-c', '5'], 'x'.repeat(2_000_000));
    expect(early).toMatchObject({ code: 0, stdout: 'xxxxx' });
  }, 60_000);

  it('errors: a container not in the pod, one not running, an unscheduled pod', async () => {
    const bad = await kubectl(bin, ['exec', 'web', '-c', 'nope', '--', 'true']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('container nope is not valid for pod web');
    const ghost = await kubectl(bin, ['exec', 'ghost', '--', 'true']);
    expect(ghost.code).not.toBe(0);
    expect(ghost.stderr).toContain('container not found ("g")');
    const logs = await kubectl(bin, ['logs', 'ghost']);
    expect(logs.stderr).toContain('container "g" in pod "ghost" is waiting to start: ContainerCreating');
    const pending = await kubectl(bin, ['logs', 'pending']);
    expect(pending.stderr).toContain('pod pending does not have a host assigned');
    const missing = await kubectl(bin, ['logs', 'nothere']);
    expect(missing.stderr).toContain('pods "nothere" not found');
  }, 60_000);

  it('logs and logs -f (ends when the container exits)', async () => {
    writeFileSync(join(dir, 'web.log'), logLine('hello from the log'));
    const plain = await kubectl(bin, ['logs', 'web']);
    expect(plain).toMatchObject({ code: 0, stdout: 'hello from the log\n' });
    runtime.running = true;
    const following = kubectl(bin, ['logs', '-f', 'web']);
    await new Promise((r) => setTimeout(r, 700));
    appendFileSync(join(dir, 'web.log'), logLine('appended'));
    await new Promise((r) => setTimeout(r, 500));
    runtime.running = false;
    const f = await following;
    runtime.running = true;
    expect(f).toMatchObject({ code: 0, stdout: 'hello from the log\nappended\n' });
  }, 60_000);

  it('attach shows the main process output until it exits', async () => {
    runtime.restartMain();
    const attaching = kubectl(bin, ['attach', 'web']);
    let attached = false;
    for (let i = 0; i < 100 && !attached; i++) {
      await new Promise((r) => setTimeout(r, 50));
      attached = runtime.attachCount() > 0;
    }
    runtime.mainOutput.write('attached line\n');
    await new Promise((r) => setTimeout(r, 200));
    runtime.stopMain();
    const a = await attaching;
    runtime.restartMain();
    expect(a.stdout).toContain('attached line\n');
    expect(a.code, a.stderr).toBe(0);
  }, 60_000);

  it('cp into and out of the container (tar through exec)', async () => {
    const src = join(dir, `src-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(src, 'copied content\n');
    const target = join(dir, `in-pod-${Math.random().toString(36).slice(2)}`);
    mkdirSync(target);
    const up = await kubectl(bin, ['cp', src, `default/web:${target}/file.txt`]);
    expect(up.code, up.stderr).toBe(0);
    expect(readFileSync(join(target, 'file.txt'), 'utf8')).toBe('copied content\n');
    const back = join(dir, `back-${Math.random().toString(36).slice(2)}.txt`);
    const down = await kubectl(bin, ['cp', `default/web:${target}/file.txt`, back]);
    expect(down.code, down.stderr).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe('copied content\n');
  }, 60_000);

  it('port-forward relays a TCP connection', async () => {
    const child = spawn(bin, ['--kubeconfig', api.kubeconfigPath, 'port-forward', 'pod/web', `:${echoPort}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...kubectlEnv } });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const localPort = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no forwarding line: ${out} ${err}`)), 15_000);
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(Number(m[1]));
          }
        });
      });
      for (const word of ['first', 'second']) {
        const got = await new Promise<string>((resolve, reject) => {
          const s = connect(localPort, '127.0.0.1');
          let data = '';
          const t = setTimeout(() => {
            s.destroy();
            reject(new Error(`no echo; kubectl said: ${err}`));
          }, 10_000);
          s.on('data', (b) => {
            data += b.toString();
            if (data === word) {
              clearTimeout(t);
              s.end();
              resolve(data);
            }
          });
          s.on('error', reject);
          s.write(word);
        });
        expect(got).toBe(word);
      }
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('port-forward to a closed port reports the error from the agent', async () => {
    const closedPort = await new Promise<number>((r) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => r(p));
      });
    });
    const child = spawn(bin, ['--kubeconfig', api.kubeconfigPath, 'port-forward', 'pod/web', `:${closedPort}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...kubectlEnv } });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const localPort = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no forwarding line: ${out} ${err}`)), 15_000);
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(Number(m[1]));
          }
        });
      });
      await new Promise<void>((resolve) => {
        const s = connect(localPort, '127.0.0.1');
        const t = setTimeout(() => {
          s.destroy();
          resolve();
        }, 10_000);
        s.on('error', () => {});
        s.on('close', () => {
          clearTimeout(t);
          resolve();
        });
        s.write('x');
      });
      for (let i = 0; i < 100 && !err.includes('error forwarding port'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(err).toContain(`error forwarding port ${closedPort} to pod sandbox-web, uid : failed to connect to localhost:${closedPort}`);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
