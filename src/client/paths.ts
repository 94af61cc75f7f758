// URL paths of the Kubernetes REST API: /api/v1/... for the core group, /apis/<group>/<version>/...
// for the others; namespaced resources live under namespaces/<ns>/ unless listed across namespaces.

export interface ResourceRef {
  group: string;
  version: string;
  /** Plural resource name, e.g. "pods", "deployments". */
  resource: string;
  namespaced: boolean;
}

export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/**
 * The path of a collection or one object (and optionally its subresource). For namespaced
 * resources an empty/undefined namespace addresses the collection across all namespaces.
 */
export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let p = groupVersionPath(ref.group, ref.version);
  if (ref.namespaced && namespace) p += `/namespaces/${segment(namespace)}`;
  p += `/${ref.resource}`;
  if (name !== undefined) {
    if (name === '') throw new Error(`resource name may not be empty (${ref.resource})`);
    p += `/${segment(name)}`;
    if (subresource) p += `/${subresource}`;
  }
  return p;
}

/** Escapes a path segment as Go's url.PathEscape does: ':' and '@' stay (system:node:n1 reads as kubectl sends it). */
function segment(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@');
}

/** "namespace/name", or "name" for cluster-scoped objects: upstream's MetaNamespaceKeyFunc. */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** Splits a key made by objectKey back into namespace and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
