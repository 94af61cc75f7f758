import { describe, it, expect } from 'vitest';
import { parseRequestInfo } from './request-info.js';

const q = (s = '') => new URLSearchParams(s);

describe('parseRequestInfo', () => {
  it('parses namespaced resources with subresources', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/ns1/pods/p1/status', q())).toMatchObject({
      isResourceRequest: true, group: '', version: 'v1', namespace: 'ns1', resource: 'pods', name: 'p1', subresource: 'status', verb: 'get',
    });
  });
  it('treats /namespaces/<name> as the namespace object', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/foo', q())).toMatchObject({ namespace: '', resource: 'namespaces', name: 'foo', verb: 'get' });
    expect(parseRequestInfo('PUT', '/api/v1/namespaces/foo/finalize', q())).toMatchObject({ namespace: '', resource: 'namespaces', name: 'foo', subresource: 'finalize', verb: 'update' });
    expect(parseRequestInfo('GET', '/api/v1/namespaces', q())).toMatchObject({ resource: 'namespaces', name: '', verb: 'list' });
  });
  it('parses groups, watch and collection verbs', () => {
    expect(parseRequestInfo('GET', '/apis/apps/v1/deployments', q('watch=true'))).toMatchObject({ group: 'apps', resource: 'deployments', verb: 'watch' });
    expect(parseRequestInfo('GET', '/apis/apps/v1/watch/namespaces/a/deployments/d', q())).toMatchObject({ namespace: 'a', name: 'd', verb: 'watch' });
    expect(parseRequestInfo('DELETE', '/api/v1/namespaces/a/configmaps', q())).toMatchObject({ verb: 'deletecollection' });
    expect(parseRequestInfo('GET', '/apis/apps/v1', q())).toMatchObject({ isResourceRequest: false });
    expect(parseRequestInfo('GET', '/healthz', q())).toMatchObject({ isResourceRequest: false });
  });
});
