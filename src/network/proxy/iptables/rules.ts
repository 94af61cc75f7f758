// The iptables rules for a ProxyState, laid out as upstream kube-proxy's iptables proxier writes
// them (pkg/proxy/iptables/proxier.go syncProxyRules): a pure function so the exact rule text is
// unit-tested without root. Top-level chains are rewritten on every sync; per-service chains
// (KUBE-SVC/SVL/EXT/FW/SEP) are returned separately so a partial sync can skip unchanged ones.
import type { EndpointInfo, ProxyState, ServicePortEntry } from '../model.js';
import { externallyAccessible } from '../model.js';
import { cidrContains, parseCidr } from '../../host/cidr.js';
import { endpointChainName, serviceChainNames } from './chain-names.js';

export const chains = {
  services: 'KUBE-SERVICES',
  externalServices: 'KUBE-EXTERNAL-SERVICES',
  nodePorts: 'KUBE-NODEPORTS',
  postrouting: 'KUBE-POSTROUTING',
  markMasq: 'KUBE-MARK-MASQ',
  forward: 'KUBE-FORWARD',
  proxyFirewall: 'KUBE-PROXY-FIREWALL',
  firewall: 'KUBE-FIREWALL',
} as const;

export const filterTopChains = [chains.services, chains.externalServices, chains.forward, chains.nodePorts, chains.proxyFirewall, chains.firewall];
export const natTopChains = [chains.services, chains.nodePorts, chains.postrouting, chains.markMasq];

/** Upstream's default masquerade bit 14. */
export const defaultMasqueradeMark = '0x4000';

export interface RuleOptions {
  /** Pod CIDR of the cluster; traffic from outside it to a ClusterIP is masqueraded. */
  clusterCidr?: string;
  /** Node addresses (a LoadBalancer source range containing one lets the node reach the LB IP). */
  nodeIPs: string[];
  masqueradeMark?: string;
}

export interface RuleSet {
  /** filter table: every rule of the top-level chains. */
  filterRules: string[];
  /** nat table: every rule of the top-level chains. */
  natRules: string[];
  /** nat table: the rules of each per-service chain, by chain name (insertion order = write order). */
  serviceChains: Map<string, string[]>;
}

/** One iptables-restore rule line; arguments with spaces are quoted as iptables-restore expects. */
export function ruleLine(args: string[]): string {
  return args.map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a)).join(' ');
}

const probability = (n: number) => (1 / n).toFixed(10);

