// The node's share of the pod network, set up once at agent start (k3s's agent does the same with
// flannel): wait for the Node's pod CIDR, write the CNI configuration containerd runs for each
// sandbox, create the bridge with the gateway address, route the cluster and service ranges
// locally, and set the kernel knobs pods need.
import { join } from 'node:path';
import type { Logger } from '../../api/log.js';
import { deleteLink, deleteRoute, ensureDummyLink, formatCidr, nthAddress, parseCidr, replaceRoute } from '../../network/host/index.js';
import { rmSync } from 'node:fs';
import { conflistName, podNetworkConflist, writeConflist } from './cni-config.js';
import { ensureBridge } from './bridge.js';
import { ensurePodNetworkSysctls } from './sysctls.js';
import { ensureServiceRangeReject, removeServiceRangeReject } from './service-range.js';
import { waitForPodCidr, type NodeGetter } from './pod-cidr.js';

export const defaultBridge = 'cni0';
/** The dummy link the service range is routed to (and the userspace proxy's Service IPs live on). */
export const serviceLink = 'kites-svc';

export interface PodNetworkOptions {
  /** Reads the Node (e.g. `restClient.resource(nodesRef)`). */
  nodes: NodeGetter;
  nodeName: string;
  /** The agent's data dir: host-local keeps its records under <dataDir>/agent/cni/ipam. */
  dataDir: string;
  /** containerd's CNI conf dir (<dataDir>/agent/cni/net.d). */
  cniConfDir: string;
  bridge?: string;
  /** --cluster-cidr and --service-cidr, routed locally as unreachable. */
  clusterCidr: string;
  serviceCidr: string;
  /** Do all of it inside this network namespace (tests). */
  netns?: string;
  log: Logger;
  signal?: AbortSignal;
  /** How long to wait for spec.podCIDR (default 120 s). */
  podCidrTimeoutMs?: number;
  podCidrPollMs?: number;
}

export interface PodNetwork {
  podCidr: string;
  /** The bridge's address and the pods' gateway (the pod CIDR's .1). */
  gateway: string;
  bridge: string;
  conflistPath: string;
  /** Nothing keeps running; the network stays for the pods (as k3s leaves cni0 behind). */
  close(): Promise<void>;
}

function cidrOrThrow(what: string, cidr: string) {
  const c = parseCidr(cidr);
  if (!c) throw new Error(`invalid ${what} ${JSON.stringify(cidr)}: an IPv4 CIDR is needed`);
  return c;
}

export async function setupPodNetwork(o: PodNetworkOptions): Promise<PodNetwork> {
  const bridge = o.bridge ?? defaultBridge;
  const cluster = cidrOrThrow('cluster CIDR', o.clusterCidr);
  const service = cidrOrThrow('service CIDR', o.serviceCidr);
  const podCidrText = await waitForPodCidr({ nodes: o.nodes, nodeName: o.nodeName, log: o.log, signal: o.signal, timeoutMs: o.podCidrTimeoutMs, pollMs: o.podCidrPollMs });
  const pod = cidrOrThrow('node pod CIDR', podCidrText);
  const podCidr = formatCidr(pod);
  const gateway = nthAddress(pod, 1);
  const hostOpts = { netns: o.netns };

  const conflistPath = writeConflist(o.cniConfDir, podNetworkConflist({ podCidr, gateway, bridge, ipamDataDir: join(o.dataDir, 'agent', 'cni', 'ipam') }));
  await ensureBridge(bridge, `${gateway}/${pod.prefix}`, { ...hostOpts, log: o.log });
  // Addresses of the cluster and service ranges that nothing serves stay on this machine: the
  // node's own pod CIDR is on the bridge (more specific), other pod addresses fail fast
  // (unreachable). The service range goes to a dummy link, which drops what reaches it: not an
  // unreachable route, because the host's own connections to a ClusterIP are routed before the
  // proxy's OUTPUT DNAT and would fail at connect(); programmed Service IPs are rewritten to
  // their endpoints (iptables) or are local addresses on that link (userspace) and never get there.
  if (formatCidr(cluster) !== podCidr) await replaceRoute(['unreachable', formatCidr(cluster)], hostOpts);
  await ensureDummyLink(serviceLink, hostOpts);
  await deleteRoute(['unreachable', formatCidr(service)], hostOpts);
  await replaceRoute([formatCidr(service), 'dev', serviceLink], hostOpts);
  await ensureServiceRangeReject(formatCidr(service), hostOpts);
  await ensurePodNetworkSysctls(o.log, hostOpts);
  o.log.info('pod network ready', { podCIDR: podCidr, gateway, bridge, conflist: conflistPath });
  return { podCidr, gateway, bridge, conflistPath, close: async () => {} };
}

/** Undoes setupPodNetwork (node removal, tests): bridge, routes, CNI config and address records. */
export async function removePodNetwork(o: Pick<PodNetworkOptions, 'dataDir' | 'cniConfDir' | 'bridge' | 'clusterCidr' | 'serviceCidr' | 'netns'>): Promise<void> {
  const hostOpts = { netns: o.netns };
  await deleteLink(o.bridge ?? defaultBridge, hostOpts);
  for (const c of [o.clusterCidr, o.serviceCidr]) {
    const p = parseCidr(c);
    if (p) await deleteRoute(['unreachable', formatCidr(p)], hostOpts);
  }
  await deleteLink(serviceLink, hostOpts);
  const svc = parseCidr(o.serviceCidr);
  if (svc) await removeServiceRangeReject(formatCidr(svc), hostOpts);
  rmSync(join(o.cniConfDir, conflistName), { force: true });
  rmSync(join(o.dataDir, 'agent', 'cni', 'ipam'), { recursive: true, force: true });
}
