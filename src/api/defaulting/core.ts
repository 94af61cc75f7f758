// Core kinds other than Pods (upstream's pkg/apis/core/v1/defaults.go and conversions users see).
import { canonicalizeClaimQuantities, canonicalizeLimitRange, canonicalizeNodeQuantities, canonicalizeQuota, canonicalizeResourceList } from './quantities.js';
import { child, existing, isObj, items, setIfEmpty, setIfUnset, type J } from './util.js';

export function defaultService(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  setIfEmpty(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = isObj(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const cip = cfg && isObj(cfg.clientIP) ? cfg.clientIP : undefined;
    if (!cip || cip.timeoutSeconds === undefined || cip.timeoutSeconds === null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
    }
  }
  setIfEmpty(spec, 'type', 'ClusterIP');
  for (const port of items(spec, 'ports')) {
    setIfEmpty(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  const type = spec.type;
  const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs : [];
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && externalIPs.length > 0);
  if (externallyAccessible) setIfEmpty(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') setIfUnset(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setIfUnset(spec, 'allocateLoadBalancerNodePorts', true);
  // clusterIP and clusterIPs[0] are one value (upstream's normalizeClusterIPs at create).
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (typeof spec.clusterIP === 'string' && spec.clusterIP && ips.length === 0) spec.clusterIPs = [spec.clusterIP];
  else if ((spec.clusterIP === undefined || spec.clusterIP === '') && typeof ips[0] === 'string' && ips[0]) spec.clusterIP = ips[0];
  if (type === 'LoadBalancer') {
    const lb = isObj(o.status) && isObj(o.status.loadBalancer) ? o.status.loadBalancer : undefined;
    for (const ing of items(lb, 'ingress')) if (ing.ip) setIfUnset(ing, 'ipMode', 'VIP');
  }
}

export function defaultNamespace(o: J): void {
  const meta = child(o, 'metadata');
  // Every named namespace carries its own name as a label (for namespaceSelectors).
  if (meta && typeof meta.name === 'string' && meta.name) {
    const labels = child(meta, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = meta.name;
  }
  const status = child(o, 'status');
  if (status) setIfEmpty(status, 'phase', 'Active');
}

/** Secrets: type Opaque, and stringData folded into data (upstream's conversion does this). */
export function defaultSecret(o: J): void {
  setIfEmpty(o, 'type', 'Opaque');
  if (isObj(o.stringData)) {
    const data = child(o, 'data');
    if (data) {
      for (const [k, v] of Object.entries(o.stringData)) {
        if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
      }
    }
    delete o.stringData;
  }
}

function defaultClaimSpec(spec: J | undefined): void {
  if (spec) setIfEmpty(spec, 'volumeMode', 'Filesystem');
}

export function defaultPVC(o: J): void {
  defaultClaimSpec(child(o, 'spec'));
  canonicalizeClaimQuantities(o);
  const status = child(o, 'status');
  if (status) setIfEmpty(status, 'phase', 'Pending');
}

/** A StatefulSet volumeClaimTemplate is a whole PVC and gets the same defaults. */
export function defaultClaimTemplate(o: J): void {
  defaultPVC(o);
}

export function defaultPV(o: J): void {
  const spec = child(o, 'spec');
  canonicalizeResourceList(spec, 'capacity');
  if (spec) {
    setIfEmpty(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setIfEmpty(spec, 'volumeMode', 'Filesystem');
    const hp = existing(spec, 'hostPath');
    if (hp) setIfUnset(hp, 'type', '');
  }
  const status = child(o, 'status');
  if (status) setIfEmpty(status, 'phase', 'Pending');
}

export function defaultNode(o: J): void {
  canonicalizeNodeQuantities(o);
  const status = existing(o, 'status');
  // Allocatable defaults to capacity.
  if (status && isObj(status.capacity) && (status.allocatable === undefined || status.allocatable === null)) {
    status.allocatable = { ...status.capacity };
  }
}

export function defaultEndpoints(o: J): void {
  for (const subset of items(o, 'subsets')) for (const port of items(subset, 'ports')) setIfEmpty(port, 'protocol', 'TCP');
}

export function defaultLimitRange(o: J): void {
  canonicalizeLimitRange(o);
  const spec = existing(o, 'spec');
  // Container items: the max is the default limit, the limit the default request, else the min.
  // Empty maps are omitted, as Go serialises them.
  const fill = (item: J, key: string, from: unknown) => {
    if (!isObj(from)) return;
    const target: J = isObj(item[key]) ? (item[key] as J) : {};
    for (const [k, v] of Object.entries(from)) if (!(k in target)) target[k] = v;
    if (Object.keys(target).length > 0) item[key] = target;
  };
  for (const item of items(spec, 'limits')) {
    if (item.type !== 'Container') continue;
    fill(item, 'default', item.max);
    fill(item, 'defaultRequest', item.default);
    fill(item, 'defaultRequest', item.min);
  }
}

export function defaultResourceQuota(o: J): void {
  canonicalizeQuota(o);
}
