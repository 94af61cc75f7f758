// One DNS query in, one reply out: parse, answer from the cluster zone (synchronously, from
// pre-encoded bodies) or from the cache/upstreams (asynchronously), apply the transport's size
// limit (TC over UDP: the client retries over TCP), count it.
import { performance } from 'node:perf_hooks';
import dnsPacket from 'dns-packet';
import type { Logger } from '../../api/log.js';
import { answerFor, encodeAnswer, inZone, type CompiledZone, type EncodedAnswer } from './answers.js';
import { replyFromUpstream, type Forwarder, type UpstreamAnswer } from './forwarder.js';
import type { Plugin, Proto, ServerMetrics } from './metrics.js';
import {
  MessageWriter, Rcode, answerFlags, classIN, classicUdpSize, emptyReply, newParsedQuery, optRecordSize, parseQuery,
  writeOpt, type ParsedQuery, type ResourceRecord,
} from './wire.js';

export interface QueryHandlerOptions {
  /** The current zone; undefined until the informers have synced (in-zone queries get SERVFAIL). */
  zone: () => CompiledZone | undefined;
  domain: string;
  forwarder: Forwarder;
  /** The largest UDP reply we send and advertise to EDNS0 clients. */
  maxUdpPayload: number;
  log: Logger;
}

/** CNAME chains followed at most this deep (CoreDNS stops at 8 too). */
const maxChase = 8;
const rcodeBadVers = 16;

export class QueryHandler {
  private readonly q = newParsedQuery();
  private readonly scratch = Buffer.alloc(256);
  private readonly domain: string;

  constructor(private readonly opts: QueryHandlerOptions) {
    this.domain = opts.domain.toLowerCase().replace(/\.$/, '');
  }

  /** The reply (or a promise of it); undefined when the message deserves none (garbage, a response). */
  handle(req: Buffer, proto: Proto, family: 4 | 6, m: ServerMetrics): Buffer | Promise<Buffer> | undefined {
    const start = performance.now();
    const q = parseQuery(req, this.q, this.scratch);
    if (req.length < 12 || (req[2]! & 0x80) !== 0) return undefined;
    m.request(proto, family, q.ok ? q.qtype : 0);
    const udpSize = this.opts.maxUdpPayload;
    const qtype = q.qtype;
    const done = (reply: Buffer, plugin: Plugin): Buffer => {
      m.response(reply[3]! & 0xf, plugin, qtype, (performance.now() - start) / 1000);
      return reply;
    };
    if (!q.ok) return done(emptyReply(req, q, Rcode.FORMERR, { udpSize }), '');
    if (q.opcode !== 0) return done(emptyReply(req, q, Rcode.NOTIMP, { udpSize }), '');
    if (q.edns && q.ednsVersion > 0) return done(emptyReply(req, q, rcodeBadVers, { udpSize }), '');
    const limit = proto === 'tcp' ? 0xffff : q.edns ? Math.min(Math.max(q.ednsUdpSize, classicUdpSize), udpSize) : classicUdpSize;

    if (q.plainName && (q.qclass === classIN || q.qclass === 255)) {
      const ours = inZone(q.name, this.domain);
      const zone = this.opts.zone();
      if (ours && !zone) return done(emptyReply(req, q, Rcode.SERVFAIL, { udpSize }), 'kubernetes');
      const enc = zone?.lookup(q.name, q.qtype);
      if (enc) {
        if (enc.chase === undefined) return done(assemble(req, q, enc, limit, udpSize), 'kubernetes');
        const snapshot = { ...q };
        return this.chase(zone!, snapshot).then((e) => done(assemble(req, snapshot, e, limit, udpSize), 'kubernetes'));
      }
    } else if (inZone(q.name, this.domain)) {
      return done(emptyReply(req, q, Rcode.REFUSED, { udpSize }), 'kubernetes');
    }
    return this.forward(req, { ...q }, limit, m, done);
  }

