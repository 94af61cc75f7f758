// The local provider's load balancers: only addresses. Traffic to them is served by the service
// proxy, which programs status.loadBalancer.ingress IPs as kube-proxy does, so "ensuring" a
// balancer is choosing its address(es) and remembering who holds them.
//
// Two modes, as the pool is given or not:
// - a pool (--lb-address-pool): each Service gets an address of its own, spec.loadBalancerIP if
//   set (it must be in the pool and free), else the Service's previous address, else the first
//   free one (MetalLB-like);
// - no pool: the node InternalIP addresses, as k3s's ServiceLB does: a Service is published on
//   every node address where none of its ports is taken by another Service, so Services share a
//   node address when their ports differ.
// Holdings are rebuilt from the Services' own status after a restart (listServices), so there is
// no state to lose; within one process the map below settles races between workers (the choice
// and the record happen in one synchronous step).
import type { CloudNode, CloudService, LoadBalancer, LoadBalancerStatus } from '../provider.js';
import { defaultLoadBalancerName } from '../provider.js';
import type { AddressPool } from './address-pool.js';

/** Nodes with this label take no load balancer traffic (upstream's exclusion label). */
export const excludeFromLoadBalancersLabel = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface LocalLoadBalancerOptions {
  /** The pool; undefined: the node addresses. */
  pool?: AddressPool;
  /** The Services as last seen (an informer's list), to learn addresses held before a restart. */
  listServices?: () => readonly CloudService[];
  /**
   * Node-address mode only: ports already served on the node addresses by the host itself (the
   * API server, the ingress controller), as "TCP/443"; a Service asking for one is refused.
   */
  reservedNodePorts?: readonly string[];
}

interface Holding { key: string; ips: string[]; ports: string[] }

const serviceKey = (s: CloudService) => `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
const portsOf = (s: CloudService) => (s.spec?.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`);
const ingressIps = (s: CloudService) => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip);
const isOurs = (s: CloudService) => s.spec?.type === 'LoadBalancer' && !s.spec.loadBalancerClass;

export class LocalLoadBalancer implements LoadBalancer {
  /** By balancer name (the Service UID). */
  private readonly held = new Map<string, Holding>();

  constructor(private readonly opts: LocalLoadBalancerOptions = {}) {}

  getLoadBalancerName(_clusterName: string, service: CloudService): string {
    return defaultLoadBalancerName(service);
  }

  async getLoadBalancer(clusterName: string, service: CloudService): Promise<{ status?: LoadBalancerStatus; exists: boolean }> {
    const h = this.held.get(this.getLoadBalancerName(clusterName, service));
    return h ? { status: statusOf(h.ips), exists: true } : { exists: false };
  }

  async ensureLoadBalancer(clusterName: string, service: CloudService, nodes: readonly CloudNode[]): Promise<LoadBalancerStatus> {
    const name = this.getLoadBalancerName(clusterName, service);
    const others = this.holdingsExcept(name, serviceKey(service));
    const ports = portsOf(service);
    const ips = this.opts.pool ? this.pickFromPool(service, this.opts.pool, others) : this.pickNodeAddresses(service, nodes, ports, others);
    this.held.set(name, { key: serviceKey(service), ips, ports });
    return statusOf(ips);
  }

  /** Nothing to move: traffic reaches pods through the service proxy on every node. */
  async updateLoadBalancer(): Promise<void> {}

  async ensureLoadBalancerDeleted(clusterName: string, service: CloudService): Promise<void> {
    this.held.delete(this.getLoadBalancerName(clusterName, service));
  }

  /** What other balancers hold: ours in memory, plus what other Services' status shows (from before a restart). */
  private holdingsExcept(name: string, key: string): Holding[] {
    const out = [...this.held.entries()].filter(([n]) => n !== name).map(([, h]) => h);
    const known = new Set(out.map((h) => h.key));
    for (const s of this.opts.listServices?.() ?? []) {
      const k = serviceKey(s);
      if (k === key || known.has(k) || !isOurs(s)) continue;
      const ips = ingressIps(s);
      if (ips.length) out.push({ key: k, ips, ports: portsOf(s) });
    }
    return out;
  }

  private pickFromPool(service: CloudService, pool: AddressPool, others: readonly Holding[]): string[] {
    const taken = new Map<string, string>();
    for (const h of others) for (const ip of h.ips) taken.set(ip, h.key);
    const requested = service.spec?.loadBalancerIP;
    if (requested) {
      if (!pool.contains(requested)) throw new Error(`requested loadBalancerIP ${requested} is not in the load balancer address pool ${pool.spec}`);
      const holder = taken.get(requested);
      if (holder) throw new Error(`requested loadBalancerIP ${requested} is already allocated to service ${holder}`);
      return [requested];
    }
    const previous = ingressIps(service).find((ip) => pool.contains(ip) && !taken.has(ip))
      ?? this.held.get(defaultLoadBalancerName(service))?.ips.find((ip) => pool.contains(ip) && !taken.has(ip));
    if (previous) return [previous];
    const free = pool.firstFree(new Set(taken.keys()));
    if (!free) throw new Error(`no free address in the load balancer address pool ${pool.spec} (${pool.size()} addresses, all allocated)`);
    return [free];
  }

  private pickNodeAddresses(service: CloudService, nodes: readonly CloudNode[], ports: readonly string[], others: readonly Holding[]): string[] {
    const addresses = nodeAddresses(nodes);
    if (addresses.length === 0) throw new Error('no node has an InternalIP address to publish the load balancer on');
    const reserved = ports.filter((p) => this.opts.reservedNodePorts?.includes(p));
    if (reserved.length) throw new Error(`ports ${reserved.join(', ')} are served by the node itself and cannot be load balancer ports on the node addresses`);
    const busy = (ip: string) => others.some((h) => h.ips.includes(ip) && h.ports.some((p) => ports.includes(p)));
    const requested = service.spec?.loadBalancerIP;
    if (requested) {
      if (!addresses.includes(requested)) throw new Error(`requested loadBalancerIP ${requested} is not a node address (${addresses.join(', ')}) and no --lb-address-pool is set`);
      const holder = others.find((h) => h.ips.includes(requested) && h.ports.some((p) => ports.includes(p)));
      if (holder) throw new Error(`requested loadBalancerIP ${requested}: ports ${ports.join(', ')} already used there by service ${holder.key}`);
      return [requested];
    }
    const free = addresses.filter((ip) => !busy(ip));
    if (free.length === 0) {
      const holders = [...new Set(others.filter((h) => h.ports.some((p) => ports.includes(p))).map((h) => h.key))];
      throw new Error(`no node address has ports ${ports.join(', ')} free (used by ${holders.join(', ')})`);
    }
    return free;
  }
}

/** The InternalIP of every node that takes load balancer traffic, sorted, each once. */
export function nodeAddresses(nodes: readonly CloudNode[]): string[] {
  const out = new Set<string>();
  for (const n of nodes) {
    if (n.metadata.labels?.[excludeFromLoadBalancersLabel] !== undefined) continue;
    for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP' && !a.address.includes(':')) out.add(a.address);
  }
  return [...out].sort();
}

function statusOf(ips: readonly string[]): LoadBalancerStatus {
  return { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' })) };
}
