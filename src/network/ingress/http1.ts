// Just enough HTTP/1.1 (RFC 9112) for the forwarding fast path: message heads split into lines,
// and the framing of a body — a Content-Length, or a chunked stream whose end is found by
// scanning chunk sizes (the bytes themselves are passed on unchanged).

export interface MessageHead {
  /** The start line (request line or status line). */
  startLine: string;
  /** Header lines as [name, value], names as sent. */
  headers: Array<[string, string]>;
  /** Bytes the head took, including the blank line. */
  length: number;
}

/** Largest head accepted (ingress-nginx's large_client_header_buffers is 4 × 8k). */
export const maxHeadBytes = 32 * 1024;

/** A head at the start of `buf`; 'incomplete' when more bytes are needed, 'invalid' when malformed. */
export function parseHead(buf: Buffer): MessageHead | 'incomplete' | 'invalid' {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return buf.length > maxHeadBytes ? 'invalid' : 'incomplete';
  if (end > maxHeadBytes) return 'invalid';
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // No obsolete line folding, no whitespace before the colon (request smuggling vectors).
    if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9 || line.charCodeAt(colon - 1) === 32) return 'invalid';
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { startLine: lines[0]!, headers, length: end + 4 };
}

/** How a message body is delimited. */
export type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

/**
 * The body framing from the headers: Transfer-Encoding chunked wins, then one valid
 * Content-Length; `fallback` otherwise. Undefined when they are contradictory or invalid.
 */
export function framingOf(headers: Array<[string, string]>, fallback: Framing): Framing | undefined {
  let length: number | undefined;
  let te: string | undefined;
  for (const [name, value] of headers) {
    const n = name.length;
    if (n === 14 && name.toLowerCase() === 'content-length') {
      if (!/^\d{1,15}$/.test(value)) return undefined;
      const v = Number(value);
      if (length !== undefined && length !== v) return undefined;
      length = v;
    } else if (n === 17 && name.toLowerCase() === 'transfer-encoding') {
      te = te ? `${te}, ${value}` : value;
    }
  }
  if (te !== undefined) {
    if (length !== undefined) return undefined;
    return /(^|,)\s*chunked\s*$/i.test(te) ? { kind: 'chunked' } : undefined;
  }
  if (length !== undefined) return length === 0 ? { kind: 'none' } : { kind: 'length', length };
  return fallback;
}

const enum Chunk { Size, SizeExt, SizeLF, Data, DataCR, DataLF, Trailer, TrailerLF }

/** Finds where a chunked body ends, fed piece by piece. */
export class ChunkedScanner {
  private state = Chunk.Size;
  private size = 0;
  private digits = 0;
  private remaining = 0;
  private lineLength = 0;

  /** Consumes from `buf[start]`; returns the index just past the body's end, or -1 if it goes on (or `NaN` when malformed). */
  feed(buf: Buffer, start = 0): number {
    let i = start;
    while (i < buf.length) {
      const c = buf[i]!;
      switch (this.state) {
        case Chunk.Size: {
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.digits > 12) return NaN;
            this.size = this.size * 16 + v;
          } else if (c === 0x0d && this.digits > 0) this.state = Chunk.SizeLF;
          else if ((c === 0x3b || c === 0x20 || c === 0x09) && this.digits > 0) this.state = Chunk.SizeExt;
          else return NaN;
          i++;
          break;
        }
        case Chunk.SizeExt:
          if (c === 0x0d) this.state = Chunk.SizeLF;
          i++;
          break;
        case Chunk.SizeLF:
          if (c !== 0x0a) return NaN;
          i++;
          if (this.size === 0) {
            this.state = Chunk.Trailer;
            this.lineLength = 0;
          } else {
            this.state = Chunk.Data;
            this.remaining = this.size;
          }
          this.size = 0;
          this.digits = 0;
          break;
        case Chunk.Data: {
          const take = Math.min(this.remaining, buf.length - i);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.state = Chunk.DataCR;
          break;
        }
        case Chunk.DataCR:
          if (c !== 0x0d) return NaN;
          this.state = Chunk.DataLF;
          i++;
          break;
        case Chunk.DataLF:
          if (c !== 0x0a) return NaN;
          this.state = Chunk.Size;
          i++;
          break;
        case Chunk.Trailer:
          if (c === 0x0d) this.state = Chunk.TrailerLF;
          else this.lineLength++;
          i++;
          break;
        case Chunk.TrailerLF:
          if (c !== 0x0a) return NaN;
          i++;
          if (this.lineLength === 0) {
            this.state = Chunk.Size;
            return i;
          }
          this.lineLength = 0;
          this.state = Chunk.Trailer;
          break;
      }
    }
    return -1;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
