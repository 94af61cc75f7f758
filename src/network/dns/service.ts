// The kube-system/kube-dns Service, as clusters deploy it for CoreDNS (same name, labels and
// ports, so tools that look for it find it), pointing at wherever kites' DNS server listens. It
// has no selector: its EndpointSlice and Endpoints are written here, like any selector-less
// Service's, so the service proxy maps the cluster DNS address to the server.
import type { StoredObject, KubeObject } from '../../api/types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { ResourceClient } from '../../client/rest-client.js';
import { isConflict, isNotFound, isAlreadyExists } from '../../client/status.js';

export interface ClusterDnsServiceOptions {
  /** The Service's ClusterIP (kites --cluster-dns, default 10.43.0.10). */
  clusterDns: string;
  /** Where the DNS server is reachable (its endpoint address). */
  listenAddress: string;
  /** The server's DNS port (53). */
  port?: number;
  /** The server's metrics port (9153, CoreDNS's). */
  metricsPort?: number;
  /** The node the server runs on (endpoint nodeName). */
  nodeName?: string;
}

export const kubeDnsName = 'kube-dns';
export const kubeDnsNamespace = 'kube-system';
/** Our endpoint objects' manager, so the EndpointSlice controllers leave them alone. */
export const dnsEndpointsManager = 'kites-dns';
const sliceName = 'kube-dns-kites';

export function kubeDnsService(o: ClusterDnsServiceOptions): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: {
      name: kubeDnsName, namespace: kubeDnsNamespace,
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP', clusterIP: o.clusterDns, clusterIPs: [o.clusterDns], ipFamilies: [o.clusterDns.includes(':') ? 'IPv6' : 'IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: o.port ?? 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: o.port ?? 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: o.metricsPort ?? 9153 },
      ],
    },
  };
}

function endpointPorts(o: ClusterDnsServiceOptions) {
  return [
    { name: 'dns', port: o.port ?? 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: o.port ?? 53, protocol: 'TCP' },
    { name: 'metrics', port: o.metricsPort ?? 9153, protocol: 'TCP' },
  ];
}

export function kubeDnsEndpointSlice(o: ClusterDnsServiceOptions): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      name: sliceName, namespace: kubeDnsNamespace,
      labels: { 'kubernetes.io/service-name': kubeDnsName, 'endpointslice.kubernetes.io/managed-by': dnsEndpointsManager, 'k8s-app': 'kube-dns' },
    },
    addressType: o.listenAddress.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [o.listenAddress], conditions: { ready: true, serving: true, terminating: false }, ...(o.nodeName ? { nodeName: o.nodeName } : {}) }],
    ports: endpointPorts(o),
  };
}

export function kubeDnsEndpoints(o: ClusterDnsServiceOptions): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    // skip-mirror: the slice above is written directly; the mirroring controller must not copy this one.
    metadata: { name: kubeDnsName, namespace: kubeDnsNamespace, labels: { 'k8s-app': 'kube-dns', 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: o.listenAddress, ...(o.nodeName ? { nodeName: o.nodeName } : {}) }], ports: endpointPorts(o) }],
  };
}

/** Fields we own on each object; an existing object is updated only when they differ. */
function ownedPart(obj: KubeObject): string {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
  const spec = (rest.spec ?? {}) as Record<string, unknown>;
  const { clusterIP, ports, type } = spec;
  return JSON.stringify({ labels: metadata?.labels, body: obj.kind === 'Service' ? { clusterIP, ports: normalizePorts(ports), type, selector: spec.selector } : rest });
}

function normalizePorts(ports: unknown): unknown {
  return Array.isArray(ports) ? ports.map((p: Record<string, unknown>) => ({ name: p.name, port: p.port, protocol: p.protocol, targetPort: p.targetPort })) : ports;
}

async function ensureObject(rc: ResourceClient<StoredObject>, want: KubeObject, recreateWhen?: (have: StoredObject) => boolean): Promise<void> {
  const ns = want.metadata!.namespace!;
  const name = want.metadata!.name!;
  for (let attempt = 0; attempt < 5; attempt++) {
    let have: StoredObject | undefined;
    try {
      have = await rc.get(ns, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    try {
      if (!have) {
        await rc.create(ns, want);
        return;
      }
      if (recreateWhen?.(have)) {
        // A ClusterIP cannot change: replace the Service, as re-applying CoreDNS's manifest would need to.
        await rc.delete(ns, name).catch((e: unknown) => { if (!isNotFound(e)) throw e; });
        continue;
      }
      const merged: KubeObject = { ...have, ...want, metadata: { ...have.metadata, labels: { ...have.metadata.labels, ...want.metadata!.labels }, annotations: { ...have.metadata.annotations, ...want.metadata!.annotations } } };
      if (want.spec) merged.spec = { ...(have.spec as object), ...(want.spec as object), selector: undefined };
      if (ownedPart(merged) === ownedPart(have)) return;
      await rc.update(ns, merged);
      return;
    } catch (e) {
      if (isConflict(e) || isAlreadyExists(e)) continue;
      throw e;
    }
  }
  throw new Error(`cluster DNS: could not write ${ns}/${name} after 5 attempts (conflicts)`);
}

/** Creates or updates kube-system/kube-dns with its EndpointSlice and Endpoints. */
export async function ensureClusterDnsService(client: RestClient, o: ClusterDnsServiceOptions): Promise<void> {
  const svcs = client.resource<StoredObject>({ group: '', version: 'v1', resource: 'services', namespaced: true });
  const slices = client.resource<StoredObject>({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true });
  const endpoints = client.resource<StoredObject>({ group: '', version: 'v1', resource: 'endpoints', namespaced: true });
  await ensureObject(svcs, kubeDnsService(o), (have) => (have.spec as { clusterIP?: string } | undefined)?.clusterIP !== o.clusterDns);
  await ensureObject(slices, kubeDnsEndpointSlice(o));
  await ensureObject(endpoints, kubeDnsEndpoints(o));
}
