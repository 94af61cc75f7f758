// Discovery: legacy (APIVersions, APIGroupList, APIResourceList) and aggregated
// (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) for /api and /apis. kubectl recognises the
// aggregated form only by the response Content-Type, and needs both endpoints aggregated.
import type { ResourceInfo } from '../../api/resources/types.js';

// Group order decides kubectl's preference when a name exists in several groups (events).
const groupOrder = [
  'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling',
  'batch', 'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io',
  'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io',
];

export interface GroupVersions { group: string; versions: string[] /* preferred first */; resources: Map<string, ResourceInfo[]> }

export function groupResources(resources: readonly ResourceInfo[]): GroupVersions[] {
  const byGroup = new Map<string, GroupVersions>();
  for (const r of resources) {
    let g = byGroup.get(r.group);
    if (!g) byGroup.set(r.group, (g = { group: r.group, versions: [], resources: new Map() }));
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
    const list = g.resources.get(r.version) ?? [];
    list.push(r);
    g.resources.set(r.version, list);
  }
  for (const g of byGroup.values()) g.versions.sort(compareVersions);
  const rank = (g: string) => { const i = groupOrder.indexOf(g); return i < 0 ? groupOrder.length : i; };
  return [...byGroup.values()].sort((a, b) => rank(a.group) - rank(b.group) || a.group.localeCompare(b.group));
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta1). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a), pb = parse(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pb[i] - pa[i];
  return a.localeCompare(b);
}

export function legacyApiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(g: GroupVersions) {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(groups: GroupVersions[]) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.filter((g) => g.group !== '').map(groupEntry) };
}

export function apiGroup(g: GroupVersions) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) };
}

export function apiResourceList(group: string, version: string, resources: ResourceInfo[]) {
  const out: unknown[] = [];
  for (const r of resources) {
    out.push({
      name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
      ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories?.length ? { categories: r.categories } : {}),
    });
    for (const s of r.subresources ?? []) {
      out.push({
        name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced,
        ...(s.group !== undefined ? { group: s.group } : {}), ...(s.version ? { version: s.version } : {}),
        kind: s.kind ?? r.kind, verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: out };
}

function discoveryVersion(group: string, version: string, resources: ResourceInfo[]) {
  return {
    version,
    resources: resources.map((r) => ({
      resource: r.resource,
      responseKind: { group, version, kind: r.kind },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singular,
      verbs: r.verbs,
      ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories?.length ? { categories: r.categories } : {}),
      ...(r.subresources?.length ? {
        subresources: r.subresources.map((s) => ({
          subresource: s.name,
          responseKind: { group: s.group ?? group, version: s.version ?? version, kind: s.kind ?? r.kind },
          verbs: s.verbs,
        })),
      } : {}),
    })),
    freshness: 'Current',
  };
}

export function aggregatedDiscovery(groups: GroupVersions[], legacy: boolean, apiVersion: 'v2' | 'v2beta1') {
  const items = groups.filter((g) => (g.group === '') === legacy).map((g) => ({
    metadata: { name: g.group, creationTimestamp: null },
    versions: g.versions.map((v) => discoveryVersion(g.group, v, g.resources.get(v) ?? [])),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${apiVersion}`, metadata: {}, items };
}

export function aggregatedContentType(apiVersion: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${apiVersion};as=APIGroupDiscoveryList`;
}
