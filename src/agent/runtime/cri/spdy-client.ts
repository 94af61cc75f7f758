// The client side of SPDY/3.1 as client-go speaks it to a CRI streaming server (containerd's copy
// of the kubelet's): an `Upgrade: SPDY/3.1` request naming the sub-protocol in
// X-Stream-Protocol-Version, then streams the client opens (SYN_STREAM with odd ids, answered by
// SYN_REPLY), data, half-closes (FIN) and resets. SPDY is used rather than WebSocket because the
// streaming server of containerd 1.6 only knows the v4 WebSocket protocols, which cannot
// half-close stdin (`cat` would never see EOF). Framing and header compression come from the
// agent's SPDY server (src/agent/streams/spdy-frames.ts).
import type { Duplex } from 'node:stream';
import {
  FLAG_FIN, FrameReader, FrameType, HeaderCodec, controlFrame, dataFrame, u32, type Frame,
} from '../../streams/spdy-frames.js';

const MAX_DATA = 32 * 1024;

export class SpdyClientStream {
  remoteFin = false;
  localFin = false;
  private readonly dataFns: Array<(b: Buffer) => void> = [];
  private readonly endFns: Array<() => void> = [];
  private early: Buffer[] = [];
  /** @internal */ replied!: () => void;
  /** @internal */ failed!: (e: Error) => void;
  readonly reply: Promise<void>;

  constructor(readonly id: number, private readonly session: SpdyClientSession) {
    this.reply = new Promise((resolve, reject) => { this.replied = resolve; this.failed = reject; });
    this.reply.catch(() => {});
  }

  onData(fn: (b: Buffer) => void): void {
    this.dataFns.push(fn);
    for (const b of this.early) fn(b);
    this.early = [];
  }

  /** Called once, when the server half-closes (or the stream or session is torn down). */
  onEnd(fn: () => void): void {
    if (this.remoteFin) fn();
    else this.endFns.push(fn);
  }

  /** @internal */ received(b: Buffer): void {
    if (this.dataFns.length === 0) this.early.push(b);
    for (const fn of this.dataFns) fn(b);
  }

  /** @internal */ ended(): void {
    if (this.remoteFin) return;
    this.remoteFin = true;
    for (const fn of this.endFns.splice(0)) fn();
  }

  write(chunk: Buffer | string): Promise<void> {
    return this.session.sendData(this, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }

  end(): Promise<void> {
    return this.session.finish(this);
  }
}

export class SpdyClientSession {
  private readonly reader = new FrameReader();
  private readonly codec = new HeaderCodec();
  private readonly streams = new Map<number, SpdyClientStream>();
  private nextId = 1;
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private isClosed = false;
  readonly closed: Promise<void>;

  constructor(private readonly socket: Duplex, head: Buffer) {
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      const done = () => {
        if (this.isClosed) return;
        this.isClosed = true;
        for (const s of this.streams.values()) {
          s.failed(new Error('streaming connection closed'));
          s.ended();
        }
        this.streams.clear();
        this.codec.close();
        resolve();
      };
      socket.once('close', done);
      socket.once('end', done);
    });
    socket.on('data', (b: Buffer) => this.push(b));
    if (head.length > 0) this.push(head);
  }

  private push(bytes: Buffer): void {
    const frames = this.reader.push(bytes);
    this.inbound = this.inbound.then(async () => {
      for (const f of frames) await this.onFrame(f);
    }).catch(() => this.close());
  }

  private send(build: () => Promise<Buffer> | Buffer): Promise<void> {
    this.outbound = this.outbound.then(async () => {
      if (this.isClosed || this.socket.destroyed) return;
      const frame = await build();
      await new Promise<void>((resolve) => this.socket.write(frame, () => resolve()));
    }).catch(() => {});
    return this.outbound;
  }

  /** Opens a stream with these headers; resolves once the server replied. */
  async openStream(headers: Record<string, string>): Promise<SpdyClientStream> {
    if (this.isClosed) throw new Error('streaming connection closed');
    const id = this.nextId;
    this.nextId += 2;
    const s = new SpdyClientStream(id, this);
    this.streams.set(id, s);
    const block = new Map(Object.entries(headers));
    // stream id, associated-to 0, priority 0 and slot 0, then the compressed header block
    void this.send(async () => controlFrame(FrameType.SynStream, 0, Buffer.concat([u32(id, 0), Buffer.alloc(2), await this.codec.encode(block)])));
    await s.reply;
    return s;
  }

  sendData(s: SpdyClientStream, chunk: Buffer): Promise<void> {
    if (s.localFin) return Promise.resolve();
    let last: Promise<void> = Promise.resolve();
    for (let at = 0; at < chunk.length; at += MAX_DATA) {
      const part = chunk.subarray(at, at + MAX_DATA);
      last = this.send(() => dataFrame(s.id, 0, part));
    }
    return last;
  }

  finish(s: SpdyClientStream): Promise<void> {
    if (s.localFin) return Promise.resolve();
    s.localFin = true;
    return this.send(() => dataFrame(s.id, FLAG_FIN, Buffer.alloc(0)));
  }

  close(): void {
    if (!this.socket.destroyed) void this.outbound.then(() => this.socket.destroy());
  }

  private async onFrame(f: Frame): Promise<void> {
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      if (f.payload.length > 0) s.received(Buffer.from(f.payload));
      if (f.flags & FLAG_FIN) s.ended();
      return;
    }
    switch (f.type) {
      case FrameType.SynReply: {
        const s = this.streams.get(f.payload.readUInt32BE(0) & 0x7fffffff);
        await this.codec.decode(f.payload.subarray(4));
        s?.replied();
        if (s && f.flags & FLAG_FIN) s.ended();
        return;
      }
      case FrameType.SynStream:
        // the streaming server never pushes streams; keep the compression state in step
        await this.codec.decode(f.payload.subarray(10));
        return;
      case FrameType.Headers:
        await this.codec.decode(f.payload.subarray(4));
        return;
      case FrameType.RstStream: {
        const s = this.streams.get(f.payload.readUInt32BE(0) & 0x7fffffff);
        if (s) {
          s.failed(new Error(`stream reset by the runtime (status ${f.payload.readUInt32BE(4)})`));
          s.ended();
          this.streams.delete(s.id);
        }
        return;
      }
      case FrameType.Ping:
        void this.send(() => controlFrame(FrameType.Ping, 0, Buffer.from(f.payload)));
        return;
      case FrameType.GoAway:
        this.close();
        return;
      default:
        return;
    }
  }
}

/** Sends the upgrade request over `socket` and returns the session once the server switched protocols. */
export function upgradeToSpdy(socket: Duplex, url: URL, protocol: string, timeoutMs: number): Promise<SpdyClientSession> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error(`no answer from the streaming server ${url.host} in ${timeoutMs}ms`)), timeoutMs);
    const fail = (e: Error) => {
      cleanup();
      socket.destroy();
      reject(e);
    };
    const onData = (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      cleanup();
      const head = buf.subarray(0, end).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (status?.[1] !== '101') {
        socket.destroy();
        reject(new Error(`streaming server refused the upgrade: ${head.split('\r\n')[0] ?? ''} ${buf.subarray(end + 4).toString().trim()}`.trim()));
        return;
      }
      resolve(new SpdyClientSession(socket, buf.subarray(end + 4)));
    };
    const onClose = () => fail(new Error('streaming server closed the connection during the upgrade'));
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
    socket.write(
      `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
      `X-Stream-Protocol-Version: ${protocol}\r\nContent-Length: 0\r\n\r\n`,
    );
  });
}