export function buildRules(state: ProxyState, opts: RuleOptions): RuleSet {
  const mark = opts.masqueradeMark ?? defaultMasqueradeMark;
  const filter: string[] = [];
  const nat: string[] = [];
  const nodePortRules: string[] = [];
  const serviceChains = new Map<string, string[]>();
  const add = (chain: string, args: string[]) => {
    let list = serviceChains.get(chain);
    if (!list) serviceChains.set(chain, (list = []));
    list.push(ruleLine(['-A', chain, ...args]));
  };
  const f = (args: string[]) => filter.push(ruleLine(args));
  const n = (args: string[]) => nat.push(ruleLine(args));

  n(['-A', chains.postrouting, '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN']);
  // Clear the mark so a packet that re-traverses the stack is not masqueraded twice.
  n(['-A', chains.postrouting, '-j', 'MARK', '--xor-mark', mark]);
  n(['-A', chains.postrouting, '-m', 'comment', '--comment', 'kubernetes service traffic requiring SNAT', '-j', 'MASQUERADE', '--random-fully']);
  n(['-A', chains.markMasq, '-j', 'MARK', '--or-mark', mark]);
  // route_localnet (needed for NodePorts on 127.0.0.1) would let outside hosts reach 127/8;
  // upstream's (and kubelet's) guard against that (https://issue.k8s.io/90259).
  f(['-A', chains.firewall, '-m', 'comment', '--comment', 'block incoming localnet connections', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8',
    '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP']);

  for (const entry of state.servicePorts.values()) writeServicePort(entry, opts, { f, n, add, nodePort: (a) => nodePortRules.push(ruleLine(a)) });

  nat.push(...nodePortRules);
  // Must stay last in KUBE-SERVICES: any local address (127.0.0.1 included, thanks to
  // route_localnet) is a NodePort address, upstream's default nodePortAddresses.
  n(['-A', chains.services, '-m', 'comment', '--comment', 'kubernetes service nodeports; NOTE: this must be the last rule in this chain',
    '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chains.nodePorts]);

  f(['-A', chains.forward, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP']);
  // Marked traffic is ours to forward even when the FORWARD policy is DROP.
  f(['-A', chains.forward, '-m', 'comment', '--comment', 'kubernetes forwarding rules', '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT']);
  f(['-A', chains.forward, '-m', 'comment', '--comment', 'kubernetes forwarding conntrack rule', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']);
  return { filterRules: filter, natRules: nat, serviceChains };
}

interface Writers {
  f(args: string[]): void;
  n(args: string[]): void;
  nodePort(args: string[]): void;
  add(chain: string, args: string[]): void;
}

function writeServicePort(entry: ServicePortEntry, opts: RuleOptions, w: Writers): void {
  const { info } = entry;
  const key = info.key;
  const proto = info.protocol.toLowerCase();
  const names = serviceChainNames(key, info.protocol);
  const clusterIP = info.clusterIPs[0]!;
  const port = String(info.port);
  const match = (ip: string, p = port) => ['-m', proto, '-p', proto, '-d', ip, '--dport', p];

  const usesCluster = entry.clusterEndpoints.length > 0 && (info.internalTrafficPolicy === 'Cluster' || externallyAccessible(info));
  const usesLocal = entry.localEndpoints.length > 0;
  const hasEndpoints = entry.hasEndpoints;
  const internalLocal = info.internalTrafficPolicy === 'Local';
  const externalLocal = info.externalTrafficPolicy === 'Local';
  const internalChain = internalLocal ? names.local : names.cluster;
  const hasInternal = internalLocal ? entry.localEndpoints.length > 0 : hasEndpoints;
  const externalPolicyChain = externalLocal ? names.local : names.cluster;
  const hasExternal = externalLocal ? entry.localEndpoints.length > 0 : hasEndpoints;
  const usesExt = hasEndpoints && externallyAccessible(info);
  const usesFW = hasEndpoints && info.loadBalancerIPs.length > 0 && info.loadBalancerSourceRanges.length > 0;
  const lbChain = usesFW ? names.firewall : names.external;

  // No endpoints at all: REJECT so clients fail fast; endpoints only elsewhere for a Local
  // policy: DROP, as upstream.
  const internalFilter = !hasEndpoints ? ['REJECT', `${key} has no endpoints`] : !hasInternal ? ['DROP', `${key} has no local endpoints`] : undefined;
  const externalFilter = !hasEndpoints ? ['REJECT', `${key} has no endpoints`] : !hasExternal ? ['DROP', `${key} has no local endpoints`] : undefined;

  if (hasInternal) w.n(['-A', chains.services, '-m', 'comment', '--comment', `${key} cluster IP`, ...match(clusterIP), '-j', internalChain]);
  else w.f(['-A', chains.services, '-m', 'comment', '--comment', internalFilter![1]!, ...match(clusterIP), '-j', internalFilter![0]!]);

  for (const ip of info.externalIPs) {
    if (hasEndpoints) w.n(['-A', chains.services, '-m', 'comment', '--comment', `${key} external IP`, ...match(ip), '-j', names.external]);
    if (externalFilter) w.f(['-A', chains.externalServices, '-m', 'comment', '--comment', externalFilter[1]!, ...match(ip), '-j', externalFilter[0]!]);
  }
  for (const ip of info.loadBalancerIPs) {
    if (hasEndpoints) w.n(['-A', chains.services, '-m', 'comment', '--comment', `${key} loadbalancer IP`, ...match(ip), '-j', lbChain]);
    if (usesFW) w.f(['-A', chains.proxyFirewall, '-m', 'comment', '--comment', `${key} traffic not accepted by ${names.firewall}`, ...match(ip), '-j', 'DROP']);
  }
  if (externalFilter) {
    for (const ip of info.loadBalancerIPs) w.f(['-A', chains.externalServices, '-m', 'comment', '--comment', externalFilter[1]!, ...match(ip), '-j', externalFilter[0]!]);
  }
  if (info.nodePort) {
    const np = String(info.nodePort);
    if (hasEndpoints) w.nodePort(['-A', chains.nodePorts, '-m', 'comment', '--comment', key, '-m', proto, '-p', proto, '--dport', np, '-j', names.external]);
    if (externalFilter) {
      w.f(['-A', chains.externalServices, '-m', 'comment', '--comment', externalFilter[1]!, '-m', 'addrtype', '--dst-type', 'LOCAL',
        '-m', proto, '-p', proto, '--dport', np, '-j', externalFilter[0]!]);
    }
  }
  if (info.healthCheckNodePort) {
    w.f(['-A', chains.nodePorts, '-m', 'comment', '--comment', `${key} health check node port`, '-m', 'tcp', '-p', 'tcp',
      '--dport', String(info.healthCheckNodePort), '-j', 'ACCEPT']);
  }

  // Per-service chains from here on.
  if (hasInternal && opts.clusterCidr) {
    // Off-cluster clients reaching a ClusterIP (a static route to the service range via this
    // node) may bounce to another node: masquerade them so replies come back here.
    w.add(internalChain, ['-m', 'comment', '--comment', `${key} cluster IP`, ...match(clusterIP), '!', '-s', opts.clusterCidr, '-j', chains.markMasq]);
  }
  if (usesExt) {
    const ext = names.external;
    if (!externalLocal) {
      // Cluster policy may cross nodes: masquerade, so replies come back through this node.
      w.add(ext, ['-m', 'comment', '--comment', `masquerade traffic for ${key} external destinations`, '-j', chains.markMasq]);
    } else {
      // Pods going to an external address act like going out to a load balancer and back in:
      // no traffic policy applies to them.
      if (opts.clusterCidr) w.add(ext, ['-m', 'comment', '--comment', `pod traffic for ${key} external destinations`, '-s', opts.clusterCidr, '-j', names.cluster]);
      // The node itself (127.0.0.1 or its own address as source) must be masqueraded: its source
      // address is local and the reply would never come back.
      w.add(ext, ['-m', 'comment', '--comment', `masquerade LOCAL traffic for ${key} external destinations`, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', chains.markMasq]);
      w.add(ext, ['-m', 'comment', '--comment', `route LOCAL traffic for ${key} external destinations`, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', names.cluster]);
    }
    if (hasExternal) w.add(ext, ['-j', externalPolicyChain]);
  }
  if (usesFW) {
    const fw = names.firewall;
    const comment = ['-m', 'comment', '--comment', `${key} loadbalancer IP`];
    let allowFromNode = false;
    for (const cidr of info.loadBalancerSourceRanges) {
      w.add(fw, [...comment, '-s', cidr, '-j', names.external]);
      const range = parseCidr(cidr);
      if (range && opts.nodeIPs.some((ip) => cidrContains(range, ip))) allowFromNode = true;
    }
    if (allowFromNode) for (const ip of info.loadBalancerIPs) w.add(fw, [...comment, '-s', ip, '-j', names.external]);
    w.add(fw, ['-m', 'comment', '--comment', `other traffic to ${key} will be dropped by ${chains.proxyFirewall}`]);
  }
  const affinity = info.sessionAffinity.clientIP?.timeoutSeconds;
  const sep = (e: EndpointInfo) => endpointChainName(key, info.protocol, `${e.ip}:${e.port}`);
  const toEndpoints = (chain: string, endpoints: EndpointInfo[]) => {
    if (affinity !== undefined) {
      // A client seen recently goes back to the endpoint it used (the SEP chain's `recent` list).
      for (const e of endpoints) {
        w.add(chain, ['-m', 'comment', '--comment', `${key} -> ${e.ip}:${e.port}`, '-m', 'recent', '--name', sep(e),
          '--rcheck', '--seconds', String(affinity), '--reap', '-j', sep(e)]);
      }
    }
    // Uniform random choice: the i-th rule takes 1/(n-i) of what is left; the last takes all.
    endpoints.forEach((e, i) => {
      const stat = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
      w.add(chain, ['-m', 'comment', '--comment', `${key} -> ${e.ip}:${e.port}`, ...stat, '-j', sep(e)]);
    });
  };
  if (usesCluster) toEndpoints(names.cluster, entry.clusterEndpoints);
  if (usesLocal) toEndpoints(names.local, entry.localEndpoints);
  for (const e of entry.reachableEndpoints) {
    const chain = sep(e);
    // Hairpin: a pod reaching itself through the service must be masqueraded, or it would see
    // its own address as the source and answer itself directly.
    w.add(chain, ['-m', 'comment', '--comment', key, '-s', e.ip, '-j', chains.markMasq]);
    const recent = affinity !== undefined ? ['-m', 'recent', '--name', chain, '--set'] : [];
    w.add(chain, ['-m', 'comment', '--comment', key, ...recent, '-m', proto, '-p', proto, '-j', 'DNAT', '--to-destination', `${e.ip}:${e.port}`]);
  }
}
