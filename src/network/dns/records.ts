// The cluster zone as data: every name under the cluster domain that owns records, built from
// Services and EndpointSlices the way CoreDNS's kubernetes plugin answers (Kubernetes DNS-based
// service discovery spec, schema 1.1.0). Pure: the server rebuilds it when the informers change.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { ResourceRecord, Soa } from './wire.js';

export interface ClusterDnsState {
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
}

export interface ClusterZoneOptions {
  /** Cluster domain, e.g. cluster.local. */
  domain: string;
  /** TTL of every record (CoreDNS kubernetes plugin default: 5 s). */
  ttl: number;
  /** SOA serial; CoreDNS uses the time of the last change it saw. */
  serial: number;
}

export interface ClusterZone {
  /** Lower case, no trailing dot. */
  domain: string;
  ttl: number;
  soa: ResourceRecord & { type: 'SOA' };
  /**
   * Every name that exists in the zone, lower case: owners of records and the empty non-terminals
   * above them (e.g. `default.svc.cluster.local`), which answer NODATA rather than NXDOMAIN.
   */
  names: Map<string, ResourceRecord[]>;
}

/** The DNS schema version served at dns-version.<domain> (spec section 2.2). */
export const dnsSchemaVersion = '1.1.0';
export const serviceNameLabel = 'kubernetes.io/service-name';

/** An endpoint's label under its service: its hostname, else its address with dashes (CoreDNS endpointHostname). */
export function endpointLabel(address: string, hostname: string | undefined): string {
  if (hostname) return hostname.toLowerCase();
  return address.includes(':') ? address.replace(/:/g, '-').toLowerCase() : address.replace(/\./g, '-');
}

/** The PTR owner for an address: d.c.b.a.in-addr.arpa, or the nibble form under ip6.arpa. */
export function reverseName(address: string): string {
  if (!address.includes(':')) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  const hex = expandIpv6(address).replace(/:/g, '');
  return `${hex.split('').reverse().join('.')}.ip6.arpa`;
}

function expandIpv6(address: string): string {
  const [head, tail] = address.includes('::') ? address.split('::') as [string, string] : [address, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...new Array(8 - h.length - t.length).fill('0') as string[], ...t];
  return groups.map((g) => g.padStart(4, '0').toLowerCase()).join(':');
}

function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

