// The cache in front of the upstreams, as CoreDNS's cache plugin: answers kept for their smallest
// TTL (at most an hour), denials (NXDOMAIN, NODATA) for the SOA's negative TTL (RFC 2308: the
// smaller of the SOA record's TTL and its minimum field, at most 30 minutes); TTLs count down
// while cached. Entries are stored as wire bytes with the upstream's OPT record removed, so a hit
// is a copy plus a few TTL rewrites.
import { Rcode, Type, skipName } from './wire.js';

export interface CachedResponse {
  /** The upstream message without OPT; the question is lower case (from the key). */
  msg: Buffer;
  /** Offsets of every TTL field, with the TTL stored there. */
  ttlOffsets: number[];
  ttls: number[];
  storedAtMs: number;
  expiresAtMs: number;
  rcode: number;
  denial: boolean;
}

export const maxPositiveTtl = 3600;
export const maxNegativeTtl = 1800;

/** Parses an upstream answer: strips OPT, finds TTLs and how long it may be cached (0: do not). */
export function analyzeResponse(buf: Buffer): { msg: Buffer; ttlOffsets: number[]; ttls: number[]; cacheTtl: number; rcode: number; denial: boolean } | undefined {
  if (buf.length < 12) return undefined;
  const flags = buf.readUInt16BE(2);
  const rcode = flags & 0xf;
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  let off = 12;
  for (let i = 0; i < qd; i++) {
    off = skipName(buf, off);
    if (off < 0 || off + 4 > buf.length) return undefined;
    off += 4;
  }
  const keep: Array<[number, number]> = [[0, off]];
  const ttlOffsets: number[] = [];
  const ttls: number[] = [];
  let minTtl = Infinity;
  let negTtl = Infinity;
  let opts = 0;
  for (let i = 0; i < an + ns + ar; i++) {
    const rrStart = off;
    const nameEnd = skipName(buf, off);
    if (nameEnd < 0 || nameEnd + 10 > buf.length) return undefined;
    const type = buf.readUInt16BE(nameEnd);
    const ttl = buf.readUInt32BE(nameEnd + 4);
    const rdlen = buf.readUInt16BE(nameEnd + 8);
    off = nameEnd + 10 + rdlen;
    if (off > buf.length) return undefined;
    if (type === Type.OPT) { opts++; continue; }
    // Offsets shift left by the bytes removed so far (only OPT records are removed).
    const removed = rrStart - keepLength(keep);
    keep.push([rrStart, off]);
    ttlOffsets.push(nameEnd + 4 - removed);
    ttls.push(ttl);
    minTtl = Math.min(minTtl, ttl);
    if (type === Type.SOA && i >= an && i < an + ns) {
      let p = skipName(buf, nameEnd + 10);
      p = p < 0 ? -1 : skipName(buf, p);
      if (p >= 0 && p + 20 <= buf.length) negTtl = Math.min(negTtl, ttl, buf.readUInt32BE(p + 16));
    }
  }
  const msg = Buffer.concat(keep.map(([a, b]) => buf.subarray(a, b)));
  if (opts) msg.writeUInt16BE(ar - opts, 10);
  const denial = rcode === Rcode.NXDOMAIN || (rcode === Rcode.NOERROR && an === 0);
  let cacheTtl = 0;
  const truncated = (flags & 0x0200) !== 0;
  if (!truncated && denial) cacheTtl = Number.isFinite(negTtl) ? Math.min(negTtl, maxNegativeTtl) : 0;
  else if (!truncated && rcode === Rcode.NOERROR) cacheTtl = Number.isFinite(minTtl) ? Math.min(minTtl, maxPositiveTtl) : 0;
  return { msg, ttlOffsets, ttls, cacheTtl, rcode, denial };
}

function keepLength(keep: Array<[number, number]>): number {
  let n = 0;
  for (const [a, b] of keep) n += b - a;
  return n;
}

export interface ResponseCacheOptions {
  /** Entries kept at most (CoreDNS: 9984 per kind); the oldest inserted go first. */
  capacity?: number;
  now?: () => number;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(opts: ResponseCacheOptions = {}) {
    this.capacity = opts.capacity ?? 9984;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedResponse | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() >= e.expiresAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Stores an upstream answer if it may be cached; returns its analysis either way. */
  put(key: string, upstreamMsg: Buffer): ReturnType<typeof analyzeResponse> {
    const a = analyzeResponse(upstreamMsg);
    if (!a || a.cacheTtl <= 0) return a;
    const now = this.now();
    if (this.entries.size >= this.capacity && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(key);
    this.entries.set(key, { msg: a.msg, ttlOffsets: a.ttlOffsets, ttls: a.ttls, storedAtMs: now, expiresAtMs: now + a.cacheTtl * 1000, rcode: a.rcode, denial: a.denial });
    return a;
  }

  /** The TTLs of an entry as of now (seconds elapsed since it was stored are subtracted). */
  elapsedSeconds(e: CachedResponse): number {
    return Math.floor((this.now() - e.storedAtMs) / 1000);
  }

  clear(): void {
    this.entries.clear();
  }
}
