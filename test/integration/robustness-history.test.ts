// Reads and watches from revisions the store no longer has, dry runs, and the object-level checks
// every kind shares: each answered as upstream answers it, with nothing stored on failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestRequest } from '../../src/client/transport.js';
import { startTestApi, type TestApi } from './harness.js';
import { expectStatus, mergePatch, send } from './robustness-helpers.js';

const cms = '/api/v1/namespaces/default/configmaps';
const cm = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata, ...extra });

describe('compacted history', () => {
  let t: TestApi;
  let compactedAt: number;
  beforeAll(async () => {
    t = await startTestApi();
    expect((await send(t.client.transport, { method: 'POST', path: cms, body: cm({ name: 'c1' }) })).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      expect((await send(t.client.transport, { method: 'PATCH', path: `${cms}/c1`, contentType: mergePatch, body: JSON.stringify({ data: { i: String(i) } }) })).status).toBe(200);
    }
    compactedAt = await t.store.currentRevision();
    await t.store.compact(compactedAt);
  });
  afterAll(async () => { await t.stop(); });

  it('a watch from a compacted revision ends with a 410 Expired ERROR event', async () => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 3000);
    let text = '';
    try {
      for await (const c of t.client.transport.stream({ method: 'GET', path: cms, query: { watch: 'true', resourceVersion: '2', timeoutSeconds: '2' }, signal: ac.signal })) text += Buffer.from(c).toString('utf8');
    } finally { clearTimeout(timer); }
    const ev = JSON.parse(text.trim().split('\n')[0]!) as { type: string; object: { kind: string; code: number; reason: string; message: string } };
    expect(ev.type).toBe('ERROR');
    expect(ev.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(ev.object.message).toMatch(/^too old resource version: 2 \(\d+\)$/);
  });

  it('an Exact list at a compacted revision is 410 Expired', async () => {
    expectStatus(await send(t.client.transport, { method: 'GET', path: cms, query: { resourceVersion: '2', resourceVersionMatch: 'Exact' } }), 410, 'Expired', /^too old resource version: 2 \(\d+\)$/);
  });

  it('a list without a resourceVersion still works after compaction', async () => {
    const r = await send(t.client.transport, { method: 'GET', path: cms });
    expect(r.status).toBe(200);
    expect(Number((r.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion)).toBeGreaterThanOrEqual(compactedAt);
  });
});

describe('object checks shared by every kind', () => {
  let t: TestApi;
  beforeAll(async () => { t = await startTestApi(); });
  afterAll(async () => { await t.stop(); });

  interface Case { name: string; req: RestRequest; code: number; reason: string; message: string | RegExp; field?: string }
  const post = (body: unknown): RestRequest => ({ method: 'POST', path: cms, body });
  const cases: Case[] = [
    { name: 'annotations over 256 KiB', req: post(cm({ name: 'ann', annotations: { a: 'x'.repeat(300 * 1024) } })), code: 422, reason: 'Invalid', message: 'ConfigMap "ann" is invalid: metadata.annotations: Too long: must have at most 262144 bytes', field: 'metadata.annotations' },
    { name: 'a label value over 63 characters', req: post(cm({ name: 'lab', labels: { a: 'x'.repeat(64) } })), code: 422, reason: 'Invalid', message: /^ConfigMap "lab" is invalid: metadata.labels: Invalid value: "x{64}": must be no more than 63 characters$/, field: 'metadata.labels' },
    { name: 'a bad generateName', req: post(cm({ generateName: 'X_' })), code: 422, reason: 'Invalid', message: /metadata.generateName: Invalid value: "X_": a lowercase RFC 1123 subdomain/, field: 'metadata.generateName' },
    { name: 'a bad finalizer', req: post(cm({ name: 'fin', finalizers: ['bad finalizer'] })), code: 422, reason: 'Invalid', message: /^ConfigMap "fin" is invalid: metadata.finalizers: Invalid value: "bad finalizer"/, field: 'metadata.finalizers' },
    { name: 'an owner reference without uid', req: post(cm({ name: 'own', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p' }] })), code: 422, reason: 'Invalid', message: 'ConfigMap "own" is invalid: metadata.ownerReferences.uid: Invalid value: "": uid must not be empty', field: 'metadata.ownerReferences.uid' },
    { name: 'a resourceVersion on create', req: post(cm({ name: 'rvc', resourceVersion: '5' })), code: 400, reason: 'BadRequest', message: 'resourceVersion should not be set on objects to be created' },
    { name: 'a service port out of range', req: { method: 'POST', path: '/api/v1/namespaces/default/services', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 70000 }] } } }, code: 422, reason: 'Invalid', message: /^Service "s" is invalid: .*spec.ports\[0\].port: Invalid value: 70000: must be between 1 and 65535, inclusive/, field: 'spec.ports[0].port' },
    { name: 'a pod without containers', req: { method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } } }, code: 422, reason: 'Invalid', message: 'Pod "p" is invalid: spec.containers: Required value', field: 'spec.containers' },
    { name: 'a quantity that is not one', req: { method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2' }, spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: 'lots' } } }] } } }, code: 400, reason: 'BadRequest', message: /^Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression/ },
    { name: 'a deployment whose selector misses its template', req: { method: 'POST', path: '/apis/apps/v1/namespaces/default/deployments', body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } } }, code: 422, reason: 'Invalid', message: /spec.template.metadata.labels: Invalid value: .*`selector` does not match template `labels`/, field: 'spec.template.metadata.labels' },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.code} ${c.reason}`, async () => {
      const s = expectStatus(await send(t.client.transport, c.req), c.code, c.reason, c.message);
      if (c.field) expect(s.details?.causes?.map((x) => x.field)).toContain(c.field);
    });
  }

  it('an immutable ConfigMap refuses data changes and keeps its data', async () => {
    expect((await send(t.client.transport, post(cm({ name: 'imm' }, { immutable: true, data: { a: 'b' } })))).status).toBe(201);
    expectStatus(await send(t.client.transport, { method: 'PATCH', path: `${cms}/imm`, contentType: mergePatch, body: '{"data":{"a":"c"}}' }), 422, 'Invalid', 'ConfigMap "imm" is invalid: data: Forbidden: field is immutable when `immutable` is set');
    expect(((await send(t.client.transport, { method: 'GET', path: `${cms}/imm` })).body as { data: unknown }).data).toEqual({ a: 'b' });
  });

  it('a dry-run create answers 201 and stores nothing', async () => {
    const r = await send(t.client.transport, { method: 'POST', path: cms, query: { dryRun: 'All' }, body: cm({ name: 'dry' }) });
    expect(r.status).toBe(201);
    expectStatus(await send(t.client.transport, { method: 'GET', path: `${cms}/dry` }), 404, 'NotFound', 'configmaps "dry" not found');
  });

  it('none of the refused creates stored anything', async () => {
    const r = await send(t.client.transport, { method: 'GET', path: cms });
    expect((r.body as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name).filter((n) => n !== 'kube-root-ca.crt')).toEqual(['imm']);
    for (const p of ['/api/v1/namespaces/default/pods', '/api/v1/namespaces/default/services', '/apis/apps/v1/namespaces/default/deployments']) {
      expect(((await send(t.client.transport, { method: 'GET', path: p })).body as { items: unknown[] }).items.filter((i) => (i as { metadata: { name: string } }).metadata.name !== 'kubernetes')).toEqual([]);
    }
  });
});
