// Splits an API path into group, version, namespace, resource, name and subresource, for the fake API.

export interface ParsedPath {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

export function parseRequestPath(path: string): ParsedPath {
  const segs = path.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '', version: string, rest: string[];
  if (segs[0] === 'api') {
    version = segs[1] ?? '';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    group = segs[1] ?? '';
    version = segs[2] ?? '';
    rest = segs.slice(3);
  } else {
    throw new Error(`not an API path: ${path}`);
  }
  let namespace: string | undefined;
  // namespaces/<ns>/<resource>… addresses a namespaced resource; namespaces/<ns>/status is the namespace's own subresource.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource) throw new Error(`no resource in path ${path}`);
  return { group, version, namespace, resource, name, subresource };
}
