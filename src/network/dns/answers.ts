// Answers for names the cluster DNS is authoritative for, as CoreDNS's kubernetes plugin gives
// them: records of the asked type; NODATA (NOERROR, SOA in authority) for a name that exists with
// other types; NXDOMAIN (SOA in authority) for a name that does not exist; pod A records computed
// from the name ("pods insecure"); a CNAME for ExternalName services, whose target the server
// then resolves. Encoded bodies are memoized per (name, type) so a query costs a map lookup and
// a copy.
import { isIP } from 'node:net';
import type { ClusterZone } from './zone-index.js';
import { MessageWriter, Rcode, Type, typeName, wireNameLength, type ResourceRecord } from './wire.js';

export interface Answer {
  rcode: number;
  answer: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
  /** A CNAME to follow: the caller resolves `target` and appends its records (ExternalName). */
  chase?: string;
}

/**
 * An encoded answer without header and question: the answer, authority and additional sections,
 * with names compressed against a question of the same name at offset 12.
 */
export interface EncodedAnswer {
  rcode: number;
  an: number;
  ns: number;
  ar: number;
  body: Buffer;
  /** Where each answer record ends in `body`: a truncated UDP reply keeps the records that fit. */
  answerEnds: number[];
  chase?: string;
}

export function inZone(name: string, domain: string): boolean {
  return name === domain || (name.length > domain.length && name.endsWith(domain) && name.charCodeAt(name.length - domain.length - 1) === 0x2e);
}

function isReverse(name: string): boolean {
  return name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa');
}

/** `a-b-c-d.<ns>.pod.<domain>` → the address, in CoreDNS "pods insecure" mode (no pod lookup). */
export function podAddress(name: string, domain: string): string | undefined {
  const rest = name.slice(0, name.length - domain.length - 1);
  const labels = rest.split('.');
  if (labels.length !== 3 || labels[2] !== 'pod') return undefined;
  const label = labels[0]!;
  const v4 = label.replace(/-/g, '.');
  if (isIP(v4) === 4) return v4;
  const v6 = label.replace(/-/g, ':');
  return isIP(v6) === 6 ? v6 : undefined;
}

/**
 * The answer for (name, qtype) when the name belongs to the cluster zone or is a known reverse
 * name; undefined when it is someone else's (the server forwards it). Unknown reverse names fall
 * through to the upstreams, as the default Corefile's `fallthrough in-addr.arpa ip6.arpa`.
 */
export function answerFor(zone: ClusterZone, name: string, qtype: number): Answer | undefined {
  let records = zone.names.get(name);
  if (!inZone(name, zone.domain)) {
    if (!records || !isReverse(name)) return undefined;
  }
  if (!records) {
    const pod = podAddress(name, zone.domain);
    if (pod === undefined) return { rcode: Rcode.NXDOMAIN, answer: [], authority: [zone.soa], additional: [] };
    records = [{ name, ttl: zone.ttl, type: pod.includes(':') ? 'AAAA' : 'A', address: pod }];
  }
  const cname = records.find((r) => r.type === 'CNAME');
  if (cname && cname.type === 'CNAME' && qtype !== Type.CNAME) {
    return { rcode: Rcode.NOERROR, answer: [cname], authority: [], additional: [], chase: cname.target };
  }
  const wanted = qtype === Type.ANY ? records : records.filter((r) => Type[r.type] === qtype);
  if (wanted.length === 0) return { rcode: Rcode.NOERROR, answer: [], authority: [zone.soa], additional: [] };
  const additional: ResourceRecord[] = [];
  if (qtype === Type.SRV) {
    // Addresses of the SRV targets ride along, so a client need not ask again (CoreDNS extras).
    for (const r of wanted) {
      if (r.type !== 'SRV') continue;
      for (const a of zone.names.get(r.target) ?? []) if ((a.type === 'A' || a.type === 'AAAA') && !additional.includes(a)) additional.push(a);
    }
  }
  return { rcode: Rcode.NOERROR, answer: wanted, authority: [], additional };
}

/** Encodes the sections of an answer for a question named `name` (lower case). */
export function encodeAnswer(name: string, a: Answer): EncodedAnswer {
  const start = 12 + wireNameLength(name) + 4;
  const w = new MessageWriter(start, start + 256);
  if (name !== '') w.remember(name, 12);
  const answerEnds: number[] = [];
  for (const rr of a.answer) {
    w.record(rr);
    answerEnds.push(w.pos - start);
  }
  for (const rr of a.authority) w.record(rr);
  for (const rr of a.additional) w.record(rr);
  return { rcode: a.rcode, an: a.answer.length, ns: a.authority.length, ar: a.additional.length, body: w.result(start), answerEnds, chase: a.chase };
}

/** Query types whose answers are memoized (others are rare enough to encode each time). */
const memoTypes = new Set<number>(Object.keys(typeName).map(Number));

/** A zone with its encoded answers cached; `invalidate` drops the answers of names that changed. */
export class CompiledZone {
  private readonly memo = new Map<string, Map<number, EncodedAnswer>>();
  private readonly nxdomainByLength = new Map<number, EncodedAnswer>();
  private readonly podSuffix: string;

  constructor(readonly zone: ClusterZone) {
    this.podSuffix = `.pod.${zone.domain}`;
  }

  invalidate(names: Iterable<string>): void {
    for (const n of names) this.memo.delete(n);
  }

  /** The encoded answer, or undefined when the name is not ours to answer. */
  lookup(name: string, qtype: number): EncodedAnswer | undefined {
    const byType = this.memo.get(name);
    const hit = byType?.get(qtype);
    if (hit) return hit;
    // Search-path misses (name.ns.svc.cluster.local for every ndots:5 lookup) are the commonest
    // in-zone query: answer them without building anything.
    if (!byType && !this.zone.names.has(name) && !name.endsWith(this.podSuffix) && inZone(name, this.zone.domain)) {
      const enc = this.nxdomainByLength.get(name.length);
      if (enc) return enc;
    }
    const a = answerFor(this.zone, name, qtype);
    if (!a) return undefined;
    if (a.rcode === Rcode.NXDOMAIN) {
      // The body only depends on where the zone apex sits in the question: memoize by length so
      // random search-path misses cannot grow the memo.
      const len = name.length;
      let enc = this.nxdomainByLength.get(len);
      if (!enc) this.nxdomainByLength.set(len, (enc = encodeAnswer(name, a)));
      return enc;
    }
    const enc = encodeAnswer(name, a);
    if (memoTypes.has(qtype) && this.zone.names.has(name)) {
      if (byType) byType.set(qtype, enc);
      else this.memo.set(name, new Map([[qtype, enc]]));
    }
    return enc;
  }
}
