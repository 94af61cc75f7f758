// The server side of a SPDY/3.1 connection as client-go's spdystream peer expects it: streams the
// client opens (SYN_STREAM, answered with SYN_REPLY), their data and half-closes (FIN), resets,
// PINGs echoed, GOAWAY. spdystream does no flow control, so WINDOW_UPDATE and SETTINGS are
// ignored. Frames go out in order through one queue (header compression is stateful).
import type { Logger } from '../../api/log.js';
import type { ByteTransport } from './byte-transport.js';
import {
  FLAG_FIN, FrameReader, FrameType, HeaderCodec, RstStatus, controlFrame, dataFrame, u32,
  type Frame, type HeaderBlock,
} from './spdy-frames.js';

const MAX_DATA = 32 * 1024;

export interface StreamSink {
  data(chunk: Buffer): void;
  end(): void;
  abort(): void;
}

export class SpdyStream {
  localFin = false;
  remoteFin = false;
  private early: Buffer[] = [];
  private sink?: StreamSink;

  constructor(readonly id: number, readonly headers: HeaderBlock, private readonly conn: SpdyConnection) {}

  /** Where the client's bytes go; what came before is replayed. */
  attach(sink: StreamSink): void {
    this.sink = sink;
    for (const b of this.early) sink.data(b);
    this.early = [];
    if (this.remoteFin) sink.end();
  }

  /** @internal */
  received(chunk: Buffer): void {
    if (this.sink) this.sink.data(chunk);
    else this.early.push(chunk);
  }

  /** @internal */
  receivedFin(): void {
    this.remoteFin = true;
    this.sink?.end();
  }

  /** @internal */
  aborted(): void {
    this.localFin = this.remoteFin = true;
    this.sink?.abort();
  }

  write(chunk: Buffer | string): Promise<void> {
    return this.conn.sendData(this, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }

  /** Half-closes our side (DATA with FIN). */
  end(): Promise<void> {
    return this.conn.finish(this);
  }
}

export class SpdyConnection {
  private readonly reader = new FrameReader();
  private readonly codec = new HeaderCodec();
  private readonly streams = new Map<number, SpdyStream>();
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private isClosed = false;
  readonly closed: Promise<void>;

  constructor(private readonly transport: ByteTransport, private readonly log: Logger, onStream: (s: SpdyStream) => void) {
    this.closed = new Promise((resolve) => {
      transport.onClose(() => {
        this.isClosed = true;
        for (const s of this.streams.values()) s.aborted();
        this.streams.clear();
        this.codec.close();
        resolve();
      });
    });
    transport.onData((bytes) => {
      const frames = this.reader.push(bytes);
      this.inbound = this.inbound.then(async () => {
        for (const f of frames) await this.onFrame(f, onStream);
      }).catch((e: unknown) => {
        this.log.debug('spdy protocol error', { err: (e as Error).message });
        void this.send(() => controlFrame(FrameType.GoAway, 0, u32(0, 1)));
        void this.outbound.then(() => transport.close());
      });
    });
  }

  /** Queues a frame; settles once it is on the transport (or dropped). */
  private send(build: () => Promise<Buffer> | Buffer): Promise<void> {
    this.outbound = this.outbound.then(async () => {
      if (this.isClosed || !this.transport.open) return;
      await this.transport.write(await build());
    }).catch((e: unknown) => this.log.debug('spdy send failed', { err: (e as Error).message }));
    return this.outbound;
  }

  sendData(s: SpdyStream, chunk: Buffer): Promise<void> {
    if (s.localFin) return Promise.resolve();
    let last: Promise<void> = Promise.resolve();
    for (let at = 0; at < chunk.length; at += MAX_DATA) {
      const part = chunk.subarray(at, at + MAX_DATA);
      last = this.send(() => dataFrame(s.id, 0, part));
    }
    return last;
  }

  finish(s: SpdyStream): Promise<void> {
    if (s.localFin) return Promise.resolve();
    s.localFin = true;
    const sent = this.send(() => dataFrame(s.id, FLAG_FIN, Buffer.alloc(0)));
    this.forgetIfDone(s);
    return sent;
  }

  reset(s: SpdyStream, status: number = RstStatus.Cancel): void {
    s.localFin = s.remoteFin = true;
    this.streams.delete(s.id);
    void this.send(() => controlFrame(FrameType.RstStream, 0, u32(s.id, status)));
  }

  /** Sends what is queued, then closes the transport. */
  async close(): Promise<void> {
    await this.outbound;
    this.transport.close();
  }

  private forgetIfDone(s: SpdyStream): void {
    if (s.localFin && s.remoteFin) this.streams.delete(s.id);
  }

  private async onFrame(f: Frame, onStream: (s: SpdyStream) => void): Promise<void> {
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      if (f.payload.length > 0) s.received(Buffer.from(f.payload));
      if (f.flags & FLAG_FIN) {
        s.receivedFin();
        this.forgetIfDone(s);
      }
      return;
    }
    switch (f.type) {
      case FrameType.SynStream: {
        const id = f.payload.readUInt32BE(0) & 0x7fffffff;
        const headers = await this.codec.decode(f.payload.subarray(10));
        const s = new SpdyStream(id, headers, this);
        this.streams.set(id, s);
        void this.send(async () => controlFrame(FrameType.SynReply, 0, Buffer.concat([u32(id), await this.codec.encode(new Map())])));
        if (f.flags & FLAG_FIN) s.receivedFin();
        onStream(s);
        return;
      }
      case FrameType.RstStream: {
        const s = this.streams.get(f.payload.readUInt32BE(0) & 0x7fffffff);
        if (s) {
          s.aborted();
          this.streams.delete(s.id);
        }
        return;
      }
      case FrameType.Ping:
        void this.send(() => controlFrame(FrameType.Ping, 0, Buffer.from(f.payload)));
        return;
      case FrameType.GoAway:
        this.transport.close();
        return;
      case FrameType.Headers:
        // keeps the decompression state in step; the headers themselves are not used
        await this.codec.decode(f.payload.subarray(4));
        return;
      default:
        return;
    }
  }
}
