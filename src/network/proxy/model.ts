// The service proxy's model: what every proxy mode (iptables, userspace) programs, built from
// Services and EndpointSlices the way upstream kube-proxy's ServicePortMap/EndpointsMap are
// (pkg/proxy/service.go, endpointslicecache.go, topology.go). A mode only implements
// `sync(state)`; which endpoints serve which traffic is decided here, once, for both.
import type { Logger } from '../../api/log.js';
import type { EndpointSliceObject, ServiceObject } from './api-objects.js';
import { serviceNameLabel, serviceProxyNameLabel } from './api-objects.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type TrafficPolicy = 'Cluster' | 'Local';

/** Upstream's default for sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const defaultClientIPTimeoutSeconds = 10800;

export interface ServicePortInfo {
  /** Upstream ServicePortName.String(): "ns/name:portName", or "ns/name" for an unnamed port. */
  key: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: Protocol;
  /** IPv4 cluster IPs (the first is spec.clusterIP). */
  clusterIPs: string[];
  port: number;
  nodePort?: number;
  /** status.loadBalancer.ingress[].ip */
  loadBalancerIPs: string[];
  externalIPs: string[];
  loadBalancerSourceRanges: string[];
  /** `clientIP` is set when spec.sessionAffinity is ClientIP. */
  sessionAffinity: { clientIP?: { timeoutSeconds: number } };
  /** Only Local for NodePort/LoadBalancer Services (upstream ExternalPolicyLocal); Cluster otherwise. */
  externalTrafficPolicy: TrafficPolicy;
  internalTrafficPolicy: TrafficPolicy;
  healthCheckNodePort?: number;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
}

export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  zone?: string;
  /** On this proxy's node. */
  isLocal: boolean;
}

/** The endpoints each kind of traffic uses (upstream CategorizeEndpoints). */
export interface EndpointSelection {
  /** For Cluster policy: ready endpoints, or serving+terminating ones when none is ready. */
  clusterEndpoints: EndpointInfo[];
  /** For Local policy: local ready endpoints, or local serving+terminating ones when none is ready. */
  localEndpoints: EndpointInfo[];
  /** Every endpoint some rule may send traffic to (union of the two lists in use). */
  reachableEndpoints: EndpointInfo[];
  /** Some usable endpoint exists anywhere in the cluster. */
  hasEndpoints: boolean;
  /** What ClusterIP traffic goes to (by internalTrafficPolicy). */
  internalEndpoints: EndpointInfo[];
  /** What NodePort/LB/external-IP traffic from outside the node goes to (by externalTrafficPolicy). */
  externalEndpoints: EndpointInfo[];
}

export interface ServicePortEntry extends EndpointSelection {
  info: ServicePortInfo;
  /** Every endpoint of the port, usable or not, sorted by address. */
  endpoints: EndpointInfo[];
}

export interface ProxyState {
  nodeName: string;
  /** Service ports by key, in key order. */
  servicePorts: ReadonlyMap<string, ServicePortEntry>;
  /** Increases with every snapshot handed to a mode. */
  generation: number;
  /** The runner asks for a full resync (start, periodic, after a failure): rewrite everything. */
  full: boolean;
}

/**
 * What a proxy mode implements. `sync` is never called concurrently; a rejection is logged and
 * the runner retries with a full sync.
 */
export interface ProxyMode {
  sync(state: ProxyState): Promise<void>;
  /** Stop serving; `cleanup` removes what the mode installed (kube-proxy --cleanup). */
  stop(opts?: { cleanup?: boolean }): Promise<void>;
}

/** What every mode is started with (startServiceProxy passes its own options through). */
export interface ProxyModeOptions {
  nodeName: string;
  /** The node's addresses: NodePorts answer on these (and on 127.0.0.1 in iptables mode). */
  nodeIPs: string[];
  /** Pod CIDR of the whole cluster: traffic from outside it to a ClusterIP is masqueraded. */
  clusterCidr?: string;
  /** Program this network namespace instead of the host's (tests). */
  netns?: string;
  log: Logger;
}

/** What a mode may read besides the states it is handed (the userspace mode's entry takes this). */
export interface ProxyModel {
  /** The latest state (built on demand from the informer caches). */
  snapshot(): ProxyState;
}

