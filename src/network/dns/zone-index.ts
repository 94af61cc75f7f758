// The cluster zone, kept up to date one Service at a time: each Service's records (a fragment)
// are merged into one name → records map; replacing a fragment recomputes only the names it
// touches (and their ancestors' existence), so endpoint churn in a big cluster costs the size
// of one Service, not of the zone. Queries see the map between updates, never mid-way (one thread).
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import { dnsSchemaVersion, serviceFragment, serviceKey, serviceNameLabel, type ClusterDnsState, type ServiceFragment } from './records.js';
import type { ResourceRecord, Soa } from './wire.js';

export interface ClusterZoneOptions {
  /** Cluster domain, e.g. cluster.local. */
  domain: string;
  /** TTL of every record (CoreDNS kubernetes plugin default: 5 s). */
  ttl: number;
  /** SOA serial. */
  serial: number;
}

export interface ClusterZone {
  /** Lower case, no trailing dot. */
  domain: string;
  ttl: number;
  soa: ResourceRecord & { type: 'SOA' };
  /**
   * Every name that exists, lower case: owners of records and the empty non-terminals above
   * them (e.g. `default.svc.cluster.local`), which answer NODATA rather than NXDOMAIN; plus
   * reverse names with a PTR.
   */
  names: Map<string, ResourceRecord[]>;
}

const apexKey = '';

export class ClusterZoneIndex implements ClusterZone {
  readonly domain: string;
  readonly ttl: number;
  readonly soa: ResourceRecord & { type: 'SOA' };
  readonly names = new Map<string, ResourceRecord[]>();
  private readonly fragments = new Map<string, ServiceFragment>();
  /** Fragment keys contributing records (or bare existence) at each in-zone name. */
  private readonly owners = new Map<string, Set<string>>();
  /** How many owned names sit below each name (an empty non-terminal exists while > 0). */
  private readonly below = new Map<string, number>();
  private readonly ptrClaims = new Map<string, Map<string, { target: string; rank: number }>>();

  constructor(opts: ClusterZoneOptions) {
    this.domain = opts.domain.toLowerCase().replace(/\.$/, '');
    this.ttl = opts.ttl;
    const d = this.domain;
    const soa: Soa = { mname: `ns.dns.${d}`, rname: `hostmaster.${d}`, serial: opts.serial >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: opts.ttl };
    this.soa = { name: d, ttl: opts.ttl, type: 'SOA', soa };
    const apex: ServiceFragment = {
      byName: new Map<string, ResourceRecord[]>([
        [d, [this.soa, { name: d, ttl: opts.ttl, type: 'NS', target: `ns.dns.${d}` }]],
        [`dns-version.${d}`, [{ name: `dns-version.${d}`, ttl: opts.ttl, type: 'TXT', text: [dnsSchemaVersion] }]],
      ]),
      exists: [`svc.${d}`, `pod.${d}`],
      ptrs: [],
    };
    this.set(apexKey, apex);
  }

  /** Replaces (or removes, with undefined) one Service's records; returns the names whose answers changed. */
  set(key: string, fragment: ServiceFragment | undefined): Set<string> {
    const affected = new Set<string>();
    const old = this.fragments.get(key);
    if (old) {
      for (const name of old.byName.keys()) this.removeOwner(name, key, affected);
      for (const name of old.exists) this.removeOwner(name, key, affected);
      for (const p of old.ptrs) {
        this.ptrClaims.get(p.owner)?.delete(key);
        affected.add(p.owner);
      }
      this.fragments.delete(key);
    }
    if (fragment) {
      this.fragments.set(key, fragment);
      for (const name of fragment.byName.keys()) this.addOwner(name, key, affected);
      for (const name of fragment.exists) this.addOwner(name, key, affected);
      for (const p of fragment.ptrs) {
        let claims = this.ptrClaims.get(p.owner);
        if (!claims) this.ptrClaims.set(p.owner, (claims = new Map()));
        claims.set(key, { target: p.target, rank: p.rank });
        affected.add(p.owner);
      }
    }
    for (const name of affected) {
      if (this.ptrClaims.has(name)) this.recomputePtr(name);
      else this.recompute(name);
    }
    return affected;
  }

  private ancestors(name: string): string[] {
    const out: string[] = [];
    if (!name.endsWith(`.${this.domain}`)) return out;
    for (let n = name.slice(name.indexOf('.') + 1); n.length > this.domain.length; n = n.slice(n.indexOf('.') + 1)) out.push(n);
    return out;
  }

  private addOwner(name: string, key: string, affected: Set<string>): void {
    let set = this.owners.get(name);
    if (!set) {
      this.owners.set(name, (set = new Set()));
      for (const a of this.ancestors(name)) {
        this.below.set(a, (this.below.get(a) ?? 0) + 1);
        affected.add(a);
      }
    }
    set.add(key);
    affected.add(name);
  }

  private removeOwner(name: string, key: string, affected: Set<string>): void {
    const set = this.owners.get(name);
    if (!set?.delete(key)) return;
    affected.add(name);
    if (set.size > 0) return;
    this.owners.delete(name);
    for (const a of this.ancestors(name)) {
      const n = (this.below.get(a) ?? 1) - 1;
      if (n > 0) this.below.set(a, n);
      else this.below.delete(a);
      affected.add(a);
    }
  }

  private recompute(name: string): void {
    const keys = this.owners.get(name);
    if (!keys && !this.below.has(name)) {
      this.names.delete(name);
      return;
    }
    const records: ResourceRecord[] = [];
    let srvCount = 0;
    for (const key of keys ? [...keys].sort() : []) {
      for (const r of this.fragments.get(key)?.byName.get(name) ?? []) {
        records.push(r);
        if (r.type === 'SRV') srvCount++;
      }
    }
    // CoreDNS spreads weight over the records of one priority: each gets floor(100 / count).
    if (srvCount > 0) {
      const weight = Math.floor(100 / srvCount);
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        if (r.type === 'SRV' && r.weight !== weight) records[i] = { ...r, weight };
      }
    }
    this.names.set(name, records);
  }

  private recomputePtr(owner: string): void {
    const claims = this.ptrClaims.get(owner);
    let best: { key: string; target: string; rank: number } | undefined;
    for (const [key, c] of claims ?? []) {
      if (!best || c.rank < best.rank || (c.rank === best.rank && key < best.key)) best = { key, ...c };
    }
    if (!best) {
      this.ptrClaims.delete(owner);
      this.names.delete(owner);
      return;
    }
    this.names.set(owner, [{ name: owner, ttl: this.ttl, type: 'PTR', target: best.target }]);
  }

  serviceCount(): number {
    return this.fragments.size - 1;
  }
}

/** Groups EndpointSlices by the Service they belong to (namespace/name from the service-name label). */
export function slicesByService(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const svcName = slice.metadata?.labels?.[serviceNameLabel];
    if (!svcName) continue;
    const k = `${slice.metadata?.namespace ?? ''}/${svcName}`;
    const list = out.get(k);
    if (list) list.push(slice);
    else out.set(k, [slice]);
  }
  return out;
}

/** The whole zone from a snapshot (tests, benches; the server updates an index incrementally). */
export function buildClusterZone(state: ClusterDnsState, opts: ClusterZoneOptions): ClusterZoneIndex {
  const zone = new ClusterZoneIndex(opts);
  const bySvc = slicesByService(state.endpointSlices);
  for (const svc of state.services as Service[]) zone.set(serviceKey(svc), serviceFragment(svc, bySvc.get(serviceKey(svc)) ?? [], zone.domain, opts.ttl));
  return zone;
}
