// status.loadBalancer.ingress on served Ingresses: the addresses the controller listens on (the
// node IPs, as k3s's traefik behind ServiceLB reports), written only when they differ so a
// resync writes nothing.
import type { Ingress, IngressLoadBalancerIngress } from 'kubernetes-types/networking/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';

export function desiredLoadBalancer(ips: string[]): IngressLoadBalancerIngress[] {
  return [...new Set(ips)].sort().map((ip) => ({ ip }));
}

export function loadBalancerMatches(ing: Ingress, want: IngressLoadBalancerIngress[]): boolean {
  const have = ing.status?.loadBalancer?.ingress ?? [];
  if (have.length !== want.length) return false;
  return have.every((h, i) => h.ip === want[i]!.ip && !h.hostname);
}

/** InternalIP (else ExternalIP) of each node. */
export function nodeAddresses(nodes: Node[]): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    const addrs = n.status?.addresses ?? [];
    const ip = addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.type === 'ExternalIP');
    if (ip?.address) out.push(ip.address);
  }
  return out;
}
