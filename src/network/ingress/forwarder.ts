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
    const headers = forwardedHeaders(req, scheme, port);
    const up = http.request({
      host: target.host, port: target.port, method: req.method, path: req.url, headers,
      agent: this.opts.agent, timeout: this.connectTimeoutMs,
    });
    let responded = false;
    up.on('response', (ur) => {
      responded = true;
      up.setTimeout(0);
      res.writeHead(ur.statusCode ?? 502, ur.statusMessage, filterHeaders(ur.rawHeaders));
      // Streams without a length (server-sent events, long polls): send the head now rather than
      // with the first chunk, so the client sees the response start.
      if (ur.headers['content-length'] === undefined) res.flushHeaders();
      ur.pipe(res);
      ur.on('error', () => res.destroy());
      res.on('close', () => { if (!ur.complete) ur.destroy(); });
    });
    up.on('timeout', () => up.destroy(new Error('upstream timed out')));
    up.on('error', (err) => {
      this.opts.log.debug('upstream failed', { upstream: `${target.host}:${target.port}`, err });
      if (!responded && !res.headersSent) reply(res, 502, '502 Bad Gateway\n');
      else res.destroy();
    });
    req.on('aborted', () => up.destroy());
    req.pipe(up);
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
      for (const [k, v] of Object.entries(headers)) {
        for (const one of Array.isArray(v) ? v : [v]) headText += `${k}: ${one}\r\n`;
      }
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

/** Request headers for the upstream: end-to-end ones plus X-Forwarded-* (appending to a client's XFF). */
function forwardedHeaders(req: http.IncomingMessage, scheme: string, port: number, upgrade = false): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || lower === 'x-forwarded-for') continue;
    const prev = out[name];
    out[name] = prev === undefined ? raw[i + 1]! : Array.isArray(prev) ? [...prev, raw[i + 1]!] : [String(prev), raw[i + 1]!];
  }
  const client = stripV4Mapped(req.socket.remoteAddress ?? '');
  const xff = req.headers['x-forwarded-for'];
  out['X-Forwarded-For'] = xff ? `${Array.isArray(xff) ? xff.join(', ') : xff}, ${client}` : client;
  out['X-Real-IP'] = client;
  out['X-Forwarded-Proto'] = scheme;
  out['X-Forwarded-Host'] = req.headers.host ?? '';
  out['X-Forwarded-Port'] = String(port);
  if (upgrade) {
    out['Connection'] = 'Upgrade';
    out['Upgrade'] = req.headers.upgrade ?? 'websocket';
  }
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
