// Turns a request path into what it addresses, as upstream's RequestInfoFactory does:
// /api/v1/namespaces/ns/pods/name/status → {group "", version v1, namespace ns, resource pods, name, subresource status}.
import { errors } from '../api/errors.js';

export type ApiVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequestInfo {
  isResourceRequest: true;
  /** "/api" or "/apis" */
  prefix: 'api' | 'apis';
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  verb: ApiVerb;
  /** Extra path parts after the subresource (e.g. proxy paths). */
  rest: string[];
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  path: string;
  verb: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

// Subresources of a namespace, addressed as /api/v1/namespaces/<name>/<sub>.
const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  let parts: string[];
  try {
    parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    throw errors.badRequest(`invalid URL escape in path: ${path}`);
  }
  const nonResource: NonResourceRequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase() };
  if (parts.length === 0) return nonResource;
  let i = 0;
  const prefix = parts[i++];
  let group = '';
  if (prefix === 'api') {
    if (parts.length < 3) return nonResource; // /api, /api/v1 are discovery
  } else if (prefix === 'apis') {
    if (parts.length < 4) return nonResource; // /apis, /apis/g, /apis/g/v
    group = parts[i++];
  } else {
    return nonResource;
  }
  const version = parts[i++];
  let rest = parts.slice(i);
  let watchPath = false;
  if (rest[0] === 'watch') { watchPath = true; rest = rest.slice(1); }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresources.has(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  // otherwise /namespaces, /namespaces/<name>, /namespaces/<name>/{status,finalize}: the Namespace itself
  const [resource = '', name = '', subresource = '', ...extra] = rest;
  const m = method.toUpperCase();
  let verb: ApiVerb;
  const isWatch = watchPath || ['true', '1', 'True'].includes(query.get('watch') ?? '');
  switch (m) {
    case 'GET': case 'HEAD': verb = name ? (isWatch ? 'watch' : 'get') : isWatch ? 'watch' : 'list'; break;
    case 'POST': verb = 'create'; break;
    case 'PUT': verb = 'update'; break;
    case 'PATCH': verb = 'patch'; break;
    case 'DELETE': verb = name ? 'delete' : 'deletecollection'; break;
    default: verb = 'get';
  }
  return { isResourceRequest: true, prefix: prefix as 'api' | 'apis', group, version, namespace, resource, name, subresource, verb, rest: extra };
}
