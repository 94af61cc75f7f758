// The plain-HTTP forwarding fast path. node:http parses every request and response into objects
// and streams, which costs as much CPU as the forwarding itself; this path reads the request
// head, routes it, writes a rewritten head to a pooled upstream connection and passes body bytes
// through unchanged, finding message ends from Content-Length or chunk sizes (RFC 9112 §6).
// It takes only plain HTTP/1.1 requests without Transfer-Encoding, Expect or Upgrade; on
// anything else it hands the connection, with the bytes read so far, to the node:http server
// (which answers malformed requests with 400 and handles upgrades), at a request boundary.
import net from 'node:net';
import type { Logger } from '../../api/log.js';
import type { BackendPool, Upstream } from './backends.js';
import { ChunkedScanner, framingOf, parseHead, type Framing } from './http1.js';
import type { RouteTable } from './routing.js';
import type { UpstreamConn, UpstreamPool } from './upstream-pool.js';

export interface FastPathOptions {
  routes: () => RouteTable;
  pool: BackendPool;
  upstreams: UpstreamPool;
  /** The listener's port (X-Forwarded-Port). */
  port: number;
  log: Logger;
  /** Hands a connection to node:http; `buffered` are bytes already read from it. */
  fallback(socket: net.Socket, buffered: Buffer): void;
  connectTimeoutMs?: number;
  /** Idle keep-alive client connections are closed after this (ingress-nginx: 75 s). */
  keepAliveTimeoutMs?: number;
}

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);
const empty = Buffer.alloc(0);

export function serveFastPath(socket: net.Socket, opts: FastPathOptions): void {
  new ClientConnection(socket, opts).start();
}

interface Exchange {
  conn: UpstreamConn;
  upstream: net.Socket;
  target: Upstream;
  reused: boolean;
  /** Request head+body bytes (kept only for a body-less request: replayed once on a stale pooled connection). */
  replay?: Buffer;
  requestBodyLeft: number;
  isHead: boolean;
  closeAfter: boolean;
  /** Response state. */
  resBuf: Buffer;
  headDone: boolean;
  sentToClient: boolean;
  framing?: Framing;
  bodyLeft: number;
  chunks?: ChunkedScanner;
  reusable: boolean;
  detach: () => void;
}

class ClientConnection {
  private pending: Buffer = empty;
  private ex?: Exchange;
  private closed = false;
  private readonly clientIP: string;

  constructor(private readonly socket: net.Socket, private readonly opts: FastPathOptions) {
    const a = socket.remoteAddress ?? '';
    this.clientIP = a.startsWith('::ffff:') ? a.slice(7) : a;
  }

  start(): void {
    const s = this.socket;
    s.setNoDelay(true);
    s.setTimeout(this.opts.keepAliveTimeoutMs ?? 75_000, this.onIdle);
    s.on('data', this.onData);
    s.on('error', () => {});
    s.on('close', this.onClose);
    s.on('end', this.onEnd);
  }

  private readonly onEnd = (): void => {
    if (!this.ex) this.socket.end();
  };

  private readonly onIdle = (): void => {
    if (!this.ex) this.socket.destroy();
  };

  private readonly onData = (chunk: Buffer): void => {
    const ex = this.ex;
    if (ex && ex.requestBodyLeft > 0) {
      const n = Math.min(ex.requestBodyLeft, chunk.length);
      ex.requestBodyLeft -= n;
      if (!ex.upstream.write(chunk.subarray(0, n))) this.pauseClientUntilDrain(ex.upstream);
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.ex) this.next();
    else if (this.pending.length > 64 * 1024) this.socket.pause(); // pipelined requests pile up: wait
  };

  private readonly onClose = (): void => {
    this.closed = true;
    if (this.ex) this.ex.upstream.destroy();
    this.ex = undefined;
  };

  private pauseClientUntilDrain(upstream: net.Socket): void {
    this.socket.pause();
    upstream.once('drain', () => this.socket.resume());
  }