export function servicePortKey(namespace: string, name: string, portName: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

const isIPv4 = (s: string | undefined): s is string => !!s && /^\d{1,3}(\.\d{1,3}){3}$/.test(s);

function protocolOf(p: string | null | undefined): Protocol | undefined {
  const v = (p || 'TCP').toUpperCase();
  return v === 'TCP' || v === 'UDP' || v === 'SCTP' ? v : undefined;
}

/** Whether kube-proxy programs this Service at all (upstream ShouldSkipService). */
export function proxiesService(svc: ServiceObject): boolean {
  const spec = svc.spec;
  if (!spec) return false;
  if (spec.type === 'ExternalName') return false;
  if (!spec.clusterIP || spec.clusterIP === 'None') return false; // headless
  if (svc.metadata.labels?.[serviceProxyNameLabel]) return false;
  return true;
}

/** The ServicePortInfo of every port of a Service (empty when it is skipped). */
export function servicePortInfos(svc: ServiceObject): ServicePortInfo[] {
  if (!proxiesService(svc)) return [];
  const spec = svc.spec!;
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name;
  const type = spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? spec.type : 'ClusterIP';
  const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP]).filter(isIPv4);
  if (clusterIPs.length === 0) return [];
  const externalIPs = (spec.externalIPs ?? []).filter(isIPv4);
  const loadBalancerIPs = type === 'LoadBalancer'
    ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter(isIPv4)
    : [];
  // externalTrafficPolicy only means something for Services reachable from outside through a
  // node port or load balancer (upstream apiservice.ExternalPolicyLocal).
  const externalLocal = (type === 'NodePort' || type === 'LoadBalancer') && spec.externalTrafficPolicy === 'Local';
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  const out: ServicePortInfo[] = [];
  for (const p of spec.ports ?? []) {
    const protocol = protocolOf(p.protocol);
    if (!protocol || !p.port) continue;
    const portName = p.name ?? '';
    out.push({
      key: servicePortKey(namespace, name, portName),
      namespace, name, portName, protocol, clusterIPs, port: p.port,
      nodePort: type !== 'ClusterIP' && p.nodePort ? p.nodePort : undefined,
      loadBalancerIPs, externalIPs,
      loadBalancerSourceRanges: type === 'LoadBalancer' ? spec.loadBalancerSourceRanges ?? [] : [],
      sessionAffinity: spec.sessionAffinity === 'ClientIP' ? { clientIP: { timeoutSeconds: timeout && timeout > 0 ? timeout : defaultClientIPTimeoutSeconds } } : {},
      externalTrafficPolicy: externalLocal ? 'Local' : 'Cluster',
      internalTrafficPolicy: spec.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
      healthCheckNodePort: externalLocal && type === 'LoadBalancer' && spec.healthCheckNodePort ? spec.healthCheckNodePort : undefined,
      type,
    });
  }
  return out;
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function compareEndpoints(a: EndpointInfo, b: EndpointInfo): number {
  return ipNumber(a.ip) - ipNumber(b.ip) || a.port - b.port;
}

/**
 * The endpoints of one service port across all of the Service's slices. As upstream's
 * endpointslicecache: IPv4 slices only, the port matched by name and protocol, the first address
 * of each endpoint, unset `ready`/`serving` mean true and unset `terminating` false, and an
 * address:port listed twice counts once (a ready copy wins).
 */
export function endpointsForPort(info: ServicePortInfo, slices: EndpointSliceObject[], nodeName: string): EndpointInfo[] {
  const byAddress = new Map<string, EndpointInfo>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === info.portName && protocolOf(p.protocol) === info.protocol);
    if (!port?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!isIPv4(ip)) continue;
      const c = ep.conditions ?? {};
      const ready = c.ready == null || c.ready;
      const e: EndpointInfo = {
        ip, port: port.port, ready,
        serving: c.serving == null ? ready : c.serving,
        terminating: c.terminating === true,
        nodeName: ep.nodeName, zone: ep.zone,
        isLocal: !!ep.nodeName && ep.nodeName === nodeName,
      };
      const k = `${ip}:${port.port}`;
      const prev = byAddress.get(k);
      if (!prev || (!prev.ready && e.ready)) byAddress.set(k, e);
    }
  }
  return [...byAddress.values()].sort(compareEndpoints);
}

