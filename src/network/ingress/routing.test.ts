import { describe, expect, it } from 'vitest';
import type { Ingress, HTTPIngressPath } from 'kubernetes-types/networking/v1.js';
import { RouteTable, normalizeHost } from './routing.js';

const path = (p: string, svc: string, type: string = 'Prefix'): HTTPIngressPath => ({ path: p, pathType: type, backend: { service: { name: svc, port: { number: 80 } } } });
const ing = (name: string, rules: Array<{ host?: string; paths: HTTPIngressPath[] }>, extra: Partial<Ingress['spec']> = {}, created = '2024-01-01T00:00:00Z'): Ingress => ({
  metadata: { name, namespace: 'default', creationTimestamp: created },
  spec: { ...extra, rules: rules.map((r) => ({ host: r.host, http: { paths: r.paths } })) },
});
const svc = (t: RouteTable, host: string, p: string) => t.match(host, p)?.backend.service;

describe('RouteTable', () => {
  it('matches Prefix paths element-wise and prefers the longest', () => {
    const t = new RouteTable([ing('a', [{ host: 'foo.com', paths: [path('/', 'root'), path('/api', 'api'), path('/api/v2/', 'v2')] }])]);
    expect(svc(t, 'foo.com', '/')).toBe('root');
    expect(svc(t, 'foo.com', '/api')).toBe('api');
    expect(svc(t, 'foo.com', '/api/')).toBe('api');
    expect(svc(t, 'foo.com', '/apix')).toBe('root');
    expect(svc(t, 'foo.com', '/api/v2')).toBe('v2');
    expect(svc(t, 'foo.com', '/api/v2/x?q=1')).toBe('v2');
    expect(svc(t, 'FOO.com:8080', '/api/v1')).toBe('api');
  });

  it('Exact matches the whole path and beats an equal Prefix', () => {
    const t = new RouteTable([ing('a', [{ paths: [path('/foo', 'prefix'), path('/foo', 'exact', 'Exact')] }])]);
    expect(svc(t, 'x', '/foo')).toBe('exact');
    expect(svc(t, 'x', '/foo/')).toBe('prefix');
    expect(svc(t, 'x', '/bar')).toBeUndefined();
  });

  it('ImplementationSpecific behaves as Prefix', () => {
    const t = new RouteTable([ing('a', [{ paths: [path('/img', 'img', 'ImplementationSpecific')] }])]);
    expect(svc(t, 'x', '/img/a.png')).toBe('img');
  });

  it('wildcards match exactly one label; exact hosts win', () => {
    const t = new RouteTable([ing('a', [
      { host: '*.foo.com', paths: [path('/', 'wild')] },
      { host: 'bar.foo.com', paths: [path('/', 'bar')] },
    ])]);
    expect(svc(t, 'baz.foo.com', '/')).toBe('wild');
    expect(svc(t, 'bar.foo.com', '/')).toBe('bar');
    expect(svc(t, 'foo.com', '/')).toBeUndefined();
    expect(svc(t, 'a.baz.foo.com', '/')).toBeUndefined();
  });

  it('a host rule does not fall through to host-less rules; defaultBackend catches the rest', () => {
    const t = new RouteTable([
      ing('a', [{ host: 'foo.com', paths: [path('/app', 'app')] }, { paths: [path('/', 'any')] }]),
      ing('b', [], { defaultBackend: { service: { name: 'fallback', port: { number: 80 } } } }),
    ]);
    expect(svc(t, 'foo.com', '/app')).toBe('app');
    expect(svc(t, 'foo.com', '/other')).toBe('fallback');
    expect(t.match('foo.com', '/other')?.fromRule).toBe(false);
    expect(svc(t, 'other.com', '/x')).toBe('any');
  });

  it('the oldest Ingress wins a conflicting path', () => {
    const t = new RouteTable([
      ing('new', [{ host: 'h', paths: [path('/', 'new')] }], {}, '2024-02-01T00:00:00Z'),
      ing('old', [{ host: 'h', paths: [path('/', 'old')] }], {}, '2024-01-01T00:00:00Z'),
    ]);
    expect(svc(t, 'h', '/')).toBe('old');
  });

  it('normalizes Host headers', () => {
    expect(normalizeHost('Example.COM:80')).toBe('example.com');
    expect(normalizeHost('[::1]:8080')).toBe('::1');
    expect(normalizeHost('example.com.')).toBe('example.com');
  });
});