  /** Takes the next request from the buffered bytes. */
  private next(): void {
    if (this.closed || this.pending.length === 0) return;
    this.socket.resume();
    const head = parseHead(this.pending);
    if (head === 'incomplete') return;
    if (head === 'invalid') return this.handOver();
    const sp1 = head.startLine.indexOf(' ');
    const sp2 = head.startLine.lastIndexOf(' ');
    if (sp1 <= 0 || sp2 <= sp1 || head.startLine.slice(sp2 + 1) !== 'HTTP/1.1') return this.handOver();
    const method = head.startLine.slice(0, sp1);
    const target = head.startLine.slice(sp1 + 1, sp2);
    let host = '';
    let xff: string | undefined;
    let closeAfter = false;
    const lines: string[] = [];
    for (const [name, value] of head.headers) {
      const lower = name.toLowerCase();
      switch (lower) {
        case 'host': host = value; break;
        case 'upgrade': case 'expect': case 'transfer-encoding': return this.handOver();
        case 'connection': if (/(^|,)\s*close\s*(,|$)/i.test(value)) closeAfter = true; break;
        case 'x-forwarded-for': xff = xff ? `${xff}, ${value}` : value; break;
      }
      if (hopByHop.has(lower) || lower.startsWith('x-forwarded-') || lower === 'x-real-ip') continue;
      lines.push(`${name}: ${value}\r\n`);
    }
    const framing = framingOf(head.headers, { kind: 'none' });
    if (!framing || framing.kind === 'chunked' || framing.kind === 'close') return this.handOver();
    const bodyLength = framing.kind === 'length' ? framing.length : 0;

    const match = this.opts.routes().match(host, target);
    const up = match ? this.opts.pool.pick(match.backend) : undefined;
    if (!up) {
      // A body we will not read means the connection cannot go on.
      this.pending = this.pending.subarray(head.length);
      return this.localReply(match ? 503 : 404, match ? '503 Service Temporarily Unavailable\n' : '404 page not found\n', closeAfter || bodyLength > 0);
    }
    const forwarded = `X-Forwarded-For: ${xff ? `${xff}, ${this.clientIP}` : this.clientIP}\r\nX-Real-IP: ${this.clientIP}\r\n`
      + `X-Forwarded-Proto: http\r\nX-Forwarded-Host: ${host}\r\nX-Forwarded-Port: ${this.opts.port}\r\n`;
    const upstreamHead = Buffer.from(`${method} ${target} HTTP/1.1\r\n${lines.join('')}${forwarded}\r\n`, 'latin1');
    const rest = this.pending.subarray(head.length);
    const bodyNow = rest.subarray(0, Math.min(bodyLength, rest.length));
    this.pending = rest.subarray(bodyNow.length);
    const first = bodyNow.length ? Buffer.concat([upstreamHead, bodyNow]) : upstreamHead;
    this.begin(up, first, bodyLength - bodyNow.length, method === 'HEAD', closeAfter, bodyLength === 0);
  }

  private begin(target: Upstream, first: Buffer, requestBodyLeft: number, isHead: boolean, closeAfter: boolean, replayable: boolean): void {
    const { conn, reused } = this.opts.upstreams.acquire(target.host, target.port);
    const upstream = conn.socket;
    let timer: NodeJS.Timeout | undefined;
    const ex: Exchange = {
      conn, upstream, target, reused, replay: replayable ? first : undefined, requestBodyLeft, isHead, closeAfter,
      resBuf: empty, headDone: false, sentToClient: false, bodyLeft: 0, reusable: true,
      detach: () => {
        if (timer) clearTimeout(timer);
        conn.owner = undefined;
      },
    };
    this.ex = ex;
    if (!reused) {
      timer = setTimeout(() => upstream.destroy(new Error('upstream connect timed out')), this.opts.connectTimeoutMs ?? 5000);
      upstream.once('connect', () => clearTimeout(timer));
    }
    conn.owner = {
      onData: (d) => this.onUpstreamData(ex, d),
      onEnd: () => this.onUpstreamEnd(ex),
      onError: (err) => this.onUpstreamError(ex, err),
    };
    upstream.write(first);
  }

  private detach(ex: Exchange): void {
    ex.detach();
  }

  private onUpstreamError(ex: Exchange, err: Error): void {
    if (this.ex !== ex) return;
    this.detach(ex);
    ex.upstream.destroy();
    // A pooled connection the endpoint had closed: replay a body-less request once on a new one.
    if (ex.reused && ex.replay && !ex.sentToClient && ex.resBuf.length === 0) {
      this.ex = undefined;
      return this.begin(ex.target, ex.replay, 0, ex.isHead, ex.closeAfter, true);
    }
    this.opts.log.debug('upstream failed', { upstream: `${ex.target.host}:${ex.target.port}`, err });
    this.ex = undefined;
    if (!ex.sentToClient) this.localReply(502, '502 Bad Gateway\n', true);
    else this.socket.destroy();
  }

  private onUpstreamEnd(ex: Exchange): void {
    if (this.ex !== ex) return;
    if (ex.headDone && ex.framing?.kind === 'close') {
      // A close-delimited response ends with the connection: so does the client's.
      this.detach(ex);
      this.ex = undefined;
      this.socket.end();
      return;
    }
    this.onUpstreamError(ex, new Error('upstream closed the connection before the response ended'));
  }

