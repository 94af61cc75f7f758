// The records one Service contributes to the cluster zone, the way CoreDNS's kubernetes plugin
// answers (Kubernetes DNS-based service discovery spec, schema 1.1.0): pure, per Service and its
// EndpointSlices, so a change to one Service recomputes only its own names (see zone-index.ts).
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { ResourceRecord } from './wire.js';

export interface ClusterDnsState {
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
}

/** The DNS schema version served at dns-version.<domain> (spec section 2.2). */
export const dnsSchemaVersion = '1.1.0';
export const serviceNameLabel = 'kubernetes.io/service-name';

/** PTR precedence when several claim one address: service IPs, then headless endpoints, then others. */
export const ptrRank = { serviceIP: 0, headlessEndpoint: 1, endpoint: 2 } as const;

export interface ServiceFragment {
  /** In-zone records by owner name (deduplicated; SRV weights are set when names are merged). */
  byName: Map<string, ResourceRecord[]>;
  /** Names that exist without records (a headless Service with no endpoints: NODATA, not NXDOMAIN). */
  exists: string[];
  ptrs: Array<{ owner: string; target: string; rank: number }>;
}

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

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

export function serviceIPs(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

export function serviceKey(svc: Service): string {
  return `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
}

/** `<svc>.<ns>.svc.<domain>` in lower case. */
export function serviceFqdn(svc: Service, domain: string): string {
  return `${(svc.metadata?.name ?? '').toLowerCase()}.${(svc.metadata?.namespace ?? '').toLowerCase()}.svc.${domain}`;
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

function recordKey(rr: ResourceRecord): string {
  switch (rr.type) {
    case 'A': case 'AAAA': return `${rr.name} ${rr.type} ${rr.address}`;
    case 'CNAME': case 'PTR': case 'NS': return `${rr.name} ${rr.type} ${rr.target}`;
    case 'SRV': return `${rr.name} SRV ${rr.priority} ${rr.port} ${rr.target}`;
    default: return JSON.stringify(rr);
  }
}

class FragmentBuilder implements ServiceFragment {
  readonly byName = new Map<string, ResourceRecord[]>();
  readonly exists: string[] = [];
  readonly ptrs: ServiceFragment['ptrs'] = [];
  private readonly seen = new Set<string>();
  private readonly ptrSeen = new Set<string>();

  constructor(private readonly ttl: number) {}

  add(rr: ResourceRecord): void {
    const key = recordKey(rr);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const list = this.byName.get(rr.name);
    if (list) list.push(rr);
    else this.byName.set(rr.name, [rr]);
  }

  address(name: string, address: string): void {
    this.add({ name, ttl: this.ttl, type: address.includes(':') ? 'AAAA' : 'A', address });
  }

  ptr(address: string, target: string, rank: number): void {
    const owner = reverseName(address);
    if (this.ptrSeen.has(owner)) return;
    this.ptrSeen.add(owner);
    this.ptrs.push({ owner, target, rank });
  }

  srv(owner: string, port: number, target: string): void {
    this.add({ name: owner, ttl: this.ttl, type: 'SRV', priority: 0, weight: 0, port, target });
  }
}

/** Records of one Service with its EndpointSlices (sorted by name for stable answers). */
export function serviceFragment(svc: Service, slices: readonly EndpointSlice[], domain: string, ttl: number): ServiceFragment {
  const b = new FragmentBuilder(ttl);
  if (!svc.metadata?.name || !svc.metadata.namespace) return b;
  const name = serviceFqdn(svc, domain);
  if (svc.spec?.type === 'ExternalName') {
    const target = (svc.spec.externalName ?? '').replace(/\.$/, '');
    if (target) b.add({ name, ttl, type: 'CNAME', target });
    return b;
  }
  const headless = isHeadless(svc);
  const ips = serviceIPs(svc);
  if (!headless && ips.length === 0) return b; // no ClusterIP allocated yet: nothing to serve
  if (headless) b.exists.push(name); // exists even with no endpoints (NODATA, as CoreDNS)
  // The name server's own address: the kube-dns Service's cluster IPs, as CoreDNS answers for ns.dns.
  if (svc.metadata.namespace === 'kube-system' && svc.metadata.name === 'kube-dns') for (const ip of ips) b.address(`ns.dns.${domain}`, ip);
  for (const ip of ips) {
    b.address(name, ip);
    b.ptr(ip, name, ptrRank.serviceIP);
  }
  if (!headless) {
    for (const p of svc.spec?.ports ?? []) {
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      b.srv(name, p.port, name);
      if (p.name) b.srv(`_${p.name.toLowerCase()}._${proto}.${name}`, p.port, name);
    }
  }
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const sorted = [...slices].sort((x, y) => ((x.metadata?.name ?? '') < (y.metadata?.name ?? '') ? -1 : 1));
  for (const slice of sorted) {
    for (const ep of servedEndpoints(slice, publishNotReady)) {
      const host = `${endpointLabel(ep.address, ep.hostname)}.${name}`;
      b.address(host, ep.address);
      b.ptr(ep.address, host, headless ? ptrRank.headlessEndpoint : ptrRank.endpoint);
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
  return b;
}
