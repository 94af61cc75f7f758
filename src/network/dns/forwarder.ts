// Names outside the cluster zone: the cache, then the upstreams in order (the next one when an
// upstream times out, fails or answers SERVFAIL/REFUSED), SERVFAIL when none answers. Identical
// questions in flight share one upstream exchange.
import type { Logger } from '../../api/log.js';
import { ResponseCache, analyzeResponse, type CachedResponse } from './response-cache.js';
import { UpstreamClient, type Upstream } from './upstream-client.js';
import { Rcode, answerFlags, emptyReply, optRecordSize, writeOpt, type ParsedQuery } from './wire.js';

export interface UpstreamAnswer {
  msg: Buffer;
  ttlOffsets: number[];
  ttls: number[];
  rcode: number;
  /** Seconds to subtract from the TTLs (time spent in the cache). */
  elapsed: number;
  fromCache: boolean;
  denial: boolean;
}

export interface ForwarderOptions {
  upstreams: Upstream[];
  timeoutMs?: number;
  cacheCapacity?: number;
  now?: () => number;
  log: Logger;
}

export class Forwarder {
  readonly cache: ResponseCache;
  private readonly client: UpstreamClient;
  private readonly inflight = new Map<string, Promise<UpstreamAnswer | undefined>>();

  constructor(private readonly opts: ForwarderOptions) {
    this.cache = new ResponseCache({ capacity: opts.cacheCapacity, now: opts.now });
    this.client = new UpstreamClient({ timeoutMs: opts.timeoutMs ?? 2000 });
  }

  get upstreams(): Upstream[] {
    return this.opts.upstreams;
  }

  /** A cached answer, if fresh. */
  cached(key: string): UpstreamAnswer | undefined {
    const e = this.cache.get(key);
    return e ? fromEntry(e, this.cache.elapsedSeconds(e)) : undefined;
  }

  /**
   * Asks the upstreams (sharing an exchange already in flight for the same key); undefined when
   * none answered usefully. `question` is the question's wire bytes.
   */
  resolve(key: string, question: Buffer): Promise<UpstreamAnswer | undefined> {
    let p = this.inflight.get(key);
    if (!p) {
      p = this.ask(key, question).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async ask(key: string, question: Buffer): Promise<UpstreamAnswer | undefined> {
    let last: UpstreamAnswer | undefined;
    for (const upstream of this.opts.upstreams) {
      try {
        const raw = await this.client.exchange(upstream, question);
        const rcode = raw.readUInt16BE(2) & 0xf;
        if (rcode === Rcode.SERVFAIL || rcode === Rcode.REFUSED) {
          const a = analyzeResponse(raw);
          if (a) last = { msg: a.msg, ttlOffsets: a.ttlOffsets, ttls: a.ttls, rcode, elapsed: 0, fromCache: false, denial: false };
          continue;
        }
        const a = this.cache.put(key, raw);
        if (!a) continue;
        return { msg: a.msg, ttlOffsets: a.ttlOffsets, ttls: a.ttls, rcode: a.rcode, elapsed: 0, fromCache: false, denial: a.denial };
      } catch (e) {
        this.opts.log.debug('upstream failed', { upstream: `${upstream.address}:${upstream.port}`, err: e });
      }
    }
    return last;
  }

  close(): void {
    this.client.close();
  }
}

function fromEntry(e: CachedResponse, elapsed: number): UpstreamAnswer {
  return { msg: e.msg, ttlOffsets: e.ttlOffsets, ttls: e.ttls, rcode: e.rcode, elapsed, fromCache: true, denial: e.denial };
}

/**
 * The client's reply built from an upstream answer: its id, flags and question spelling, TTLs
 * counted down, our OPT for EDNS0 clients, and TC when it does not fit the client's UDP limit.
 */
export function replyFromUpstream(a: UpstreamAnswer, req: Buffer, q: ParsedQuery, limit: number, udpSize: number): Buffer {
  const size = a.msg.length + (q.edns ? optRecordSize : 0);
  if (size > limit || a.msg.length < q.questionEnd) return emptyReply(req, q, a.rcode, { truncated: size > limit, udpSize });
  const out = Buffer.allocUnsafe(size);
  a.msg.copy(out, 0);
  out.writeUInt16BE(q.id, 0);
  out.writeUInt16BE(answerFlags(q.flags, a.rcode, false, false), 2);
  req.copy(out, 12, 12, q.questionEnd);
  for (let i = 0; i < a.ttlOffsets.length; i++) out.writeUInt32BE(Math.max(0, a.ttls[i]! - a.elapsed), a.ttlOffsets[i]!);
  if (q.edns) {
    out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
    writeOpt(out, a.msg.length, udpSize, 0, q.ednsDo);
  }
  return out;
}