  private onUpstreamData(ex: Exchange, d: Buffer): void {
    if (this.ex !== ex) return;
    if (!ex.headDone) {
      ex.resBuf = ex.resBuf.length ? Buffer.concat([ex.resBuf, d]) : d;
      for (;;) {
        const head = parseHead(ex.resBuf);
        if (head === 'incomplete') return;
        if (head === 'invalid') return this.onUpstreamError(ex, new Error('malformed response head'));
        const status = Number(head.startLine.slice(9, 12));
        if (!head.startLine.startsWith('HTTP/1.') || !(status >= 100 && status <= 999)) return this.onUpstreamError(ex, new Error('malformed status line'));
        let text = `${head.startLine}\r\n`;
        let upstreamClose = head.startLine.startsWith('HTTP/1.0');
        for (const [name, value] of head.headers) {
          const lower = name.toLowerCase();
          if (lower === 'connection') {
            if (/(^|,)\s*close\s*(,|$)/i.test(value)) upstreamClose = true;
            else if (/(^|,)\s*keep-alive\s*(,|$)/i.test(value)) upstreamClose = false;
            continue;
          }
          if (lower === 'keep-alive' || lower === 'proxy-connection') continue;
          text += `${name}: ${value}\r\n`;
        }
        const rest = ex.resBuf.subarray(head.length);
        if (status >= 100 && status < 200) {
          // Interim responses (100, 103) pass through; the final one follows.
          this.socket.write(`${text}\r\n`, 'latin1');
          ex.resBuf = rest;
          continue;
        }
        const framing = ex.isHead || status === 204 || status === 304 ? { kind: 'none' as const } : framingOf(head.headers, { kind: 'close' });
        if (!framing) return this.onUpstreamError(ex, new Error('response with conflicting framing'));
        ex.framing = framing;
        ex.reusable = !upstreamClose && framing.kind !== 'close';
        if (framing.kind === 'close' || ex.closeAfter) text += 'Connection: close\r\n';
        ex.headDone = true;
        ex.sentToClient = true;
        ex.resBuf = empty;
        if (framing.kind === 'length') ex.bodyLeft = framing.length;
        if (framing.kind === 'chunked') ex.chunks = new ChunkedScanner();
        // The head goes out with the body bytes that came with it, in one write.
        this.body(ex, rest, Buffer.from(`${text}\r\n`, 'latin1'));
        return;
      }
    }
    this.body(ex, d);
  }

  /** Passes response body bytes on; finishes the exchange at the body's end. */
  private body(ex: Exchange, d: Buffer, head?: Buffer): void {
    const f = ex.framing!;
    let end = -1;
    if (f.kind === 'none') end = 0;
    else if (f.kind === 'length') {
      if (d.length >= ex.bodyLeft) end = ex.bodyLeft;
      else ex.bodyLeft -= d.length;
    } else if (f.kind === 'chunked') {
      end = ex.chunks!.feed(d);
      if (Number.isNaN(end)) {
        this.detach(ex);
        ex.upstream.destroy();
        this.ex = undefined;
        return void this.socket.destroy();
      }
    }
    let part = end >= 0 ? d.subarray(0, end) : d;
    if (head) part = part.length ? Buffer.concat([head, part]) : head;
    if (part.length && !this.socket.write(part)) {
      ex.upstream.pause();
      this.socket.once('drain', () => ex.upstream.resume());
    }
    if (end < 0) return;
    // Done. Bytes past the end, or a request body still coming, make the connection unusable.
    this.detach(ex);
    this.ex = undefined;
    if (ex.reusable && end === d.length && ex.requestBodyLeft === 0) this.opts.upstreams.release(ex.conn);
    else ex.upstream.destroy();
    if (ex.closeAfter || ex.requestBodyLeft > 0) return void this.socket.end();
    this.next();
  }

  private localReply(code: number, body: string, close: boolean): void {
    const reason = code === 404 ? 'Not Found' : code === 503 ? 'Service Unavailable' : 'Bad Gateway';
    this.socket.write(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${close ? 'Connection: close\r\n' : ''}\r\n${body}`);
    if (close) this.socket.end();
    else this.next();
  }

  /** Gives the connection to node:http with what was read of it. */
  private handOver(): void {
    const s = this.socket;
    s.off('data', this.onData);
    s.off('close', this.onClose);
    s.off('end', this.onEnd);
    s.setTimeout(0);
    s.off('timeout', this.onIdle);
    s.pause();
    const buffered = this.pending;
    this.pending = empty;
    this.closed = true;
    this.opts.fallback(s, buffered);
  }
}
