// The agent's HTTPS endpoint driven with the `ws` package and plain HTTPS: exec over v5/v4
// (stdout, stderr, exit codes, stdin half-close), attach, port-forward over the v4 channel
// protocol, logs (tail, timestamps, limitBytes, partial lines, follow) and client-cert auth.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { silentLogger } from '../../src/api/log.js';
import { startAgentServer, type AgentServer } from '../../src/agent/server/index.js';
import { HostFakeRuntime, createTestPki, fakeLocator, type TestPki } from '../../src/agent/streams/testing/fakes.js';
import { podAndNode, startFakeApi } from '../../src/apiserver/proxy/testing/fake-api.js';

let dir: string;
let pki: TestPki;
let runtime: HostFakeRuntime;
let agent: AgentServer;
let echo: Server;
let echoPort: number;

function logLine(time: string, stream: string, tag: string, content: string): string {
  return `${time} ${stream} ${tag} ${content}\n`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kites-streams-'));
  pki = await createTestPki();
  writeFileSync(join(dir, 'main.log'),
    logLine('2026-11-22T10:00:00.1Z', 'stdout', 'F', 'one') +
    logLine('2026-11-22T10:00:01.123456789Z', 'stderr', 'F', 'two') +
    logLine('2026-11-22T10:00:02Z', 'stdout', 'P', 'thr') +
    logLine('2026-11-22T10:00:02.5Z', 'stdout', 'F', 'ee') +
    logLine('2026-11-22T10:00:03Z', 'stdout', 'F', 'four'));
  writeFileSync(join(dir, 'follow.log'), logLine('2026-11-22T10:00:00Z', 'stdout', 'F', 'first'));
  runtime = new HostFakeRuntime(join(dir, 'main.log'));
  const locator = fakeLocator(runtime, {
    'default/web': { containers: ['main', 'follow'], logPath: (c) => join(dir, `${c}.log`) },
  });
  agent = await startAgentServer({ host: '127.0.0.1', port: 0, tls: { clientCA: pki.clientCA }, locator, log: silentLogger });
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
});

afterAll(async () => {
  await agent?.close();
  await runtime?.close();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, cred: { cert: string; key: string } | null = pki.client): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: agent.port, path, rejectUnauthorized: false, agent: false, ...(cred ?? {}), timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

interface Session { ws: WebSocket; channels: Map<number, Buffer>; protocol: Promise<string>; closed: Promise<void> }

function open(path: string, protocols: string[]): Session {
  const ws = new WebSocket(`wss://127.0.0.1:${agent.port}${path}`, protocols, { ...pki.client, rejectUnauthorized: false });
  const channels = new Map<number, Buffer>();
  ws.on('message', (data: Buffer) => {
    const ch = data[0]!;
    channels.set(ch, Buffer.concat([channels.get(ch) ?? Buffer.alloc(0), data.subarray(1)]));
  });
  const protocol = new Promise<string>((resolve, reject) => {
    ws.once('open', () => resolve(ws.protocol));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const closed = new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 8000);
    ws.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
  protocol.catch(() => {});
  return { ws, channels, protocol, closed };
}

const text = (s: Session, ch: number) => (s.channels.get(ch) ?? Buffer.alloc(0)).toString();
const execPath = (cmd: string[], flags: string) => `/exec/default/web/main?${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${flags}`;

describe('agent endpoint: authentication and routes', () => {
  it('answers 401 without a client certificate or with one from another CA', async () => {
    expect((await get('/healthz', null)).status).toBe(401);
    expect((await get('/healthz', pki.stranger)).status).toBe(401);
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok' });
  });

  it('answers 403 to a verified client that authorize refuses', async () => {
    const picky = await startAgentServer({
      host: '127.0.0.1', port: 0, tls: { clientCA: pki.clientCA }, locator: fakeLocator(runtime, {}), log: silentLogger,
      authorize: (who) => who.commonName === 'someone-else' && who.organizations.includes('system:masters'),
    });
    try {
      const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: picky.port, path: '/healthz', rejectUnauthorized: false, agent: false, ...pki.client }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body).message).toBe('Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=proxy, path=/healthz)');
    } finally {
      await picky.close();
    }
  });

  it('reports an unknown pod or container', async () => {
    const s = open(execPath(['true'], 'stdout=1'), ['v5.channel.k8s.io']);
    await s.closed;
    const s2 = open('/exec/default/nope/main?command=true&stdout=1', ['v5.channel.k8s.io']);
    await expect(s2.protocol).rejects.toThrow(/HTTP 404/);
    const r = await get('/containerLogs/default/web/ghost');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).message).toBe('container "ghost" in pod "web" is waiting to start: ContainerCreating');
  });
});

