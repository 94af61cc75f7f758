// Odd paths and query parameters: each gets upstream's Status (code, reason, wording where we
// know it) rather than a crash, a hang or a silently wrong answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestRequest } from '../../src/client/transport.js';
import { startTestApi, type TestApi } from './harness.js';
import { expectStatus, send, snapshot } from './robustness-helpers.js';

const cms = '/api/v1/namespaces/default/configmaps';
const notServed = 'the server could not find the requested resource';

interface Case { name: string; req: RestRequest; code: number; reason: string; message?: string | RegExp }

describe('odd paths and query parameters', () => {
  let t: TestApi;
  let before: string;
  beforeAll(async () => {
    t = await startTestApi();
    expect((await send(t.client.transport, { method: 'POST', path: cms, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', labels: { a: 'b' } }, data: { k: 'v' } } })).status).toBe(201);
    before = await snapshot(t.client.transport, `${cms}/b`);
  });
  afterAll(async () => { await t.stop(); });

  const get = (path: string, query?: Record<string, string>): RestRequest => ({ method: 'GET', path, query });
  const cases: Case[] = [
    { name: 'an unknown group', req: get('/apis/nope.io/v1/things'), code: 404, reason: 'NotFound', message: notServed },
    { name: 'an unknown core version', req: get('/api/v2/pods'), code: 404, reason: 'NotFound', message: notServed },
    { name: 'an unknown resource', req: get('/api/v1/frobs'), code: 404, reason: 'NotFound', message: notServed },
    { name: 'an unknown namespaced resource', req: get('/api/v1/namespaces/default/frobs'), code: 404, reason: 'NotFound', message: notServed },
    { name: 'an unknown version of a known group', req: get('/apis/apps/v2'), code: 404, reason: 'NotFound', message: notServed },
    { name: 'the status of a missing pod', req: get('/api/v1/namespaces/default/pods/y/status'), code: 404, reason: 'NotFound', message: 'pods "y" not found' },
    { name: 'a status update of a missing pod', req: { method: 'PUT', path: '/api/v1/namespaces/default/pods/y/status', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'y' } } }, code: 404, reason: 'NotFound', message: 'pods "y" not found' },
    { name: 'the scale of a missing deployment', req: get('/apis/apps/v1/namespaces/default/deployments/y/scale'), code: 404, reason: 'NotFound', message: 'deployments.apps "y" not found' },
    { name: 'an escaped slash in a name', req: get(`${cms}/a%2Fb`), code: 404, reason: 'NotFound' },
    { name: 'a name of ..', req: get(`${cms}/..`), code: 404, reason: 'NotFound' },
    { name: 'a 1000-character name', req: get(`${cms}/${'a'.repeat(1000)}`), code: 404, reason: 'NotFound' },
    { name: 'an uppercase name', req: get(`${cms}/ABC`), code: 404, reason: 'NotFound', message: 'configmaps "ABC" not found' },
    { name: 'a delete of a missing object', req: { method: 'DELETE', path: `${cms}/nope` }, code: 404, reason: 'NotFound', message: 'configmaps "nope" not found' },
    { name: 'a create in a missing namespace', req: { method: 'POST', path: '/api/v1/namespaces/nope/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }, code: 404, reason: 'NotFound', message: 'namespaces "nope" not found' },
    { name: 'a GET of a create-only review', req: get('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), code: 405, reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' },
    { name: 'an eviction of a missing pod', req: { method: 'POST', path: '/api/v1/namespaces/default/pods/nope/eviction', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'nope' } } }, code: 404, reason: 'NotFound', message: 'pods "nope" not found' },
    { name: 'an eviction that is not JSON', req: { method: 'POST', path: '/api/v1/namespaces/default/pods/nope/eviction', body: '[', contentType: 'application/json' }, code: 400, reason: 'BadRequest' },
    { name: 'a token for a missing service account', req: { method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts/nope/token', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} } }, code: 404, reason: 'NotFound', message: 'serviceaccounts "nope" not found' },
    // Selectors.
    { name: 'an unclosed set in a label selector', req: get(cms, { labelSelector: 'a in (b' }), code: 400, reason: 'BadRequest', message: /^unable to parse requirement: / },
    { name: 'a label selector of punctuation', req: get(cms, { labelSelector: '!!' }), code: 400, reason: 'BadRequest', message: /^unable to parse requirement: / },
    { name: 'a field selector without an operator', req: get(cms, { fieldSelector: 'metadata.name' }), code: 400, reason: 'BadRequest', message: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" },
    { name: 'a field selector on an unsupported field', req: get(cms, { fieldSelector: 'data.k=v' }), code: 400, reason: 'BadRequest', message: /data\.k/ },
    { name: 'a bad selector on deletecollection', req: { method: 'DELETE', path: cms, query: { labelSelector: 'a in (' } }, code: 400, reason: 'BadRequest', message: /^unable to parse requirement: / },
    // Paging and resource versions.
    { name: 'limit=abc', req: get(cms, { limit: 'abc' }), code: 400, reason: 'BadRequest', message: /limit/ },
    { name: 'a garbage continue token', req: get(cms, { continue: 'garbage', limit: '1' }), code: 400, reason: 'BadRequest', message: /continue key is not valid/ },
    { name: 'resourceVersion=abc', req: get(cms, { resourceVersion: 'abc' }), code: 400, reason: 'BadRequest', message: /invalid resource version/ },
    { name: 'a resourceVersion from the future', req: get(cms, { resourceVersion: '999999' }), code: 504, reason: 'Timeout', message: /^Too large resource version: 999999, current: \d+$/ },
    { name: 'an Exact resourceVersion from the future', req: get(cms, { resourceVersion: '999999', resourceVersionMatch: 'Exact' }), code: 504, reason: 'Timeout', message: /^Too large resource version: 999999, current: \d+$/ },
    // Delete options.
    { name: 'gracePeriodSeconds=abc', req: { method: 'DELETE', path: `${cms}/b`, query: { gracePeriodSeconds: 'abc' } }, code: 400, reason: 'BadRequest', message: /gracePeriodSeconds/ },
    { name: 'a delete body that is not JSON', req: { method: 'DELETE', path: `${cms}/b`, body: '{', contentType: 'application/json' }, code: 400, reason: 'BadRequest' },
    { name: 'a uid precondition that fails', req: { method: 'DELETE', path: `${cms}/b`, body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'nope' } } }, code: 409, reason: 'Conflict', message: /^Operation cannot be fulfilled on configmaps "b": Precondition failed: UID in precondition: nope, UID in object meta: [0-9a-f-]+$/ },
    { name: 'a resourceVersion precondition that fails', req: { method: 'DELETE', path: `${cms}/b`, body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: '1' } } }, code: 409, reason: 'Conflict', message: /^Operation cannot be fulfilled on configmaps "b": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: \d+$/ },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.code} ${c.reason}`, async () => {
      expectStatus(await send(t.client.transport, c.req), c.code, c.reason, c.message);
    });
  }

  it('lists in a namespace that does not exist are empty, as upstream', async () => {
    const r = await send(t.client.transport, get('/api/v1/namespaces/nope/configmaps'));
    expect(r.status).toBe(200);
    expect((r.body as { items: unknown[] }).items).toEqual([]);
  });

  it('limit=0 means no limit', async () => {
    const r = await send(t.client.transport, get(cms, { limit: '0' }));
    expect(r.status).toBe(200);
    expect((r.body as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name)).toContain('b');
  });

  it('a watch from a garbage resourceVersion ends with a 400 ERROR event, not a hang', async () => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 3000);
    let text = '';
    try {
      for await (const c of t.client.transport.stream({ method: 'GET', path: cms, query: { watch: 'true', resourceVersion: 'abc', timeoutSeconds: '2' }, signal: ac.signal })) text += Buffer.from(c).toString('utf8');
    } finally { clearTimeout(timer); }
    const ev = JSON.parse(text.trim().split('\n')[0]!) as { type: string; object: { kind: string; code: number; reason: string } };
    expect(ev).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 400, reason: 'BadRequest' } });
  });

  it('none of the failures above touched the object', async () => {
    expect(await snapshot(t.client.transport, `${cms}/b`)).toBe(before);
  });
});
