// Just enough DER (X.690) to write X.509 certificates and read the few fields kites needs back.
// Why not a library: the one at hand takes ~300 ms to load, a third of a first start, and
// certificates need only a handful of types. node:crypto parses and verifies what this writes.

/** One encoded element (tag, length, value), ready to nest. */
export type Der = Buffer;

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Buffer): Der {
  return Buffer.concat([Buffer.from([tag]), length(value.length), value]);
}

export const sequence = (...items: Der[]): Der => tlv(0x30, Buffer.concat(items));
export const set = (...items: Der[]): Der => tlv(0x31, Buffer.concat(items));
export const octetString = (b: Buffer): Der => tlv(0x04, b);
export const utf8String = (s: string): Der => tlv(0x0c, Buffer.from(s, 'utf8'));
export const boolean = (v: boolean): Der => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
/** [n] EXPLICIT: a constructed context tag around one element. */
export const explicit = (n: number, inner: Der): Der => tlv(0xa0 | n, inner);
/** [n] IMPLICIT for a primitive type: the context tag replaces the type's own. */
export const implicitPrimitive = (n: number, value: Buffer): Der => tlv(0x80 | n, value);

/** BIT STRING of whole bytes (signatures, public keys). */
export const bitString = (b: Buffer, unusedBits = 0): Der => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), b]));

/** A non-negative INTEGER from big-endian bytes (a leading zero is added when the top bit is set). */
export function unsignedInteger(bytes: Buffer): Der {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  if ((b[0]! & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

export const smallInteger = (n: number): Der => unsignedInteger(Buffer.from([n]));

export function oid(dotted: string): Der {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [];
    let v = arc;
    do { groups.unshift(v & 0x7f); v = Math.floor(v / 128); } while (v > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i]! |= 0x80;
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, always UTC with seconds. */
export function time(d: Date): Der {
  const iso = d.toISOString(); // 2026-11-22T20:41:03.123Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, ''); // 20261122204103
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2) + 'Z', 'ascii')) : tlv(0x18, Buffer.from(digits + 'Z', 'ascii'));
}

/** A named bit list (KeyUsage) as DER wants it: trailing zero bits dropped. `bits` are bit numbers. */
export function namedBits(bits: number[]): Der {
  const top = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(top / 8) + 1);
  for (const b of bits) bytes[Math.floor(b / 8)]! |= 0x80 >> (b % 8);
  return bitString(bytes, 7 - (top % 8));
}

// ---- reading ----

export interface Element {
  tag: number;
  /** The whole element (tag, length, value). */
  raw: Buffer;
  value: Buffer;
}

export function readElement(buf: Buffer, offset = 0): Element & { end: number } {
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
    header += n;
  }
  const end = offset + header + len;
  if (end > buf.length) throw new Error('DER: element runs past the end of its buffer');
  return { tag, raw: buf.subarray(offset, end), value: buf.subarray(offset + header, end), end };
}

/** The elements inside a constructed element's value. */
export function children(value: Buffer): Element[] {
  const out: Element[] = [];
  for (let off = 0; off < value.length; ) {
    const e = readElement(value, off);
    out.push(e);
    off = e.end;
  }
  return out;
}
