// DNS wire format, the parts the cluster DNS needs on its hot path: reading a query's header,
// question and EDNS0 OPT without building objects, and writing resource records with name
// compression. dns-packet is used where speed does not matter (tests, bench, odd types); the
// per-query path only copies bytes.

export const Type = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const rcodeName: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 16: 'BADVERS' };
export const typeName: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 255: 'ANY' };
export const classIN = 1;
/** RFC 1035: without EDNS0 a UDP message is at most 512 bytes. */
export const classicUdpSize = 512;
/** DNS flag day 2020: the EDNS0 buffer size that avoids IP fragmentation; also CoreDNS's bufsize default. */
export const defaultEdnsUdpSize = 1232;

export interface Soa { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }

export type ResourceRecord =
  | { name: string; ttl: number; type: 'A' | 'AAAA'; address: string }
  | { name: string; ttl: number; type: 'CNAME' | 'PTR' | 'NS'; target: string }
  | { name: string; ttl: number; type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { name: string; ttl: number; type: 'TXT'; text: string[] }
  | { name: string; ttl: number; type: 'SOA'; soa: Soa };

/** What parseQuery found; one mutable instance is reused per socket to avoid per-query garbage. */
export interface ParsedQuery {
  ok: boolean;
  id: number;
  flags: number;
  opcode: number;
  /** The question name in lower case without the trailing dot ('' for the root). */
  name: string;
  /** False when a label holds a byte that cannot be written as plain text (a dot, a control byte). */
  plainName: boolean;
  qtype: number;
  qclass: number;
  /** Offset just past the question section (the question itself is bytes 12..questionEnd). */
  questionEnd: number;
  edns: boolean;
  ednsVersion: number;
  ednsUdpSize: number;
  ednsDo: boolean;
}

export function newParsedQuery(): ParsedQuery {
  return { ok: false, id: 0, flags: 0, opcode: 0, name: '', plainName: true, qtype: 0, qclass: 0, questionEnd: 0, edns: false, ednsVersion: 0, ednsUdpSize: 0, ednsDo: false };
}

/** Skips a (possibly compressed) name; returns the offset after it, or -1 if malformed. */
export function skipName(buf: Buffer, off: number): number {
  for (let guard = 0; guard < 128; guard++) {
    if (off >= buf.length) return -1;
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2 <= buf.length ? off + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    off += len + 1;
  }
  return -1;
}

/**
 * Reads a query: a 12-byte header, exactly one question (no compression pointers, as a sender
 * never needs them there) and, from the additional section, the EDNS0 OPT record if any.
 * `scratch` is a buffer of at least 256 bytes used to lower-case the name.
 */
export function parseQuery(buf: Buffer, q: ParsedQuery, scratch: Buffer): ParsedQuery {
  q.ok = false;
  q.questionEnd = 12;
  q.edns = false; q.ednsVersion = 0; q.ednsUdpSize = 0; q.ednsDo = false; q.plainName = true;
  if (buf.length < 12) return q;
  q.id = buf.readUInt16BE(0);
  q.flags = buf.readUInt16BE(2);
  q.opcode = (q.flags >> 11) & 0xf;
  if (q.flags & 0x8000) return q; // a response, not a query
  const qd = buf.readUInt16BE(4);
  if (qd !== 1) return q;
  let off = 12;
  let n = 0;
  for (;;) {
    if (off >= buf.length) return q;
    const len = buf[off]!;
    if (len === 0) { off++; break; }
    if (len > 63 || off + 1 + len > buf.length || n + len + 1 > 255) return q;
    if (n > 0) scratch[n++] = 0x2e;
    for (let i = 1; i <= len; i++) {
      let c = buf[off + i]!;
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      else if (c === 0x2e || c <= 0x20 || c >= 0x7f || c === 0x5c) q.plainName = false;
      scratch[n++] = c;
    }
    off += len + 1;
  }
  if (off + 4 > buf.length) return q;
  q.name = n === 0 ? '' : scratch.toString('latin1', 0, n);
  q.qtype = buf.readUInt16BE(off);
  q.qclass = buf.readUInt16BE(off + 2);
  off += 4;
  q.questionEnd = off;
  // Answer and authority sections are empty in a query; skip them anyway, then look for OPT.
  const skip = buf.readUInt16BE(6) + buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  for (let i = 0; i < skip + ar; i++) {
    off = skipName(buf, off);
    if (off < 0 || off + 10 > buf.length) return q;
    const type = buf.readUInt16BE(off);
    const rdlen = buf.readUInt16BE(off + 8);
    if (i >= skip && type === Type.OPT) {
      q.edns = true;
      q.ednsUdpSize = buf.readUInt16BE(off + 2);
      q.ednsVersion = buf[off + 5]!;
      q.ednsDo = (buf[off + 6]! & 0x80) !== 0;
    }
    off += 10 + rdlen;
    if (off > buf.length) return q;
  }
  q.ok = true;
  return q;
}

/** Length of `name` (dotted, no trailing dot) in wire form. */
export function wireNameLength(name: string): number {
  return name === '' ? 1 : Buffer.byteLength(name, 'latin1') + 2;
}

/** Writes messages into a growing buffer, compressing names against earlier ones (RFC 1035 4.1.4). */
export class MessageWriter {
  buf: Buffer;
  pos: number;
  private readonly names = new Map<string, number>();

  constructor(start = 0, size = 512) {
    this.buf = Buffer.alloc(Math.max(size, start + 64));
    this.pos = start;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Makes `name` (and its suffixes) known at `offset`, e.g. the question name at offset 12. */
  remember(name: string, offset: number): void {
    let off = offset;
    let rest = name.toLowerCase();
    while (rest !== '' && off < 0x3fff) {
      if (!this.names.has(rest)) this.names.set(rest, off);
      const dot = rest.indexOf('.');
      off += (dot < 0 ? rest.length : dot) + 1;
      rest = dot < 0 ? '' : rest.slice(dot + 1);
    }
  }

  u8(v: number): void { this.ensure(1); this.buf[this.pos++] = v; }
  u16(v: number): void { this.ensure(2); this.buf.writeUInt16BE(v, this.pos); this.pos += 2; }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32BE(v >>> 0, this.pos); this.pos += 4; }
  bytes(b: Buffer): void { this.ensure(b.length); b.copy(this.buf, this.pos); this.pos += b.length; }

  name(name: string): void {
    let rest = name.endsWith('.') ? name.slice(0, -1) : name;
    while (rest !== '') {
      const key = rest.toLowerCase();
      const at = this.names.get(key);
      if (at !== undefined) { this.u16(0xc000 | at); return; }
      if (this.pos < 0x3fff) this.names.set(key, this.pos);
      const dot = rest.indexOf('.');
      const label = dot < 0 ? rest : rest.slice(0, dot);
      const len = Buffer.byteLength(label, 'latin1');
      this.ensure(len + 1);
      this.buf[this.pos++] = len;
      this.buf.write(label, this.pos, 'latin1');
      this.pos += len;
      rest = dot < 0 ? '' : rest.slice(dot + 1);
    }
    this.u8(0);
  }

  record(rr: ResourceRecord): void {
    this.name(rr.name);
    this.u16(Type[rr.type]);
    this.u16(classIN);
    this.u32(rr.ttl);
    const lenAt = this.pos;
    this.u16(0);
    switch (rr.type) {
      case 'A': for (const p of rr.address.split('.')) this.u8(Number(p)); break;
      case 'AAAA': this.bytes(ipv6Bytes(rr.address)); break;
      case 'CNAME': case 'PTR': case 'NS': this.name(rr.target); break;
      case 'SRV': this.u16(rr.priority); this.u16(rr.weight); this.u16(rr.port); this.name(rr.target); break;
      case 'TXT':
        for (const t of rr.text) { const b = Buffer.from(t, 'utf8').subarray(0, 255); this.u8(b.length); this.bytes(b); }
        break;
      case 'SOA':
        this.name(rr.soa.mname); this.name(rr.soa.rname);
        this.u32(rr.soa.serial); this.u32(rr.soa.refresh); this.u32(rr.soa.retry); this.u32(rr.soa.expire); this.u32(rr.soa.minimum);
        break;
    }
    this.buf.writeUInt16BE(this.pos - lenAt - 2, lenAt);
  }

  result(from = 0): Buffer {
    return Buffer.from(this.buf.subarray(from, this.pos));
  }
}

export function ipv6Bytes(address: string): Buffer {
  const out = Buffer.alloc(16);
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (v4) {
    const p = v4[1]!.split('.').map(Number);
    tail = [(p[0]! << 8) | p[1]!, (p[2]! << 8) | p[3]!];
    text = text.slice(0, -v4[1]!.length) + (text.endsWith('::' + v4[1]) ? '' : '0');
    if (text.endsWith(':0')) text = text.slice(0, -2);
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':').filter((s) => s !== '').map((s) => parseInt(s, 16)) : [];
  const t = rest !== undefined && rest !== '' ? rest.split(':').map((s) => parseInt(s, 16)) : [];
  const groups = [...h, ...new Array(Math.max(0, 8 - h.length - t.length - tail.length)).fill(0) as number[], ...t, ...tail];
  for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i] ?? 0, i * 2);
  return out;
}