describe('exec', () => {
  it('v5: stdout, stderr and a non-zero exit code as a NonZeroExitCode Status', async () => {
    const s = open(execPath(['sh', '-c', 'echo out; echo err >&2; exit 3'], 'stdout=true&stderr=true'), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(await s.protocol).toBe('v5.channel.k8s.io');
    await s.closed;
    expect(text(s, 1)).toBe('out\n');
    expect(text(s, 2)).toBe('err\n');
    const status = JSON.parse(text(s, 3));
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    expect(status.message).toBe('command terminated with non-zero exit code: error executing command [sh -c echo out; echo err >&2; exit 3], exit code 3');
  });

  it('v5: stdin ends with the [255, 0] half-close', async () => {
    const s = open(execPath(['sh', '-c', 'cat; echo done'], 'stdin=true&stdout=true&stderr=true'), ['v5.channel.k8s.io']);
    await s.protocol;
    s.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello\n')]));
    s.ws.send(Buffer.from([255, 0]));
    await s.closed;
    expect(text(s, 1)).toBe('hello\ndone\n');
    expect(JSON.parse(text(s, 3))).toMatchObject({ status: 'Success' });
  });

  it('v4: success Status, and tty merges stderr into stdout', async () => {
    const s = open(execPath(['sh', '-c', 'echo a; echo b >&2'], 'stdout=1&stderr=1&tty=1'), ['v4.channel.k8s.io']);
    expect(await s.protocol).toBe('v4.channel.k8s.io');
    await s.closed;
    expect(text(s, 1).split('\n').sort().join(',')).toBe(',a,b');
    expect(s.channels.has(2)).toBe(false);
    expect(JSON.parse(text(s, 3))).toMatchObject({ kind: 'Status', status: 'Success' });
  });

  it('a missing binary ends with exit code 127', async () => {
    const s = open(execPath(['no-such-binary-kites'], 'stdout=1&stderr=1'), ['v5.channel.k8s.io']);
    await s.closed;
    expect(JSON.parse(text(s, 3)).details.causes[0]).toEqual({ reason: 'ExitCode', message: '127' });
    expect(text(s, 2)).toContain('executable file not found');
  });

  it('refuses an upgrade without a supported subprotocol', async () => {
    const s = open(execPath(['true'], 'stdout=1'), ['v9.channel.k8s.io']);
    await expect(s.protocol).rejects.toThrow(/HTTP 400/);
  });
});

describe('attach', () => {
  it('streams the main process output until it exits', async () => {
    const r2 = new HostFakeRuntime(join(dir, 'main.log'));
    const a2 = await startAgentServer({ host: '127.0.0.1', port: 0, tls: { clientCA: pki.clientCA }, locator: fakeLocator(r2, { 'default/web': { containers: ['main'], logPath: () => join(dir, 'main.log') } }), log: silentLogger });
    try {
      const ws = new WebSocket(`wss://127.0.0.1:${a2.port}/attach/default/web/main?stdout=1&stderr=1`, ['v5.channel.k8s.io'], { ...pki.client, rejectUnauthorized: false });
      const got: Buffer[] = [];
      ws.on('message', (d: Buffer) => got.push(d));
      await new Promise((r, j) => {
        ws.once('open', r);
        ws.once('error', j);
      });
      await new Promise((r) => setTimeout(r, 50));
      r2.mainOutput.write('tick\n');
      await new Promise((r) => setTimeout(r, 50));
      r2.stopMain();
      await new Promise<void>((r) => {
        const t = setTimeout(r, 5000);
        ws.once('close', () => {
          clearTimeout(t);
          r();
        });
      });
      const stdout = Buffer.concat(got.filter((b) => b[0] === 1).map((b) => b.subarray(1))).toString();
      expect(stdout).toBe('tick\n');
      const status = got.find((b) => b[0] === 3);
      expect(JSON.parse(status!.subarray(1).toString()).status).toBe('Success');
    } finally {
      await a2.close();
    }
  });
});

describe('port-forward over the v4 channel protocol', () => {
  it('sends the port on both channels first, then relays data', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${agent.port}/portForward/default/web?ports=${echoPort}`, ['v4.channel.k8s.io'], { ...pki.client, rejectUnauthorized: false });
    const frames: Buffer[] = [];
    let gotEcho: () => void = () => {};
    const echoed = new Promise<void>((r) => (gotEcho = r));
    ws.on('message', (d: Buffer) => {
      frames.push(d);
      if (d[0] === 0 && d.subarray(1).toString().includes('ping')) gotEcho();
    });
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping')]));
    await Promise.race([echoed, new Promise((r) => setTimeout(r, 5000))]);
    ws.close();
    const portLE = Buffer.alloc(2);
    portLE.writeUInt16LE(echoPort);
    expect(frames[0]).toEqual(Buffer.concat([Buffer.from([0]), portLE]));
    expect(frames[1]).toEqual(Buffer.concat([Buffer.from([1]), portLE]));
    expect(Buffer.concat(frames.slice(2).filter((f) => f[0] === 0).map((f) => f.subarray(1))).toString()).toBe('ping');
  });

  it('writes a connection failure on the error channel', async () => {
    const closedPort = await new Promise<number>((r) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    const ws = new WebSocket(`wss://127.0.0.1:${agent.port}/portForward/default/web?ports=${closedPort}`, ['v4.channel.k8s.io'], { ...pki.client, rejectUnauthorized: false });
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(d));
    await new Promise<void>((r) => {
      const t = setTimeout(r, 5000);
      ws.once('close', () => {
        clearTimeout(t);
        r();
      });
    });
    const err = Buffer.concat(frames.filter((f) => f[0] === 1).map((f) => f.subarray(1))).subarray(2).toString();
    expect(err).toMatch(new RegExp(`^error forwarding port ${closedPort} to pod sandbox-web, uid : failed to connect to localhost:${closedPort}`));
  });
});

