// The agent endpoint over the real process runtime: logs written by its CRI log writer (plain and
// followed until the container exits), exec in the container's environment, attach with stdin
// to the main process, and port-forward through RuntimeService.portForward.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { silentLogger } from '../../src/api/log.js';
import { ProcessRuntime } from '../../src/agent/runtime/process/process-runtime.js';
import { containerConfig, sandboxConfig } from '../../src/agent/runtime/testing/conformance.js';
import { startAgentServer, type AgentServer, type ContainerLocator } from '../../src/agent/server/index.js';
import { createTestPki, type TestPki } from '../../src/agent/streams/testing/fakes.js';

let dir: string;
let runtime: ProcessRuntime;
let agent: AgentServer;
let pki: TestPki;
let echo: Server;
const ids = new Map<string, { id: string; logPath: string }>();
let sandboxId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kites-streams-proc-'));
  pki = await createTestPki();
  runtime = await ProcessRuntime.open({ dataDir: dir, nodeIP: '127.0.0.1', version: 'test', pollIntervalMs: 20 });
  const sb = sandboxConfig(dir, 'pod');
  sandboxId = await runtime.runPodSandbox(sb);
  const start = async (name: string, command: string[], extra: Parameters<typeof containerConfig>[3] = {}) => {
    const cfg = containerConfig(dir, name, command, { env: [{ name: 'GREETING', value: 'hi-from-env' }], ...extra });
    const id = await runtime.createContainer(sandboxId, cfg, sb);
    await runtime.startContainer(id);
    ids.set(name, { id, logPath: cfg.logPath });
  };
  await start('talker', ['sh', '-c', 'echo start; sleep 0.6; echo middle; sleep 0.3; echo end >&2']);
  await start('sleeper', ['sleep', '30']);
  await start('reader', ['sh', '-c', 'while read l; do echo "read: $l"; done'], { stdin: true });
  const locator: ContainerLocator = {
    find: async (ns, pod, container) => {
      const c = ids.get(container ?? 'sleeper');
      if (ns !== 'default' || pod !== 'pod' || !c) return undefined;
      return { runtime, containerId: c.id, sandboxId, logPath: c.logPath, tty: false, stdin: container === 'reader' };
    },
  };
  agent = await startAgentServer({ host: '127.0.0.1', port: 0, tls: { clientCA: pki.clientCA }, locator, log: silentLogger });
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await agent?.close();
  if (runtime) {
    for (const c of ids.values()) await runtime.stopContainer(c.id, 0).catch(() => {});
    await runtime.close();
  }
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, timeoutMs = 8000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: agent.port, path, rejectUnauthorized: false, agent: false, ...pki.client }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    const t = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
    req.on('close', () => clearTimeout(t));
    req.on('error', reject);
    req.end();
  });
}

function session(path: string, protocol = 'v5.channel.k8s.io'): { ws: WebSocket; opened: Promise<void>; closed: Promise<Map<number, string>> } {
  const ws = new WebSocket(`wss://127.0.0.1:${agent.port}${path}`, [protocol], { ...pki.client, rejectUnauthorized: false });
  const channels = new Map<number, string>();
  ws.on('message', (d: Buffer) => channels.set(d[0]!, (channels.get(d[0]!) ?? '') + d.subarray(1).toString()));
  const opened = new Promise<void>((r, j) => {
    ws.once('open', () => r());
    ws.once('error', j);
  });
  const closed = new Promise<Map<number, string>>((r) => {
    const t = setTimeout(() => {
      ws.terminate();
      r(channels);
    }, 8000);
    ws.once('close', () => {
      clearTimeout(t);
      r(channels);
    });
  });
  return { ws, opened, closed };
}

describe('agent endpoint over the process runtime', () => {
  it('follows a container log until the container exits', async () => {
    const r = await get('/containerLogs/default/pod/talker?follow=true');
    expect(r).toEqual({ status: 200, body: 'start\nmiddle\nend\n' });
    const ts = await get('/containerLogs/default/pod/talker?timestamps=true&tailLines=1');
    expect(ts.body).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z end\n$/);
  });

  it('execs in the container environment', async () => {
    const s = session('/exec/default/pod/sleeper?command=sh&command=-c&command=echo%20%24GREETING&stdout=1&stderr=1');
    const ch = await s.closed;
    expect(ch.get(1)).toBe('hi-from-env\n');
    expect(JSON.parse(ch.get(3)!).status).toBe('Success');
  });

  it('attaches stdin to the main process', async () => {
    const s = session('/attach/default/pod/reader?stdin=1&stdout=1&stderr=1');
    await s.opened;
    s.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping\n')]));
    let out = '';
    s.ws.on('message', (d: Buffer) => {
      if (d[0] === 1) out += d.subarray(1).toString();
    });
    for (let i = 0; i < 100 && !out.includes('read: ping'); i++) await new Promise((r) => setTimeout(r, 20));
    s.ws.close();
    await s.closed;
    expect(out).toContain('read: ping\n');
  });

  it('port-forwards through the runtime', async () => {
    const port = (echo.address() as { port: number }).port;
    const s = session(`/portForward/default/pod?ports=${port}`, 'v4.channel.k8s.io');
    await s.opened;
    let data = '';
    s.ws.on('message', (d: Buffer) => {
      if (d[0] === 0) data += d.subarray(1).toString('latin1');
    });
    s.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('echo me')]));
    for (let i = 0; i < 100 && !data.includes('echo me'); i++) await new Promise((r) => setTimeout(r, 20));
    s.ws.close();
    await s.closed;
    expect(data.endsWith('echo me')).toBe(true);
  });
});
