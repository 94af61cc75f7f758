// Non-resource paths: health (/healthz, /livez, /readyz), /version, discovery and OpenAPI.
import type { ResourceInfo } from '../../api/resources/types.js';
import { errors } from '../../api/errors.js';
import type { ApiRequest, ApiResponder } from '../http/api-request.js';
import { negotiateDiscovery } from '../http/negotiate.js';
import {
  aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, groupResources, legacyApiVersions,
} from './discovery.js';

export interface OpenApiService {
  handle(path: string, query: URLSearchParams, accept: string | undefined, ifNoneMatch?: string): { status: number; contentType: string; body: Buffer | string; headers?: Record<string, string> } | undefined;
}

export interface NonResourceDeps {
  groups(): readonly ResourceInfo[];
  isReady(): boolean;
  serverAddress(): string;
  version?: { gitVersion: string; major: string; minor: string };
  openapi: OpenApiService;
  /** PEM bundles agents fetch when they join: the server CA (public, checked against the token's hash) and the client CA (token-authenticated). */
  serverCA?: string;
  clientCA?: string;
}

const healthChecks = ['ping', 'log', 'etcd', 'poststarthook/start-apiextensions-informers', 'poststarthook/bootstrap-controller'];

export async function handleNonResource(req: ApiRequest, res: ApiResponder, deps: NonResourceDeps): Promise<boolean> {
  const path = req.path.replace(/\/+$/, '') || '/';
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    if (path === '/healthz' || path === '/version' || path.startsWith('/api') || path.startsWith('/openapi')) {
      throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    return false;
  }
  const health = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path);
  if (health) {
    const ready = health[1] !== 'readyz' || deps.isReady();
    if (req.query.has('verbose')) {
      const lines = healthChecks.map((c) => `[+]${c} ok`);
      if (health[1] === 'readyz') lines.push(`[${ready ? '+' : '-'}]kites-ready ${ready ? 'ok' : 'failed: reason withheld'}`);
      lines.push(`${health[1]} check ${ready ? 'passed' : 'failed'}`);
      res.raw(ready ? 200 : 500, 'text/plain; charset=utf-8', lines.join('\n') + '\n');
    } else {
      res.raw(ready ? 200 : 500, 'text/plain; charset=utf-8', ready ? 'ok' : `[-]kites-ready failed: reason withheld\n${health[1]} check failed`);
    }
    return true;
  }
  // Joining agents (as k3s's /cacerts): the server CA, which the agent checks against the hash in its token.
  if (path === '/cacerts' && deps.serverCA) {
    res.raw(200, 'text/plain; charset=utf-8', deps.serverCA);
    return true;
  }
  // The CA that signs the API server's client certificate, so an agent can trust the API server's calls.
  if (path === '/v1-kites/client-ca' && deps.clientCA) {
    if (!req.user.groups.includes('system:nodes') && !req.user.groups.includes('system:masters')) throw errors.forbidden('', '', '', 'only nodes may read the client CA');
    res.raw(200, 'text/plain; charset=utf-8', deps.clientCA);
    return true;
  }
  if (path === '/version') {
    const v = deps.version ?? { gitVersion: 'v1.33.0+kites', major: '1', minor: '33' };
    res.object(200, {
      major: v.major, minor: v.minor, gitVersion: v.gitVersion, gitCommit: '', gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z', goVersion: `node${process.versions.node}`, compiler: 'tsc', platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    });
    return true;
  }
  if (path.startsWith('/openapi')) {
    const out = deps.openapi.handle(path, req.query, req.headers.accept, req.headers['if-none-match']);
    if (!out) return false;
    res.raw(out.status, out.contentType, out.body, out.headers);
    return true;
  }
  const groups = groupResources(deps.groups().filter((r) => !r.virtual || true));
  const aggregated = negotiateDiscovery(req.headers.accept);
  if (path === '/api') {
    if (aggregated) res.raw(200, aggregatedContentType(aggregated), JSON.stringify(aggregatedDiscovery(groups, true, aggregated)));
    else res.object(200, legacyApiVersions(deps.serverAddress()));
    return true;
  }
  if (path === '/apis') {
    if (aggregated) res.raw(200, aggregatedContentType(aggregated), JSON.stringify(aggregatedDiscovery(groups, false, aggregated)));
    else res.object(200, apiGroupList(groups));
    return true;
  }
  if (path === '/api/v1') {
    const core = groups.find((g) => g.group === '');
    res.object(200, apiResourceList('', 'v1', core?.resources.get('v1') ?? []));
    return true;
  }
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (m) {
    const g = groups.find((x) => x.group === m[1]);
    if (!g) return false;
    if (!m[2]) { res.object(200, apiGroup(g)); return true; }
    const list = g.resources.get(m[2]);
    if (!list) return false;
    res.object(200, apiResourceList(g.group, m[2], list));
    return true;
  }
  return false;
}
