// Clients the Services end-to-end tests use to reach Service addresses as a user would: plain
// HTTP, a bare TCP connect (refused or not), UDP datagrams, a WebSocket round trip, and the backend
// program the test pods run (a host process on the process runtime).
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { repoRoot } from './cluster.js';

export interface HttpAnswer { status: number; body: string; headers: http.IncomingHttpHeaders }

/** GET http://host:port/path (optionally another Host header); rejects on a socket error or after timeoutMs. */
export function httpGet(host: string, port: number, path = '/', opts: { hostHeader?: string; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, agent: false, headers: opts.hostHeader ? { host: opts.hostHeader } : {}, timeout: opts.timeoutMs ?? 3_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${host}:${port}${path}: timed out`)));
  });
}

/** Connects and reports how it went: 'connected', or the error code (ECONNREFUSED, timeout…), with the time taken. */
export function tcpConnect(host: string, port: number, timeoutMs = 3_000): Promise<{ result: string; ms: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (result: string) => { clearTimeout(timer); s.destroy(); resolve({ result, ms: Date.now() - start }); };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    s.once('connect', () => done('connected'));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** Sends one datagram and resolves with the first answer (undefined after timeoutMs). */
export function udpRequest(host: string, port: number, payload: string, timeoutMs = 1_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (v: string | undefined) => { clearTimeout(timer); s.close(); resolve(v); };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.on('message', (m) => done(m.toString('utf8')));
    s.on('error', () => done(undefined));
    s.send(payload, port, host);
  });
}

/**
 * Opens ws://host:port/ws with a Host header (wss:// with `tls`: SNI = the Host header, verified
 * against `tls.ca`), sends `text`, resolves with the first message.
 */
export function wsEcho(host: string, port: number, hostHeader: string, text: string, opts: { timeoutMs?: number; tls?: { ca: string } } = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${opts.tls ? 'wss' : 'ws'}://${host}:${port}/ws`, {
      headers: { host: hostHeader }, handshakeTimeout: timeoutMs, ...(opts.tls ? { ca: opts.tls.ca, servername: hostHeader } : {}),
    });
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('websocket: no echo in time')); }, timeoutMs);
    ws.on('open', () => ws.send(text));
    ws.on('message', (m: Buffer) => { clearTimeout(timer); ws.close(); resolve(m.toString('utf8')); });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
    ws.on('unexpected-response', (_req, res) => { clearTimeout(timer); ws.terminate(); reject(new Error(`websocket upgrade answered ${res.statusCode}`)); });
  });
}

/** Polls `ok` every 250 ms until it is true; throws with `detail()` after timeoutMs. */
export async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number, detail: () => string | Promise<string> = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${await detail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The pods' program (CommonJS, run by this node): `http NAME PORT` answers every request with
// NAME (and the peer address on /peer), `udp NAME PORT` echoes datagrams as NAME:<payload>,
// `ws PORT` is a WebSocket echo server on /ws.
const backendSource = `
const [mode, a, b] = process.argv.slice(2);
if (mode === 'http') {
  require('node:http').createServer((req, res) => {
    res.end(req.url === '/peer' ? req.socket.remoteAddress : a);
  }).listen(Number(b), '0.0.0.0');
} else if (mode === 'udp') {
  const s = require('node:dgram').createSocket('udp4');
  s.on('message', (m, r) => s.send(a + ':' + m.toString(), r.port, r.address));
  s.bind(Number(b), '0.0.0.0');
} else if (mode === 'ws') {
  const { WebSocketServer } = require(${JSON.stringify(join(repoRoot, 'node_modules', 'ws'))});
  const srv = require('node:http').createServer((req, res) => res.end('ws backend'));
  new WebSocketServer({ server: srv, path: '/ws' }).on('connection', (c) => c.on('message', (m) => c.send('echo:' + m)));
  srv.listen(Number(a), '0.0.0.0');
}
process.on('SIGTERM', () => process.exit(0));
`;

/** Writes the backend program into `dir`; returns the command a container runs it with. */
export function writeBackend(dir: string): (...args: string[]) => string[] {
  const file = join(dir, 'backend.cjs');
  writeFileSync(file, backendSource);
  return (...args) => [process.execPath, file, ...args];
}

/** A TCP port free on 127.0.0.1 right now (and the same one free for UDP is not checked). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