/** Header flags of an answer: QR, the query's opcode and RD and CD, RA (we recurse for clients). */
export function answerFlags(queryFlags: number, rcode: number, authoritative: boolean, truncated: boolean): number {
  return 0x8000 | (queryFlags & 0x7910) | (authoritative ? 0x0400 : 0) | (truncated ? 0x0200 : 0) | 0x0080 | (rcode & 0xf);
}

/** Size of the OPT record this server adds to answers of EDNS0 queries. */
export const optRecordSize = 11;

/** Writes an OPT record advertising `udpSize` at `off`; BADVERS (16) is carried in the extended rcode. */
export function writeOpt(out: Buffer, off: number, udpSize: number, extRcode: number, dnssecOk: boolean): number {
  out[off] = 0;
  out.writeUInt16BE(Type.OPT, off + 1);
  out.writeUInt16BE(udpSize, off + 3);
  out[off + 5] = extRcode >> 4;
  out[off + 6] = 0; // version 0
  out[off + 7] = dnssecOk ? 0x80 : 0;
  out[off + 8] = 0;
  out.writeUInt16BE(0, off + 9);
  return off + optRecordSize;
}

/** A reply with only the header and question (and OPT for EDNS0 queries): errors and truncation. */
export function emptyReply(req: Buffer, q: ParsedQuery, rcode: number, opts: { truncated?: boolean; authoritative?: boolean; udpSize: number }): Buffer {
  const qEnd = q.questionEnd;
  const hasQuestion = qEnd > 12;
  const out = Buffer.allocUnsafe(qEnd + (q.edns ? optRecordSize : 0));
  req.copy(out, 0, 0, qEnd);
  out.writeUInt16BE(answerFlags(q.flags, rcode, opts.authoritative ?? false, opts.truncated ?? false), 2);
  out.writeUInt16BE(hasQuestion ? 1 : 0, 4);
  out.writeUInt32BE(0, 6);
  out.writeUInt16BE(q.edns ? 1 : 0, 10);
  if (q.edns) writeOpt(out, qEnd, opts.udpSize, rcode, q.ednsDo);
  return out;
}
