// Asking upstream resolvers, as CoreDNS's forward plugin: UDP first (one socket per address
// family, answers matched by id, source and question), the same question again over TCP when the
// answer comes back truncated, a timeout per attempt.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { Type, defaultEdnsUdpSize } from './wire.js';

export interface Upstream { address: string; port: number }

/** "1.2.3.4", "1.2.3.4:5353", "[::1]:53", "::1" → address and port (53 by default). */
export function parseUpstream(text: string): Upstream {
  const t = text.trim().replace(/^dns:\/\//, '');
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) return { address: bracket[1]!, port: bracket[2] ? Number(bracket[2]) : 53 };
  if (net.isIP(t)) return { address: t, port: 53 };
  const m = /^([^:]+):(\d+)$/.exec(t);
  if (m && net.isIP(m[1]!)) return { address: m[1]!, port: Number(m[2]) };
  throw new Error(`cluster DNS: bad upstream ${JSON.stringify(text)} (want an IP address, optionally :port)`);
}

/** The name servers of a resolv.conf text, minus the given addresses (the cluster DNS itself: a loop). */
export function nameserversFromResolvConf(text: string, exclude: string[] = []): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m) continue;
    const addr = m[1]!.replace(/%.*$/, '');
    if (!net.isIP(addr) || exclude.includes(addr)) continue;
    out.push({ address: addr, port: 53 });
  }
  return out;
}

export class UpstreamError extends Error {}

interface Pending {
  resolve(msg: Buffer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  upstream: Upstream;
  question: Buffer;
}

/** A query for one question (wire bytes of name, type, class) with RD set and EDNS0. */
export function buildQuery(id: number, question: Buffer): Buffer {
  const out = Buffer.alloc(12 + question.length + 11);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(0x0100, 2); // RD
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(1, 10);
  question.copy(out, 12);
  const o = 12 + question.length;
  out[o] = 0;
  out.writeUInt16BE(Type.OPT, o + 1);
  out.writeUInt16BE(defaultEdnsUdpSize, o + 3);
  return out;
}

export class UpstreamClient {
  private readonly sockets = new Map<4 | 6, dgram.Socket>();
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly opts: { timeoutMs: number }) {}

  private socket(family: 4 | 6): dgram.Socket {
    let s = this.sockets.get(family);
    if (s) return s;
    s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    s.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    s.on('error', () => {}); // per-query timeouts report failures
    s.unref();
    this.sockets.set(family, s);
    return s;
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length < 12) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    if (!p || rinfo.port !== p.upstream.port || normalize(rinfo.address) !== normalize(p.upstream.address)) return;
    // The question must come back unchanged (guards against stray or spoofed answers).
    if (msg.length < 12 + p.question.length || !msg.subarray(12, 12 + p.question.length).equals(p.question)) return;
    this.pending.delete(msg.readUInt16BE(0));
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  /** One exchange with one upstream: UDP, then TCP if truncated. */
  async exchange(upstream: Upstream, question: Buffer): Promise<Buffer> {
    const msg = await this.udp(upstream, question);
    if ((msg.readUInt16BE(2) & 0x0200) === 0) return msg;
    return this.tcp(upstream, question);
  }

  private udp(upstream: Upstream, question: Buffer): Promise<Buffer> {
    if (this.closed) return Promise.reject(new UpstreamError('upstream client closed'));
    let id = randomInt(0, 0x10000);
    for (let i = 0; this.pending.has(id) && i < 0x10000; i++) id = (id + 1) & 0xffff;
    if (this.pending.has(id)) return Promise.reject(new UpstreamError('too many queries in flight'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new UpstreamError(`upstream ${upstream.address}:${upstream.port} timed out`));
      }, this.opts.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, upstream, question });
      const family = net.isIPv6(upstream.address) ? 6 : 4;
      this.socket(family).send(buildQuery(id, question), upstream.port, upstream.address, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new UpstreamError(`upstream ${upstream.address}:${upstream.port}: ${err.message}`));
      });
    });
  }

  private tcp(upstream: Upstream, question: Buffer): Promise<Buffer> {
    const id = randomInt(0, 0x10000);
    const q = buildQuery(id, question);
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: upstream.address, port: upstream.port });
      let got = Buffer.alloc(0);
      const fail = (e: Error) => { sock.destroy(); reject(new UpstreamError(`upstream ${upstream.address}:${upstream.port} (tcp): ${e.message}`)); };
      const timer = setTimeout(() => fail(new Error('timed out')), this.opts.timeoutMs);
      sock.on('error', (e) => { clearTimeout(timer); fail(e); });
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(q.length);
        sock.write(Buffer.concat([len, q]));
      });
      sock.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length < 2 || got.length < 2 + got.readUInt16BE(0)) return;
        clearTimeout(timer);
        sock.destroy();
        const msg = got.subarray(2, 2 + got.readUInt16BE(0));
        if (msg.length < 12 || msg.readUInt16BE(0) !== id) reject(new UpstreamError(`upstream ${upstream.address}:${upstream.port} (tcp): mismatched answer`));
        else resolve(msg);
      });
      sock.on('end', () => { clearTimeout(timer); fail(new Error('closed before answering')); });
    });
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new UpstreamError('upstream client closed'));
    }
    this.pending.clear();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}

function normalize(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