function serviceIPs(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

/** Endpoints CoreDNS serves: ready ones (an unset condition counts as ready), or all when the service publishes not-ready addresses. */
function servedEndpoints(slice: EndpointSlice, publishNotReady: boolean): Array<{ address: string; hostname?: string }> {
  if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') return [];
  const out: Array<{ address: string; hostname?: string }> = [];
  for (const ep of slice.endpoints ?? []) {
    if (!publishNotReady && ep.conditions?.ready === false) continue;
    for (const address of ep.addresses ?? []) out.push({ address, hostname: ep.hostname });
  }
  return out;
}

class ZoneBuilder {
  readonly names = new Map<string, ResourceRecord[]>();
  private readonly seen = new Set<string>();
  private readonly ptrOwners = new Set<string>();

  constructor(private readonly domain: string, private readonly ttl: number) {
    this.names.set(domain, []);
  }

  /** Makes a name exist, with every ancestor up to the zone apex (empty non-terminals). */
  ensure(name: string): ResourceRecord[] {
    let list = this.names.get(name);
    if (!list) {
      this.names.set(name, (list = []));
      if (name.endsWith(`.${this.domain}`)) {
        for (let n = name.slice(name.indexOf('.') + 1); n.length > this.domain.length && !this.names.has(n); n = n.slice(n.indexOf('.') + 1)) this.names.set(n, []);
      }
    }
    return list;
  }

  /** Adds a record (deduplicated). */
  add(rr: ResourceRecord): void {
    const key = recordKey(rr);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.ensure(rr.name).push(rr);
  }

  address(name: string, address: string): void {
    this.add({ name, ttl: this.ttl, type: address.includes(':') ? 'AAAA' : 'A', address });
  }

  /** One PTR per address; the first claimant wins (service IPs are added before endpoints). */
  ptr(address: string, target: string): void {
    const owner = reverseName(address);
    if (this.ptrOwners.has(owner)) return;
    this.ptrOwners.add(owner);
    this.add({ name: owner, ttl: this.ttl, type: 'PTR', target });
  }

  srv(owner: string, port: number, target: string): void {
    this.add({ name: owner, ttl: this.ttl, type: 'SRV', priority: 0, weight: 0, port, target });
  }
}

function recordKey(rr: ResourceRecord): string {
  switch (rr.type) {
    case 'A': case 'AAAA': return `${rr.name} ${rr.type} ${rr.address}`;
    case 'CNAME': case 'PTR': case 'NS': return `${rr.name} ${rr.type} ${rr.target}`;
    case 'SRV': return `${rr.name} SRV ${rr.priority} ${rr.port} ${rr.target}`;
    default: return JSON.stringify(rr);
  }
}

function byKey(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * CoreDNS spreads weight over the records of one priority: each gets floor(100 / count) so the
 * weights of a name sum to about 100.
 */
function assignSrvWeights(names: Map<string, ResourceRecord[]>): void {
  for (const list of names.values()) {
    const srvs = list.filter((r) => r.type === 'SRV');
    if (srvs.length === 0) continue;
    const weight = Math.floor(100 / srvs.length);
    for (const r of srvs) if (r.type === 'SRV') r.weight = weight;
  }
}

export function buildClusterZone(state: ClusterDnsState, opts: ClusterZoneOptions): ClusterZone {
  const domain = opts.domain.toLowerCase().replace(/\.$/, '');
  const ttl = opts.ttl;
  const b = new ZoneBuilder(domain, ttl);
  const soa: Soa = { mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial: opts.serial >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl };
  const soaRecord = { name: domain, ttl, type: 'SOA' as const, soa };
  b.add(soaRecord);
  b.add({ name: domain, ttl, type: 'NS', target: `ns.dns.${domain}` });
  b.add({ name: `dns-version.${domain}`, ttl, type: 'TXT', text: [dnsSchemaVersion] });
  b.ensure(`svc.${domain}`);
  b.ensure(`pod.${domain}`);

  const services = [...state.services].sort((x, y) => byKey(key(x), key(y)));
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of state.endpointSlices) {
    const svcName = slice.metadata?.labels?.[serviceNameLabel];
    if (!svcName) continue;
    const k = `${slice.metadata?.namespace ?? ''}/${svcName}`;
    const list = slicesByService.get(k);
    if (list) list.push(slice);
    else slicesByService.set(k, [slice]);
  }
  for (const list of slicesByService.values()) list.sort((x, y) => byKey(x.metadata?.name ?? '', y.metadata?.name ?? ''));

  // The name server's own address: the kube-dns Service's cluster IPs, as CoreDNS answers for ns.dns.
  const kubeDns = services.find((s) => s.metadata?.namespace === 'kube-system' && s.metadata?.name === 'kube-dns');
  for (const ip of kubeDns ? serviceIPs(kubeDns) : []) b.address(`ns.dns.${domain}`, ip);

  // Service IPs claim their PTR records first.
  for (const svc of services) {
    if (svc.spec?.type === 'ExternalName' || isHeadless(svc)) continue;
    for (const ip of serviceIPs(svc)) b.ptr(ip, fqdn(svc, domain));
  }
  for (const pass of ['headless', 'clusterIP'] as const) {
    for (const svc of services) {
      if ((pass === 'headless') !== isHeadless(svc)) continue;
      addService(b, svc, slicesByService.get(key(svc)) ?? [], domain, ttl);
    }
  }
  assignSrvWeights(b.names);
  return { domain, ttl, soa: soaRecord, names: b.names };
}

function key(svc: Service): string {
  return `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
}

function fqdn(svc: Service, domain: string): string {
  return `${(svc.metadata?.name ?? '').toLowerCase()}.${(svc.metadata?.namespace ?? '').toLowerCase()}.svc.${domain}`;
}

function addService(b: ZoneBuilder, svc: Service, slices: EndpointSlice[], domain: string, ttl: number): void {
  if (!svc.metadata?.name || !svc.metadata.namespace) return;
  const name = fqdn(svc, domain);
  if (svc.spec?.type === 'ExternalName') {
    const target = (svc.spec.externalName ?? '').replace(/\.$/, '');
    if (target) b.add({ name, ttl, type: 'CNAME', target });
    return;
  }
  const headless = isHeadless(svc);
  const ips = serviceIPs(svc);
  if (!headless && ips.length === 0) return; // no ClusterIP allocated yet: nothing to serve
  if (headless) b.ensure(name); // exists even with no endpoints (NODATA, as CoreDNS)
  for (const ip of ips) b.address(name, ip);
  if (!headless) {
    for (const p of svc.spec?.ports ?? []) {
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      b.srv(name, p.port, name);
      if (p.name) b.srv(`_${p.name.toLowerCase()}._${proto}.${name}`, p.port, name);
    }
  }
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  for (const slice of slices) {
    for (const ep of servedEndpoints(slice, publishNotReady)) {
      const host = `${endpointLabel(ep.address, ep.hostname)}.${name}`;
      b.address(host, ep.address);
      b.ptr(ep.address, host);
      if (!headless) continue;
      b.address(name, ep.address);
      for (const p of slice.ports ?? []) {
        if (p.port === undefined || p.port === null) continue;
        const proto = (p.protocol ?? 'TCP').toLowerCase();
        b.srv(name, p.port, host);
        if (p.name) b.srv(`_${p.name.toLowerCase()}._${proto}.${name}`, p.port, host);
      }
    }
  }
}
