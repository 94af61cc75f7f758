// UDP has no connection to end, so conntrack keeps sending an existing flow (same client port) to
// the endpoint it was first DNATed to, even after that endpoint is gone: a DNS client would keep
// talking to a deleted pod. Upstream kube-proxy deletes those entries after each sync (its
// conntrack.CleanStaleEntries); these are the same deletions as `conntrack -D` argument lists.
import type { ProxyState, ServicePortEntry } from '../model.js';

/** The `conntrack` invocations that clear stale UDP state between two synced states. */
export function staleUDPConntrackDeletions(prev: ProxyState | undefined, next: ProxyState): string[][] {
  if (!prev) return [];
  const out: string[][] = [];
  const seen = new Set<string>();
  const add = (args: string[]) => {
    const k = args.join(' ');
    if (!seen.has(k)) {
      seen.add(k);
      out.push(args);
    }
  };
  const udp = (e: ServicePortEntry) => e.info.protocol === 'UDP';
  for (const [key, before] of prev.servicePorts) {
    if (!udp(before)) continue;
    const after = next.servicePorts.get(key);
    const still = new Set((after?.reachableEndpoints ?? []).map((e) => `${e.ip}:${e.port}`));
    for (const ep of before.reachableEndpoints) {
      if (still.has(`${ep.ip}:${ep.port}`)) continue;
      // Flows DNATed to an endpoint that is no longer used, for every address of the service.
      const info = before.info;
      for (const vip of [...info.clusterIPs, ...info.externalIPs, ...info.loadBalancerIPs]) {
        add(['-D', '-p', 'udp', '--orig-dst', vip, '--dst-nat', ep.ip]);
      }
      if (info.nodePort) add(['-D', '-p', 'udp', '--dport', String(info.nodePort), '--dst-nat', ep.ip]);
    }
  }
  for (const [key, after] of next.servicePorts) {
    if (!udp(after) || after.reachableEndpoints.length === 0) continue;
    const before = prev.servicePorts.get(key);
    if (before && before.reachableEndpoints.length > 0) continue;
    // A service that just got endpoints: entries made while it had none never got a DNAT and
    // would keep black-holing their flows.
    const info = after.info;
    for (const vip of [...info.clusterIPs, ...info.externalIPs, ...info.loadBalancerIPs]) add(['-D', '-p', 'udp', '--orig-dst', vip]);
    if (info.nodePort) add(['-D', '-p', 'udp', '--dport', String(info.nodePort)]);
  }
  return out;
}
