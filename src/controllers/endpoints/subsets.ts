// The legacy v1 Endpoints of a Service (upstream pkg/controller/endpoint + pkg/api/v1/endpoints):
// one address per selected pod and resolved port, ready or not ready, repacked so addresses that
// serve the same ports share a subset, sorted, and truncated to 1000 addresses.
import type { EndpointAddress, EndpointPort as CoreEndpointPort, EndpointSubset } from 'kubernetes-types/core/v1.js';
import { canonicalJson } from '../common/hash.js';
import { isPodReady } from '../common/pods.js';
import type { PodObject } from '../common/types.js';
import { findPort, shouldPodBeInEndpoints } from '../endpointslice/pod-endpoints.js';
import { isHeadless, type ServiceObject } from '../endpointslice/types.js';

/** upstream maxCapacity: an Endpoints object lists at most this many addresses. */
export const maxEndpointsCapacity = 1000;

interface Entry { address: EndpointAddress; port: CoreEndpointPort | undefined; ready: boolean }

/** The address a pod gets (podToEndpointAddressForService); hostname when its subdomain is this Service. */
function podAddress(svc: ServiceObject, pod: PodObject): EndpointAddress {
  const a: EndpointAddress = { ip: pod.status?.podIP ?? '' };
  // Legacy Endpoints set the hostname for any Service named by the pod's subdomain (ShouldSetHostname).
  if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace) a.hostname = pod.spec.hostname;
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return a;
}

/** The subsets for a Service's selected pods, repacked and sorted. */
export function desiredSubsets(svc: ServiceObject, pods: readonly PodObject[]): EndpointSubset[] {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const entries: Entry[] = [];
  for (const pod of pods) {
    // Terminating pods leave legacy Endpoints unless not-ready addresses are published.
    if (!shouldPodBeInEndpoints(pod, publish)) continue;
    const address = podAddress(svc, pod);
    const ready = publish || isPodReady(pod);
    const svcPorts = svc.spec?.ports ?? [];
    if (svcPorts.length === 0) {
      // Headless Services may have no ports: addresses only.
      if (isHeadless(svc)) entries.push({ address, port: undefined, ready });
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const p: CoreEndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) p.appProtocol = sp.appProtocol;
      entries.push({ address, port: p, ready });
    }
  }
  return repackSubsets(entries);
}

const addressKey = (a: EndpointAddress) => `${a.ip}|${a.targetRef?.uid ?? ''}`;
const portKey = (p: CoreEndpointPort | undefined) => (p ? `${p.name ?? ''}|${p.port}|${p.protocol ?? 'TCP'}|${p.appProtocol ?? ''}` : '');

/**
 * RepackSubsets: ports whose sets of (address, readiness) are identical become one subset, so
 * the result is the same whatever order the pods came in.
 */
function repackSubsets(entries: readonly Entry[]): EndpointSubset[] {
  const byPort = new Map<string, { port: CoreEndpointPort | undefined; addrs: Map<string, { address: EndpointAddress; ready: boolean }> }>();
  for (const e of entries) {
    const pk = portKey(e.port);
    let g = byPort.get(pk);
    if (!g) byPort.set(pk, (g = { port: e.port, addrs: new Map() }));
    const ak = addressKey(e.address);
    const prev = g.addrs.get(ak);
    // An address ready on a port stays ready even if listed not-ready too.
    g.addrs.set(ak, { address: e.address, ready: e.ready || (prev?.ready ?? false) });
  }
  const subsets = new Map<string, { ports: CoreEndpointPort[]; addrs: Array<{ address: EndpointAddress; ready: boolean }> }>();
  for (const g of byPort.values()) {
    const sig = [...g.addrs.entries()].map(([k, v]) => `${k}=${v.ready}`).sort().join(',');
    let s = subsets.get(sig);
    if (!s) subsets.set(sig, (s = { ports: [], addrs: [...g.addrs.values()] }));
    if (g.port) s.ports.push(g.port);
  }
  const out: EndpointSubset[] = [];
  for (const s of subsets.values()) {
    const ready = s.addrs.filter((a) => a.ready).map((a) => a.address).sort(lessAddress);
    const notReady = s.addrs.filter((a) => !a.ready).map((a) => a.address).sort(lessAddress);
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (s.ports.length) subset.ports = s.ports.sort((a, b) => portKey(a).localeCompare(portKey(b)));
    out.push(subset);
  }
  return out.sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
}

function lessAddress(a: EndpointAddress, b: EndpointAddress): number {
  const ip = compareIp(a.ip, b.ip);
  return ip !== 0 ? ip : (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');
}

function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4 && pa.every((n) => !Number.isNaN(n)) && pb.every((n) => !Number.isNaN(n))) {
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return 0;
  }
  return a.localeCompare(b);
}

/**
 * truncateEndpoints: past `max` addresses, keep ready ones first and cut each subset in
 * proportion to its size. Returns whether anything was cut.
 */
export function truncateSubsets(subsets: EndpointSubset[], max = maxEndpointsCapacity): boolean {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= max) return false;
  const canReady = Math.min(totalReady, max);
  const canNotReady = max - canReady;
  cut(subsets, 'addresses', canReady, totalReady);
  cut(subsets, 'notReadyAddresses', canNotReady, totalNotReady);
  return true;
}

function cut(subsets: EndpointSubset[], field: 'addresses' | 'notReadyAddresses', keep: number, total: number): void {
  let left = keep;
  subsets.forEach((s, i) => {
    const list = s[field];
    if (!list) return;
    const n = i === subsets.length - 1 ? left : Math.min(left, Math.round((keep * list.length) / Math.max(1, total)));
    const kept = list.slice(0, Math.max(0, Math.min(n, list.length)));
    left -= kept.length;
    if (kept.length) s[field] = kept;
    else delete s[field];
  });
}
