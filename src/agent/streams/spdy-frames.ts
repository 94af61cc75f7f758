// SPDY/3.1 framing (the protocol draft 3.1, as moby/spdystream speaks it for client-go): 8-byte
// frame headers, control frames (SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY,
// HEADERS, WINDOW_UPDATE) and data frames, and name/value header blocks compressed with one zlib
// stream per direction primed with the SPDY dictionary.
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { spdyHeaderDictionary } from './spdy-dictionary.js';

export const SPDY_VERSION = 3;

export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;

/** RST_STREAM status codes used here. */
export const RstStatus = { ProtocolError: 1, InvalidStream: 2, RefusedStream: 3, Cancel: 5, InternalError: 6 } as const;

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

/** Splits a byte stream into frames; bytes may arrive in any slicing. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + length) break;
      const flags = this.buf[4]!;
      const payload = this.buf.subarray(8, 8 + length);
      if (this.buf[0]! & 0x80) {
        frames.push({ control: true, type: this.buf.readUInt16BE(2), flags, payload });
      } else {
        frames.push({ control: false, streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, payload });
      }
      this.buf = this.buf.subarray(8 + length);
    }
    return frames;
  }
}

function header(word0: number, flags: number, length: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(word0 >>> 0, 0);
  h[4] = flags;
  h.writeUIntBE(length, 5, 3);
  return h;
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header((0x8000 | SPDY_VERSION) * 0x10000 + type, flags, payload.length), payload]);
}

export function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header(streamId & 0x7fffffff, flags, payload.length), payload]);
}

export function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** Name/value pairs of a header block; names are lower case, several values joined by NUL. */
export type HeaderBlock = Map<string, string>;

export function encodeHeaderBlock(headers: HeaderBlock): Buffer {
  const parts: Buffer[] = [u32(headers.size)];
  for (const [name, value] of headers) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(raw: Buffer): HeaderBlock {
  const out: HeaderBlock = new Map();
  if (raw.length < 4) return out;
  const count = raw.readUInt32BE(0);
  let at = 4;
  for (let i = 0; i < count && at + 4 <= raw.length; i++) {
    const nl = raw.readUInt32BE(at);
    const name = raw.subarray(at + 4, at + 4 + nl).toString();
    at += 4 + nl;
    const vl = raw.readUInt32BE(at);
    const value = raw.subarray(at + 4, at + 4 + vl).toString();
    at += 4 + vl;
    out.set(name.toLowerCase(), value);
  }
  return out;
}

/** A zlib stream run one block at a time: write, sync-flush, take what came out. */
class BlockZlib {
  private out: Buffer[] = [];
  private failure?: Error;

  constructor(private readonly z: Inflate | Deflate) {
    z.on('data', (c: Buffer) => this.out.push(c));
    z.on('error', (e: Error) => (this.failure = e));
  }

  run(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      if (input.length > 0) this.z.write(input);
      this.z.flush(constants.Z_SYNC_FLUSH, () => {
        if (this.failure) return reject(this.failure);
        const result = Buffer.concat(this.out);
        this.out = [];
        resolve(result);
      });
    });
  }

  destroy(): void {
    this.z.destroy();
  }
}

/**
 * The header (de)compression state of one connection. Calls must be made in frame order; the
 * session serializes them.
 */
export class HeaderCodec {
  private readonly inflater = new BlockZlib(createInflate({ dictionary: spdyHeaderDictionary }));
  private readonly deflater = new BlockZlib(createDeflate({ dictionary: spdyHeaderDictionary }));

  async decode(compressed: Buffer): Promise<HeaderBlock> {
    return decodeHeaderBlock(await this.inflater.run(compressed));
  }

  async encode(headers: HeaderBlock): Promise<Buffer> {
    return this.deflater.run(encodeHeaderBlock(headers));
  }

  close(): void {
    this.inflater.destroy();
    this.deflater.destroy();
  }
}