describe('containerLogs', () => {
  it('joins partial lines, and serves tail, timestamps and limitBytes', async () => {
    expect((await get('/containerLogs/default/web/main')).body).toBe('one\ntwo\nthree\nfour\n');
    expect((await get('/containerLogs/default/web/main?tailLines=2')).body).toBe('three\nfour\n');
    expect((await get('/containerLogs/default/web/main?tailLines=0')).body).toBe('');
    expect((await get('/containerLogs/default/web/main?timestamps=true&tailLines=3')).body).toBe(
      '2026-11-22T10:00:01.123456789Z two\n2026-11-22T10:00:02.000000000Z three\n2026-11-22T10:00:03.000000000Z four\n');
    expect((await get('/containerLogs/default/web/main?limitBytes=6')).body).toBe('one\ntw');
    expect((await get('/containerLogs/default/web/main?sinceTime=2026-11-22T10:00:02Z')).body).toBe('three\nfour\n');
  });

  it('validates options and previous', async () => {
    const r = await get('/containerLogs/default/web/main?sinceSeconds=5&sinceTime=2026-11-22T10:00:02Z');
    expect(r.status).toBe(400);
    const p = await get('/containerLogs/default/web/main?previous=true');
    expect(JSON.parse(p.body).message).toBe('previous terminated container "main" in pod "web" not found');
  });

  it('follows appends and ends once the container has exited and the file is drained', async () => {
    runtime.running = true;
    const lines: string[] = [];
    const done = new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: agent.port, path: '/containerLogs/default/web/follow?follow=true', rejectUnauthorized: false, ...pki.client }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => lines.push(c));
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    const waitFor = async (s: string) => {
      for (let i = 0; i < 100 && !lines.join('').includes(s); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await waitFor('first');
    appendFileSync(join(dir, 'follow.log'), logLine('2026-11-22T10:00:01Z', 'stdout', 'F', 'second'));
    await waitFor('second');
    appendFileSync(join(dir, 'follow.log'), logLine('2026-11-22T10:00:02Z', 'stdout', 'F', 'last'));
    runtime.running = false;
    const status = await Promise.race([done, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
    expect(status).toBe(200);
    expect(lines.join('')).toBe('first\nsecond\nlast\n');
    runtime.running = true;
  });
});

describe('node proxy (API server side)', () => {
  it('streams logs from the agent and answers Status errors', async () => {
    const web = podAndNode({ name: 'web', containers: ['main', 'follow'], agentPort: agent.port });
    const lost = podAndNode({ name: 'lost', containers: ['main'], agentPort: 1, nodeName: 'gone-node' });
    const pending = podAndNode({ name: 'pending', containers: ['main'], agentPort: agent.port });
    delete (pending.pod.spec as { nodeName?: string }).nodeName;
    const deadPort = await new Promise<number>((r) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    const down = podAndNode({ name: 'down', containers: ['main'], agentPort: deadPort, nodeName: 'down-node' });
    const api = await startFakeApi({ pods: [web.pod, lost.pod, pending.pod, down.pod], nodes: [web.node, down.node], clientTls: pki.client, log: silentLogger, dir });
    try {
      const fetchApi = (path: string) => new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = request(`${api.url}${path}`, { rejectUnauthorized: false, agent: false, timeout: 5000 }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
        });
        req.on('error', reject);
        req.end();
      });
      const logs = await fetchApi('/api/v1/namespaces/default/pods/web/log?container=main&tailLines=1');
      expect(logs).toEqual({ status: 200, type: 'text/plain', body: 'four\n' });
      // A followed log that stays quiet: the headers come at once.
      const quiet = await new Promise<number>((resolve, reject) => {
        const req = request(`${api.url}/api/v1/namespaces/default/pods/web/log?container=follow&follow=true&sinceTime=2030-01-01T00:00:00Z`, { rejectUnauthorized: false, agent: false }, (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', () => {});
        setTimeout(() => reject(new Error('no headers')), 3000);
        req.end();
      });
      expect(quiet).toBe(200);
      const status = async (path: string) => {
        const r = await fetchApi(path);
        const s = JSON.parse(r.body) as { code: number; reason: string; message: string };
        return { http: r.status, code: s.code, reason: s.reason, message: s.message };
      };
      expect(await status('/api/v1/namespaces/default/pods/nope/log')).toEqual({ http: 404, code: 404, reason: 'NotFound', message: 'pods "nope" not found' });
      expect(await status('/api/v1/namespaces/default/pods/pending/log')).toEqual({ http: 400, code: 400, reason: 'BadRequest', message: 'pod pending does not have a host assigned' });
      expect(await status('/api/v1/namespaces/default/pods/web/log')).toEqual({
        http: 400, code: 400, reason: 'BadRequest', message: 'a container name must be specified for pod web, choose one of: [main follow]',
      });
      expect(await status('/api/v1/namespaces/default/pods/lost/log')).toMatchObject({ http: 404, reason: 'NotFound', message: 'nodes "gone-node" not found' });
      const unreachable = await status('/api/v1/namespaces/default/pods/down/log');
      expect(unreachable).toMatchObject({ http: 500, reason: 'InternalError' });
      expect(unreachable.message).toContain('ECONNREFUSED');
      expect(await status('/api/v1/namespaces/default/pods/web/exec?command=true&container=main')).toMatchObject({ http: 400, message: 'Upgrade request required' });
    } finally {
      await api.close();
    }
  });
});
