// The data path: one request in, routed by the table, sent to an upstream endpoint over a pooled
// keep-alive connection, and the response streamed back as it arrives (chunked bodies and
// server-sent events pass through unbuffered). Upgrade requests (WebSocket) are spliced to a raw
// TCP connection to the endpoint after the request head is replayed. Status codes as users of
// ingress-nginx know them: 404 no route, 503 no ready endpoint, 502 upstream failed.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../api/log.js';
import type { BackendPool, Upstream } from './backends.js';
import type { RouteTable } from './routing.js';

export interface ForwarderOptions {
  routes: () => RouteTable;
  pool: BackendPool;
  agent: http.Agent;
  log: Logger;
  /** How long to wait for an upstream connection. */
  connectTimeoutMs?: number;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded.
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

export class Forwarder {
  private readonly connectTimeoutMs: number;

  constructor(private readonly opts: ForwarderOptions) {
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  }

  /** Handles a request on a listener of `scheme` bound to `port`. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, scheme: 'http' | 'https', port: number): void {
    const target = this.route(req);
    if (target === 'not-found') return reply(res, 404, '404 page not found\n');
    if (target === 'unavailable') return reply(res, 503, '503 Service Temporarily Unavailable\n');
    const up = http.request({
      host: target.host, port: target.port, method: req.method, path: req.url,
      headers: forwardedHeaders(req, scheme, port), agent: this.opts.agent,
    });
    let responded = false;
    up.on('socket', (s) => {
      // A connect timeout only: a reused keep-alive socket is already connected, and a slow
      // response (long poll, stream) is the upstream's business, as in ingress-nginx's default.
      if (!s.connecting) return;
      const timer = setTimeout(() => up.destroy(new Error('upstream connect timed out')), this.connectTimeoutMs);
      s.once('connect', () => clearTimeout(timer));
      s.once('close', () => clearTimeout(timer));
    });
    up.on('response', (ur) => {
      responded = true;
      res.writeHead(ur.statusCode ?? 502, ur.statusMessage, filterHeaders(ur.rawHeaders));
      // Streams without a length (server-sent events, long polls): send the head now rather than
      // with the first chunk, so the client sees the response start.
      if (ur.headers['content-length'] === undefined) res.flushHeaders();
      ur.pipe(res);
      ur.on('error', () => res.destroy());
      res.on('close', () => { if (!ur.complete) ur.destroy(); });
    });
    up.on('error', (err) => {
      this.opts.log.debug('upstream failed', { upstream: `${target.host}:${target.port}`, err });
      if (!responded && !res.headersSent) reply(res, 502, '502 Bad Gateway\n');
      else res.destroy();
    });
    // A request without a body (most GETs) ends at once; others are streamed.
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      up.end();
      res.on('close', () => { if (!responded) up.destroy(); });
    } else {
      req.on('aborted', () => up.destroy());
      req.pipe(up);
    }
  }

  /** Handles an Upgrade request (WebSocket): replay the head to the endpoint and splice. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, scheme: 'http' | 'https', port: number): void {
    const target = this.route(req);
    socket.on('error', () => {});
    if (target === 'not-found') return rawReply(socket, 404, '404 page not found\n');
    if (target === 'unavailable') return rawReply(socket, 503, '503 Service Temporarily Unavailable\n');
    const up = net.connect({ host: target.host, port: target.port });
    up.setTimeout(this.connectTimeoutMs, () => up.destroy(new Error('upstream timed out')));
    up.on('connect', () => {
      up.setTimeout(0);
      up.setNoDelay(true);
      const headers = forwardedHeaders(req, scheme, port, true);
      let headText = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < headers.length; i += 2) headText += `${headers[i]}: ${headers[i + 1]}\r\n`;
      up.write(headText + '\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', (err) => {
      this.opts.log.debug('upstream upgrade failed', { upstream: `${target.host}:${target.port}`, err });
      if (up.bytesRead === 0 && up.bytesWritten === 0) rawReply(socket, 502, '502 Bad Gateway\n');
      else socket.destroy();
    });
    up.on('close', () => socket.destroy());
    socket.on('close', () => up.destroy());
  }

  private route(req: http.IncomingMessage): Upstream | 'not-found' | 'unavailable' {
    const m = this.opts.routes().match(req.headers.host ?? '', req.url ?? '/');
    if (!m) return 'not-found';
    return this.opts.pool.pick(m.backend) ?? 'unavailable';
  }
}

/**
 * Request headers for the upstream as a flat [name, value, …] list (cheaper for node:http than an
 * object): end-to-end ones plus X-Forwarded-* (appending to a client's X-Forwarded-For).
 */
function forwardedHeaders(req: http.IncomingMessage, scheme: string, port: number, upgrade = false): string[] {
  const out: string[] = [];
  const raw = req.rawHeaders;
  let xff: string | undefined;
  let host = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') { xff = xff ? `${xff}, ${raw[i + 1]}` : raw[i + 1]; continue; }
    if (lower === 'host') host = raw[i + 1]!;
    if (hopByHop.has(lower) || lower.startsWith('x-forwarded-') || lower === 'x-real-ip') continue;
    out.push(name, raw[i + 1]!);
  }
  const client = stripV4Mapped(req.socket.remoteAddress ?? '');
  out.push(
    'X-Forwarded-For', xff ? `${xff}, ${client}` : client,
    'X-Real-IP', client,
    'X-Forwarded-Proto', scheme,
    'X-Forwarded-Host', host,
    'X-Forwarded-Port', String(port),
  );
  if (upgrade) out.push('Connection', 'Upgrade', 'Upgrade', req.headers.upgrade ?? 'websocket');
  return out;
}

function filterHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!hopByHop.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function stripV4Mapped(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

function reply(res: http.ServerResponse, code: number, body: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function rawReply(socket: Duplex, code: number, body: string): void {
  socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
