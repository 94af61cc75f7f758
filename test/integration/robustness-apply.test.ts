// Server-side apply under bad input: broken YAML, wrong types, other kinds, and a second
// manager taking a field it does not own — each refused as upstream refuses it, data unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { expectStatus, send, snapshot } from './robustness-helpers.js';

const cms = '/api/v1/namespaces/default/configmaps';
const apply = 'application/apply-patch+yaml';
const doc = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n${data}`;

describe('server-side apply under bad input', () => {
  let t: TestApi;
  let before: string;
  beforeAll(async () => {
    t = await startTestApi();
    const r = await send(t.client.transport, { method: 'PATCH', path: `${cms}/a`, query: { fieldManager: 'owner' }, contentType: apply, body: doc('data:\n  k: v\n') });
    expect(r.status).toBe(201);
    before = await snapshot(t.client.transport, `${cms}/a`);
  });
  afterAll(async () => { await t.stop(); });

  const patch = (manager: string | undefined, body: string) =>
    send(t.client.transport, { method: 'PATCH', path: `${cms}/a`, query: manager ? { fieldManager: manager } : {}, contentType: apply, body });

  it('another manager setting an owned field is 409 with the conflict named', async () => {
    const s = expectStatus(await patch('intruder', doc('data:\n  k: w\n')), 409, 'Conflict', 'Apply failed with 1 conflict: conflict with "owner": .data.k');
    expect(s.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "owner"', field: '.data.k' }]);
  });

  it('broken YAML is 400', async () => {
    expectStatus(await patch('owner', 'a: [b'), 400, 'BadRequest');
  });

  it('a wrongly typed field is 422 naming it', async () => {
    expectStatus(await patch('owner', doc('data: [1]\n')), 422, 'Invalid', /json: cannot unmarshal array into Go struct field ConfigMap.data of type map\[string\]string$/);
  });

  it('a document of another kind is 400', async () => {
    expectStatus(await patch('owner', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n'), 400, 'BadRequest', /Kind=Secret/);
  });

  it('none of these changed the object', async () => {
    expect(await snapshot(t.client.transport, `${cms}/a`)).toBe(before);
  });

  it('force=true takes the field over', async () => {
    const r = await send(t.client.transport, { method: 'PATCH', path: `${cms}/a`, query: { fieldManager: 'intruder', force: 'true' }, contentType: apply, body: doc('data:\n  k: w\n') });
    expect(r.status).toBe(200);
    expect((r.body as { data: Record<string, string> }).data).toEqual({ k: 'w' });
  });
});
