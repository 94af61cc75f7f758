// Regressions for what the robustness review found: verbs a resource does not serve, identity
// changes through patches and subresources, unknown fields kept, unconditional write conflicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi(); });
afterAll(async () => { await t?.stop(); });

async function status(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try { await p; return { code: 200, message: '' }; } catch (e) { return { code: (e as StatusError).code, message: (e as StatusError).message }; }
}
const raw = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string) => t.client.requestJson({ method, path, body, contentType });
const cm = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

describe('robustness fixes', () => {
  it('answers 405 for verbs a resource does not serve and leaves the namespaces alone', async () => {
    await t.client.resource<KubeObject>({ group: '', version: 'v1', resource: 'namespaces', namespaced: false }).create(undefined, { metadata: { name: 'keep-me' } } as KubeObject);
    expect((await status(raw('DELETE', '/api/v1/namespaces'))).code).toBe(405);
    const ns = await t.client.resource<KubeObject>({ group: '', version: 'v1', resource: 'namespaces', namespaced: false }).get(undefined, 'keep-me');
    expect(ns.metadata?.deletionTimestamp).toBeUndefined();
    expect((await status(raw('POST', '/api/v1/componentstatuses', { metadata: { name: 'x' } }))).code).toBe(405);
    expect((await status(raw('PUT', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x' } }))).code).toBe(405);
    expect((await status(raw('POST', '/api/v1/namespaces/default/configmaps/x', { metadata: { name: 'x' } }))).code).toBe(405);
  });

  it('refuses patches and subresource writes that change identity', async () => {
    const c = t.client.resource<KubeObject>(cm);
    await c.create('default', { metadata: { name: 'ident' }, data: { a: '1' } } as KubeObject);
    expect((await status(c.patch('default', 'ident', 'merge', { kind: 'Secret' }))).code).toBe(422);
    expect((await status(c.patch('default', 'ident', 'merge', { metadata: { name: 'other' } }))).code).toBe(400);
    expect((await status(c.patch('default', 'ident', 'merge', { metadata: { namespace: 'kube-system' } }))).code).toBe(400);
    expect((await c.get('default', 'ident')).kind).toBe('ConfigMap');
    const d = t.client.resource<KubeObject>({ group: 'apps', version: 'v1', resource: 'deployments', namespaced: true });
    const dep = await d.create('default', { metadata: { name: 'd' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } } as KubeObject);
    expect((await status(raw('PUT', '/apis/apps/v1/namespaces/default/deployments/d/status', { ...dep, metadata: { ...dep.metadata, name: 'other' } }))).code).toBe(400);
    expect((await status(raw('PUT', '/apis/apps/v1/namespaces/default/deployments/d/scale', { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'other', namespace: 'default' }, spec: { replicas: 3 } }))).code).toBe(400);
    expect((await status(raw('PUT', '/api/v1/namespaces/default/configmaps/ident', { data: { a: '2' } }))).message).toContain('name must be provided');
  });

  it('drops unknown fields of built-in kinds and warns about them', async () => {
    const res = await t.api.inProcessTransport().request({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { name: 'unk', bogus: 1 }, data: { a: '1' }, bogus: 2 } });
    expect(res.status).toBe(201);
    expect(res.headers.warning).toContain('unknown field \\"bogus\\"');
    const got = await t.client.resource<KubeObject>(cm).get('default', 'unk');
    expect(got.bogus).toBeUndefined();
    expect((got.metadata as Record<string, unknown>).bogus).toBeUndefined();
  });

  it('lets unconditional updates win under contention and refuses bad escapes and deep bodies', async () => {
    const c = t.client.resource<KubeObject>(cm);
    await c.create('default', { metadata: { name: 'race' } } as KubeObject);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => status(raw('PUT', '/api/v1/namespaces/default/configmaps/race', { metadata: { name: 'race' }, data: { i: String(i) } }))));
    expect(results.every((r) => r.code === 200)).toBe(true);
    expect((await status(raw('GET', '/api/v1/namespaces/default/configmaps/%zz'))).code).toBe(400);
    const deep = '['.repeat(20_000) + '1' + ']'.repeat(20_000);
    expect((await status(raw('POST', '/api/v1/namespaces/default/configmaps', `{"metadata":{"name":"deep"},"x":${deep}}`, 'application/json'))).code).toBe(400);
  });
});

describe('write option errors', () => {
  it('answers 422 naming the options kind and field, as upstream', async () => {
    const e1 = await status(t.client.requestJson({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', query: { dryRun: 'Bogus' }, body: { metadata: { name: 'o1' } } }));
    expect(e1.code).toBe(422);
    expect(e1.message).toContain('CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value');
    const e2 = await status(t.client.requestJson({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', query: { fieldValidation: 'bogus' }, body: { metadata: { name: 'o2' } } }));
    expect(e2.code).toBe(422);
    await t.client.resource<KubeObject>(cm).create('default', { metadata: { name: 'o3' } } as KubeObject);
    const e3 = await status(t.client.requestJson({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/o3', query: { force: 'true' }, body: { data: { a: 'b' } }, contentType: 'application/merge-patch+json' }));
    expect(e3).toMatchObject({ code: 422, message: expect.stringContaining('force: Forbidden: may not be specified for non-apply patch') });
    const e4 = await status(t.client.requestJson({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/o3', body: 'data: {a: b}', contentType: 'application/apply-patch+yaml' }));
    expect(e4).toMatchObject({ code: 422, message: expect.stringContaining('fieldManager: Required value: is required for apply patch') });
  });
});

describe('list option errors', () => {
  it('refuses resourceVersionMatch without resourceVersion and sendInitialEvents on a list', async () => {
    const l = (query: Record<string, string>) => status(t.client.requestJson({ method: 'GET', path: '/api/v1/namespaces/default/configmaps', query }));
    expect(await l({ resourceVersionMatch: 'Exact' })).toMatchObject({ code: 422, message: expect.stringContaining('resourceVersionMatch is forbidden unless resourceVersion is provided') });
    expect((await l({ resourceVersionMatch: 'Bogus', resourceVersion: '1' })).code).toBe(422);
    expect((await l({ sendInitialEvents: 'true' })).code).toBe(422);
    expect((await l({ resourceVersionMatch: 'NotOlderThan', resourceVersion: '1' })).code).toBe(200);
  });
});