export function externallyAccessible(info: ServicePortInfo): boolean {
  return info.nodePort !== undefined || info.loadBalancerIPs.length > 0 || info.externalIPs.length > 0;
}

/**
 * Some traffic of this port uses Cluster-policy endpoints (upstream UsesClusterEndpoints): internal
 * policy Cluster, or any external access at all — even with externalTrafficPolicy Local, traffic
 * from the node itself or its pods to an external address is short-circuited to all endpoints.
 */
export function usesClusterEndpoints(info: ServicePortInfo): boolean {
  return info.internalTrafficPolicy === 'Cluster' || externallyAccessible(info);
}

/** Some traffic of this port uses Local-policy endpoints (upstream UsesLocalEndpoints). */
export function usesLocalEndpoints(info: ServicePortInfo): boolean {
  return info.internalTrafficPolicy === 'Local' || (externallyAccessible(info) && info.externalTrafficPolicy === 'Local');
}

/**
 * Upstream CategorizeEndpoints, without topology hints: ready endpoints serve; when none is
 * ready, serving-and-terminating ones do (the terminating-endpoints fallback, so connections
 * during a rollout are not dropped); Local policy keeps only this node's endpoints.
 */
export function categorizeEndpoints(info: ServicePortInfo, endpoints: EndpointInfo[]): EndpointSelection {
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasEndpoints = false;
  if (usesClusterEndpoints(info)) {
    clusterEndpoints = endpoints.filter((e) => e.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((e) => e.serving && e.terminating);
    hasEndpoints = clusterEndpoints.length > 0;
  }
  if (usesLocalEndpoints(info)) {
    let localReady = false;
    let localServingTerminating = false;
    for (const e of endpoints) {
      if (e.ready) {
        hasEndpoints = true;
        if (e.isLocal) localReady = true;
      } else if (e.serving && e.terminating) {
        hasEndpoints = true;
        if (e.isLocal) localServingTerminating = true;
      }
    }
    if (localReady) localEndpoints = endpoints.filter((e) => e.isLocal && e.ready);
    else if (localServingTerminating) localEndpoints = endpoints.filter((e) => e.isLocal && e.serving && e.terminating);
  }
  let reachableEndpoints: EndpointInfo[];
  if (!usesLocalEndpoints(info)) reachableEndpoints = clusterEndpoints;
  else if (!usesClusterEndpoints(info)) reachableEndpoints = localEndpoints;
  else {
    const seen = new Set(clusterEndpoints);
    reachableEndpoints = [...clusterEndpoints, ...localEndpoints.filter((e) => !seen.has(e))].sort(compareEndpoints);
  }
  return {
    clusterEndpoints, localEndpoints, reachableEndpoints, hasEndpoints,
    internalEndpoints: info.internalTrafficPolicy === 'Local' ? localEndpoints : clusterEndpoints,
    externalEndpoints: info.externalTrafficPolicy === 'Local' ? localEndpoints : clusterEndpoints,
  };
}

/** The whole model from the objects in the informer caches. */
export function buildProxyState(
  services: Iterable<ServiceObject>, slices: Iterable<EndpointSliceObject>, nodeName: string,
  extra: { generation?: number; full?: boolean } = {},
): ProxyState {
  const slicesByService = new Map<string, EndpointSliceObject[]>();
  for (const s of slices) {
    const svcName = s.metadata.labels?.[serviceNameLabel];
    if (!svcName || s.metadata.labels?.[serviceProxyNameLabel]) continue;
    const k = `${s.metadata.namespace ?? 'default'}/${svcName}`;
    let list = slicesByService.get(k);
    if (!list) slicesByService.set(k, (list = []));
    list.push(s);
  }
  const entries: ServicePortEntry[] = [];
  for (const svc of services) {
    const mine = slicesByService.get(`${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`) ?? [];
    for (const info of servicePortInfos(svc)) {
      const endpoints = endpointsForPort(info, mine, nodeName);
      entries.push({ info, endpoints, ...categorizeEndpoints(info, endpoints) });
    }
  }
  entries.sort((a, b) => (a.info.key < b.info.key ? -1 : a.info.key > b.info.key ? 1 : 0));
  const servicePorts = new Map<string, ServicePortEntry>();
  for (const e of entries) servicePorts.set(e.info.key, e);
  return { nodeName, servicePorts, generation: extra.generation ?? 0, full: extra.full ?? true };
}

