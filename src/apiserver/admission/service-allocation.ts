// Service address allocation, done where upstream's Service REST storage does it: a ClusterIP
// from the service CIDR (its first address belongs to the `kubernetes` Service) and NodePorts
// from 30000-32767 for NodePort and LoadBalancer Services. Used addresses are read from the
// stored Services, so there is no allocator state to drift; a random pick makes concurrent
// creates practically never collide.
import { randomInt } from 'node:crypto';
import { errors, fieldErrors, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export interface ServiceAllocationDeps {
  serviceCidr: string;
  listServices(): Promise<KubeObject[]>;
}

export const nodePortRange = { first: 30000, last: 32767 };

export interface Cidr { base: number; size: number; prefix: number }

export function parseCidr(cidr: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const prefix = Number(m[5]);
  const ip = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), size, prefix };
}

export const ipToString = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
export function ipToNumber(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m || m.slice(1).some((x) => Number(x) > 255)) return undefined;
  return ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
}

/** The n-th address of the range (1: the `kubernetes` Service, 10: cluster DNS). */
export function nthAddress(cidr: string, n: number): string {
  return ipToString(parseCidr(cidr).base + n);
}

const needsNodePorts = (type: unknown) => type === 'NodePort' || type === 'LoadBalancer';

export async function allocateServiceAddresses(svc: KubeObject, old: KubeObject | undefined, deps: ServiceAllocationDeps): Promise<void> {
  const spec = rec(svc.spec);
  svc.spec = spec;
  const oldSpec = rec(old?.spec);
  const name = svc.metadata?.name ?? '';
  const others = (await deps.listServices()).filter((s) => !(s.metadata?.namespace === svc.metadata?.namespace && s.metadata?.name === name));
  const errs: FieldError[] = [];
  if (old) dropTypeDependentFields(spec, oldSpec);

  if (spec.type === 'ExternalName') {
    delete spec.clusterIP; delete spec.clusterIPs;
  } else {
    // An update that leaves the address out keeps it (clients often omit it).
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    } else {
      const cidr = parseCidr(deps.serviceCidr);
      const used = new Set(others.flatMap((s) => { const x = rec(s.spec); return [x.clusterIP, ...(Array.isArray(x.clusterIPs) ? x.clusterIPs : [])]; }).filter((x): x is string => typeof x === 'string'));
      if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '') {
        const n = ipToNumber(spec.clusterIP);
        if (n === undefined || n <= cidr.base || n >= cidr.base + cidr.size - 1) {
          errs.push(fieldErrors.invalid('spec.clusterIPs', spec.clusterIP, `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${deps.serviceCidr}`));
        } else if (spec.clusterIP !== oldSpec.clusterIP && used.has(spec.clusterIP)) {
          errs.push(fieldErrors.invalid('spec.clusterIPs', spec.clusterIP, `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`));
        }
      } else {
        // Skip the network address, the `kubernetes` Service's first address and the broadcast one.
        const free = cidr.size - 3 - used.size;
        if (free <= 0) throw errors.internal(`failed to allocate a serviceIP: range is full`);
        spec.clusterIP = pickClusterIP(cidr, used);
      }
      spec.clusterIPs = [spec.clusterIP];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
  }

  const ports = Array.isArray(spec.ports) ? spec.ports.map(rec) : [];
  const usedPorts = new Set(others.flatMap((s) => (Array.isArray(rec(s.spec).ports) ? (rec(s.spec).ports as unknown[]).map((p) => rec(p).nodePort) : [])).filter((p): p is number => typeof p === 'number'));
  const oldPorts = new Set((Array.isArray(oldSpec.ports) ? oldSpec.ports : []).map((p) => rec(p).nodePort));
  ports.forEach((p, i) => {
    if (!needsNodePorts(spec.type)) { delete p.nodePort; return; }
    if (typeof p.nodePort === 'number' && p.nodePort !== 0) {
      if (p.nodePort < nodePortRange.first || p.nodePort > nodePortRange.last) {
        errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${nodePortRange.first}-${nodePortRange.last}`));
      } else if (!oldPorts.has(p.nodePort) && usedPorts.has(p.nodePort)) {
        errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
      }
      usedPorts.add(p.nodePort);
      return;
    }
    const span = nodePortRange.last - nodePortRange.first + 1;
    if (usedPorts.size >= span) { errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, 0, 'range is full')); return; }
    for (;;) {
      const port = nodePortRange.first + randomInt(span);
      if (!usedPorts.has(port)) { p.nodePort = port; usedPorts.add(port); break; }
    }
  });
  if (ports.length) spec.ports = ports;
  if (errs.length) throw errors.invalid('', 'Service', name, errs);
}

/**
 * A free ClusterIP, as upstream's allocator picks them: the low band (min(max(16, size/16), 256)
 * addresses, where well-known addresses such as the cluster DNS's .10 live) is kept for Services
 * that ask for a specific address; random ones come from above it, and from the low band only
 * when the rest is full.
 */
function pickClusterIP(cidr: { base: number; size: number }, used: Set<string>): string {
  const reserved = Math.min(Math.max(16, Math.floor(cidr.size / 16)), 256);
  const bands: Array<[number, number]> = [[cidr.base + reserved, cidr.base + cidr.size - 1], [cidr.base + 2, cidr.base + reserved]];
  for (const [lo, hi] of bands) {
    if (hi <= lo) continue;
    // Random probes first (fast in a sparse range), then a scan so a nearly full band is still found.
    for (let i = 0; i < 64; i++) {
      const ip = ipToString(lo + randomInt(hi - lo));
      if (!used.has(ip)) return ip;
    }
    for (let n = lo; n < hi; n++) if (!used.has(ipToString(n))) return ipToString(n);
  }
  throw errors.internal('failed to allocate a serviceIP: range is full');
}

const externallyAccessible = (spec: Obj) => needsNodePorts(spec.type) || (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);

/**
 * As upstream's dropTypeDependentFields: when an update changes the type so that a field no
 * longer applies, and the update left that field as it was (it came along from the old object),
 * the field is cleared instead of the update being refused — `kubectl patch` to type ClusterIP
 * works on a LoadBalancer Service. A value the update changed is the user's, and validated.
 */
function dropTypeDependentFields(spec: Obj, oldSpec: Obj): void {
  const same = (k: string) => JSON.stringify(spec[k]) === JSON.stringify(oldSpec[k]);
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && same('externalTrafficPolicy')) delete spec.externalTrafficPolicy;
  const wasHealthChecked = oldSpec.type === 'LoadBalancer' && oldSpec.externalTrafficPolicy === 'Local';
  const isHealthChecked = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  if (wasHealthChecked && !isHealthChecked && same('healthCheckNodePort')) delete spec.healthCheckNodePort;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (same('allocateLoadBalancerNodePorts')) delete spec.allocateLoadBalancerNodePorts;
    if (same('loadBalancerClass')) delete spec.loadBalancerClass;
  }
}
