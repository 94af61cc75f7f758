// Service-link environment variables, as the kubelet sets them (docker-links style): for every
// Service with a cluster IP in the pod's namespace (when enableServiceLinks is not false) and for
// the API server's `kubernetes` Service in `default` (always — in-cluster clients read
// KUBERNETES_SERVICE_HOST/PORT), FOO_SERVICE_HOST, FOO_SERVICE_PORT[_<NAME>], FOO_PORT and
// FOO_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR].

export interface ServiceLike {
  metadata: { name: string; namespace?: string };
  spec?: { clusterIP?: string; ports?: Array<{ name?: string; port: number; protocol?: string }> };
}

function envName(s: string): string {
  return s.toUpperCase().replace(/-/g, '_');
}

export function serviceEnv(services: ServiceLike[]): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  // Sorted by name, as upstream, so the result is stable.
  for (const svc of [...services].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) continue;
    const n = envName(svc.metadata.name);
    out.push({ name: `${n}_SERVICE_HOST`, value: ip });
    out.push({ name: `${n}_SERVICE_PORT`, value: String(ports[0]!.port) });
    for (const p of ports) if (p.name) out.push({ name: `${n}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
    const first = ports[0]!;
    const host = ip.includes(':') ? `[${ip}]` : ip;
    out.push({ name: `${n}_PORT`, value: `${(first.protocol ?? 'TCP').toLowerCase()}://${host}:${first.port}` });
    for (const p of ports) {
      const proto = (p.protocol ?? 'TCP');
      const prefix = `${n}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push({ name: prefix, value: `${proto.toLowerCase()}://${host}:${p.port}` });
      out.push({ name: `${prefix}_PROTO`, value: proto.toLowerCase() });
      out.push({ name: `${prefix}_PORT`, value: String(p.port) });
      out.push({ name: `${prefix}_ADDR`, value: ip });
    }
  }
  return out;
}

/** The services whose variables a pod gets: its namespace's (unless links are off) plus default/kubernetes. */
export function servicesForPod(namespace: string, enableServiceLinks: boolean, inNamespace: ServiceLike[], master: ServiceLike | undefined): ServiceLike[] {
  const byName = new Map<string, ServiceLike>();
  if (enableServiceLinks) for (const s of inNamespace) byName.set(s.metadata.name, s);
  // The master service wins its name only outside `default` when the namespace has none of that name.
  if (master && (namespace === 'default' || !byName.has('kubernetes'))) byName.set('kubernetes', master);
  return [...byName.values()];
}