  private forward(req: Buffer, q: ParsedQuery, limit: number, m: ServerMetrics, done: (reply: Buffer, plugin: Plugin) => Buffer): Buffer | Promise<Buffer> {
    const udpSize = this.opts.maxUdpPayload;
    const key = q.plainName ? `${q.qtype}/${q.qclass}/${q.name}` : `raw/${req.subarray(12, q.questionEnd).toString('hex')}`;
    const hit = this.opts.forwarder.cached(key);
    if (hit) {
      m.cacheHit(hit.denial);
      return done(replyFromUpstream(hit, req, q, limit, udpSize), 'cache');
    }
    m.cacheMiss();
    const question = Buffer.from(req.subarray(12, q.questionEnd));
    return this.opts.forwarder.resolve(key, question).then((a) => {
      if (!a) return done(emptyReply(req, q, Rcode.SERVFAIL, { udpSize }), 'forward');
      return done(replyFromUpstream(a, req, q, limit, udpSize), 'forward');
    });
  }

  /** An ExternalName CNAME plus the records of its target, resolved in the zone or upstream (CoreDNS does the same). */
  private async chase(zone: CompiledZone, q: ParsedQuery): Promise<EncodedAnswer> {
    const first = answerFor(zone.zone, q.name, q.qtype)!;
    const answer: ResourceRecord[] = [...first.answer];
    let target = first.chase;
    for (let depth = 0; target !== undefined && depth < maxChase; depth++) {
      const next = inZone(target.toLowerCase(), this.domain) ? answerFor(zone.zone, target.toLowerCase(), q.qtype) : undefined;
      if (next) {
        answer.push(...next.answer);
        target = next.chase;
        continue;
      }
      if (inZone(target.toLowerCase(), this.domain)) break;
      answer.push(...(await this.upstreamRecords(target, q.qtype)));
      break;
    }
    return encodeAnswer(q.name, { rcode: Rcode.NOERROR, answer, authority: [], additional: [] });
  }

  private async upstreamRecords(name: string, qtype: number): Promise<ResourceRecord[]> {
    const w = new MessageWriter(0, 300);
    w.name(name);
    w.u16(qtype);
    w.u16(classIN);
    const key = `${qtype}/${classIN}/${name.toLowerCase()}`;
    let a: UpstreamAnswer | undefined = this.opts.forwarder.cached(key);
    if (!a) a = await this.opts.forwarder.resolve(key, w.result());
    if (!a) return [];
    try {
      const decoded = dnsPacket.decode(a.msg);
      const out: ResourceRecord[] = [];
      for (const rr of decoded.answers ?? []) {
        if (rr.type === 'A' || rr.type === 'AAAA') out.push({ name: rr.name, ttl: Math.max(0, (rr.ttl ?? 0) - a.elapsed), type: rr.type, address: rr.data });
        else if (rr.type === 'CNAME') out.push({ name: rr.name, ttl: Math.max(0, (rr.ttl ?? 0) - a.elapsed), type: 'CNAME', target: rr.data });
      }
      return out;
    } catch (e) {
      this.opts.log.debug('undecodable upstream answer', { name, err: e });
      return [];
    }
  }
}

/**
 * Header + the client's own question bytes + the pre-encoded sections (+ OPT): one allocation,
 * three copies. Too big for the limit: TC with the answer records that fit (as CoreDNS truncates),
 * so clients that never retry over TCP (older musl) still get addresses.
 */
export function assemble(req: Buffer, q: ParsedQuery, enc: EncodedAnswer, limit: number, udpSize: number): Buffer {
  const qEnd = q.questionEnd;
  const opt = q.edns ? optRecordSize : 0;
  let bodyLen = enc.body.length;
  let an = enc.an;
  let ns = enc.ns;
  let ar = enc.ar;
  const truncated = qEnd + bodyLen + opt > limit;
  if (truncated) {
    an = 0;
    while (an < enc.answerEnds.length && qEnd + enc.answerEnds[an]! + opt <= limit) an++;
    bodyLen = an > 0 ? enc.answerEnds[an - 1]! : 0;
    ns = 0;
    ar = 0;
  }
  const out = Buffer.allocUnsafe(qEnd + bodyLen + opt);
  req.copy(out, 0, 0, qEnd);
  out.writeUInt16BE(answerFlags(q.flags, enc.rcode, true, truncated), 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(an, 6);
  out.writeUInt16BE(ns, 8);
  out.writeUInt16BE(ar + (q.edns ? 1 : 0), 10);
  enc.body.copy(out, qEnd, 0, bodyLen);
  if (q.edns) writeOpt(out, qEnd + bodyLen, udpSize, 0, q.ednsDo);
  return out;
}
