// The ingress route table: every served Ingress's rules merged by host, as ingress-nginx merges
// them into one server block per host. Matching follows networking.k8s.io/v1:
// - host: exact names first, then `*.example.com` wildcards that match exactly one DNS label
//   (`foo.example.com`, not `example.com` nor `a.b.example.com`), then rules with no host;
// - path: Exact compares the whole path; Prefix compares `/`-separated elements (`/foo` matches
//   `/foo` and `/foo/bar`, not `/foobar`; a trailing `/` on the rule is ignored);
//   ImplementationSpecific is treated as Prefix. The longest matching path wins; at equal length
//   Exact beats Prefix; between Ingresses the oldest one wins (ingress-nginx's conflict rule).
// A host that matches but none of whose paths do falls back to the defaultBackend, then 404.
import type { Ingress, IngressBackend } from 'kubernetes-types/networking/v1.js';

export interface BackendRef {
  namespace: string;
  service: string;
  port: { number?: number; name?: string };
  /** `namespace/name` of the Ingress the route came from. */
  ingress: string;
}

type PathType = 'Exact' | 'Prefix';

interface PathRoute {
  path: string;
  type: PathType;
  /** Path split into elements, for Prefix matching. */
  elements: string[];
  backend: BackendRef;
  order: number;
}

interface HostRoutes {
  paths: PathRoute[];
}

export interface RouteMatch {
  backend: BackendRef;
  /** Whether the match came from a rule (false: a defaultBackend). */
  fromRule: boolean;
}

export class RouteTable {
  private readonly exact = new Map<string, HostRoutes>();
  private readonly wildcard = new Map<string, HostRoutes>();
  private readonly anyHost: HostRoutes = { paths: [] };
  private defaultBackend?: BackendRef;

  /** Builds the table; `ingresses` should be the served ones (class already filtered). */
  constructor(ingresses: Ingress[]) {
    const sorted = [...ingresses].sort(olderFirst);
    let order = 0;
    for (const ing of sorted) {
      const ns = ing.metadata?.namespace ?? 'default';
      const key = `${ns}/${ing.metadata?.name ?? ''}`;
      const db = ing.spec?.defaultBackend ? toBackendRef(ing.spec.defaultBackend, ns, key) : undefined;
      if (db && !this.defaultBackend) this.defaultBackend = db;
      for (const rule of ing.spec?.rules ?? []) {
        const host = (rule.host ?? '').toLowerCase();
        const routes = this.routesFor(host);
        for (const p of rule.http?.paths ?? []) {
          const backend = toBackendRef(p.backend, ns, key);
          if (!backend) continue;
          const type: PathType = p.pathType === 'Exact' ? 'Exact' : 'Prefix';
          const path = p.path || '/';
          routes.paths.push({ path, type, elements: splitPath(path), backend, order: order++ });
        }
      }
    }
    for (const r of [...this.exact.values(), ...this.wildcard.values(), this.anyHost]) r.paths.sort(byPriority);
  }

  /** The backend for a request; undefined means 404. `host` may carry a port; `path` a query. */
  match(hostHeader: string, rawPath: string): RouteMatch | undefined {
    const host = normalizeHost(hostHeader);
    const path = stripQuery(rawPath);
    const routes = this.hostRoutes(host);
    if (routes) {
      const elements = splitPath(path);
      for (const r of routes.paths) {
        if (r.type === 'Exact' ? r.path === path : isPrefixOf(r.elements, elements)) return { backend: r.backend, fromRule: true };
      }
    }
    return this.defaultBackend ? { backend: this.defaultBackend, fromRule: false } : undefined;
  }

  /** Every backend referenced (for diagnostics and tests). */
  backends(): BackendRef[] {
    const all = [...this.exact.values(), ...this.wildcard.values(), this.anyHost].flatMap((r) => r.paths.map((p) => p.backend));
    return this.defaultBackend ? [...all, this.defaultBackend] : all;
  }

  private routesFor(host: string): HostRoutes {
    if (host === '') return this.anyHost;
    const map = host.startsWith('*.') ? this.wildcard : this.exact;
    const key = host.startsWith('*.') ? host.slice(2) : host;
    let r = map.get(key);
    if (!r) map.set(key, (r = { paths: [] }));
    return r;
  }

  private hostRoutes(host: string): HostRoutes | undefined {
    const exact = this.exact.get(host);
    if (exact) return exact;
    const dot = host.indexOf('.');
    if (dot > 0) {
      const wild = this.wildcard.get(host.slice(dot + 1));
      if (wild) return wild;
    }
    return this.anyHost.paths.length ? this.anyHost : undefined;
  }
}

export function toBackendRef(b: IngressBackend, namespace: string, ingress: string): BackendRef | undefined {
  if (!b.service?.name) return undefined; // resource backends are not served (as ingress-nginx)
  const port = b.service.port ?? {};
  return { namespace, service: b.service.name, port: { number: port.number, name: port.name }, ingress };
}

/** Host header → lower-case name without port (IPv6 literals keep their brackets stripped). */
export function normalizeHost(h: string): string {
  let host = h.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(1, end) : host;
  }
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function stripQuery(p: string): string {
  const q = p.indexOf('?');
  const path = q >= 0 ? p.slice(0, q) : p;
  return path || '/';
}

function splitPath(p: string): string[] {
  return p.split('/').filter((e) => e !== '');
}

function isPrefixOf(prefix: string[], elements: string[]): boolean {
  if (prefix.length > elements.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== elements[i]) return false;
  return true;
}

function byPriority(a: PathRoute, b: PathRoute): number {
  const la = a.type === 'Exact' ? a.path.length : a.elements.join('/').length + 1;
  const lb = b.type === 'Exact' ? b.path.length : b.elements.join('/').length + 1;
  if (la !== lb) return lb - la;
  if (a.type !== b.type) return a.type === 'Exact' ? -1 : 1;
  return a.order - b.order;
}

function olderFirst(a: Ingress, b: Ingress): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const kb = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
