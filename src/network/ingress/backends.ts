// Ingress backends go straight to the endpoints of a Service (ingress-nginx's default, not via the
// ClusterIP): the Ingress names a Service port by number or name, the Service port's name picks
// the EndpointSlice port (slices name their ports after the Service's ports), and every ready
// address of the slices labelled `kubernetes.io/service-name` is an upstream, in round-robin.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { BackendRef } from './routing.js';

export const serviceNameLabel = 'kubernetes.io/service-name';

export interface Upstream {
  host: string;
  port: number;
}

/** What the pool reads: the current Service and its EndpointSlices (from informer caches). */
export interface BackendSource {
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, serviceName: string): EndpointSlice[];
}

export class BackendPool {
  private cache = new Map<string, Upstream[]>();
  private next = new Map<string, number>();

  constructor(private readonly source: BackendSource) {}

  /** Forget resolved endpoints (call on any Service or EndpointSlice change). */
  invalidate(): void {
    this.cache.clear();
  }

  upstreams(ref: BackendRef): Upstream[] {
    const key = backendKey(ref);
    let ups = this.cache.get(key);
    if (!ups) this.cache.set(key, (ups = this.resolve(ref)));
    return ups;
  }

  /** The next upstream in round-robin order; undefined when the backend has no ready endpoint. */
  pick(ref: BackendRef): Upstream | undefined {
    const ups = this.upstreams(ref);
    if (ups.length === 0) return undefined;
    const key = backendKey(ref);
    const i = this.next.get(key) ?? 0;
    this.next.set(key, (i + 1) % ups.length);
    return ups[i % ups.length];
  }

  private resolve(ref: BackendRef): Upstream[] {
    const svc = this.source.service(ref.namespace, ref.service);
    if (!svc || svc.spec?.type === 'ExternalName') return [];
    const svcPort = (svc.spec?.ports ?? []).find((p) =>
      ref.port.name ? p.name === ref.port.name : ref.port.number !== undefined ? p.port === ref.port.number : true);
    if (!svcPort) return [];
    const portName = svcPort.name ?? '';
    const seen = new Set<string>();
    const out: Upstream[] = [];
    for (const slice of this.source.slices(ref.namespace, ref.service)) {
      if (slice.addressType === 'FQDN') continue;
      const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP');
      if (!sp?.port) continue;
      for (const ep of slice.endpoints ?? []) {
        // Ready unset means ready (the API's documented default).
        if (ep.conditions?.ready === false) continue;
        const host = ep.addresses?.[0];
        if (!host) continue;
        const k = `${host}:${sp.port}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push({ host, port: sp.port });
      }
    }
    return out;
  }
}

export function backendKey(ref: BackendRef): string {
  return `${ref.namespace}/${ref.service}:${ref.port.name ?? ref.port.number ?? ''}`;
}
