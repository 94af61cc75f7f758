// Every stored built-in resource through every verb it lists, with upstream's semantics: create,
// get, list, watch, update, the three patch types, the status and scale subresources, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinResources } from '../../src/api/resources/catalog.js';
import type { ResourceInfo } from '../../src/api/resources/types.js';
import type { RestRequest, RestResponse } from '../../src/client/transport.js';
import { resourcePath } from '../../src/client/paths.js';
import { startTestApi, type TestApi } from './harness.js';
import { minimalObjects } from './robustness-builtins-fixtures.js';

interface Meta { name: string; namespace?: string; resourceVersion: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string }
interface Obj { apiVersion: string; kind: string; metadata: Meta; spec?: Record<string, unknown> }

const stored = builtinResources.filter((r) => !r.virtual && r.verbs.includes('create') && r.verbs.includes('get'));
const apiVersion = (r: ResourceInfo) => (r.group ? `${r.group}/${r.version}` : r.version);
const ns = (r: ResourceInfo) => (r.namespaced ? 'default' : undefined);

describe('every built-in resource serves every verb it lists', () => {
  let t: TestApi;
  beforeAll(async () => { t = await startTestApi(); });
  afterAll(async () => { await t.stop(); });

  const send = (req: RestRequest): Promise<RestResponse> => t.client.transport.request(req);
  const ok = (r: RestResponse, label: string, codes = [200]) => {
    expect(codes, `${label}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`).toContain(r.status);
    return r.body as Obj;
  };

  it('has a fixture for each of them', () => {
    expect(stored.map((r) => `${r.group}/${r.resource}`).filter((k) => !minimalObjects[k])).toEqual([]);
  });

  for (const info of stored) {
    it(`${apiVersion(info)} ${info.resource}`, async () => {
      const fx = minimalObjects[`${info.group}/${info.resource}`]!;
      const name = fx.name ?? `robust-${info.resource.slice(0, 20)}`;
      const coll = resourcePath(info, ns(info));
      const item = resourcePath(info, ns(info), name);
      const label = `${info.resource}`;

      const before = ok(await send({ method: 'GET', path: coll }), `${label} list`) as unknown as { metadata: { resourceVersion: string } };
      const created = ok(await send({ method: 'POST', path: coll, body: { apiVersion: apiVersion(info), kind: info.kind, metadata: { name }, ...fx.body } }), `${label} create`, [201]);
      expect(created.kind).toBe(info.kind);
      expect(created.apiVersion).toBe(apiVersion(info));
      expect(created.metadata.uid).toBeTruthy();

      const got = ok(await send({ method: 'GET', path: item }), `${label} get`);
      expect(got.metadata.uid).toBe(created.metadata.uid);

      const list = ok(await send({ method: 'GET', path: coll, query: { fieldSelector: `metadata.name=${name}` } }), `${label} list`) as unknown as { kind: string; items: Obj[] };
      expect(list.kind).toBe(info.listKind ?? `${info.kind}List`);
      expect(list.items.map((i) => i.metadata.name)).toEqual([name]);

      // A watch from before the create replays it as ADDED.
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 3000);
      let first = '';
      try {
        for await (const chunk of t.client.transport.stream({ method: 'GET', path: coll, query: { watch: 'true', resourceVersion: before.metadata.resourceVersion, timeoutSeconds: '2' }, signal: ac.signal })) {
          first += Buffer.from(chunk).toString('utf8');
          if (first.includes('\n')) break;
        }
      } finally { clearTimeout(timer); ac.abort(); }
      const event = JSON.parse(first.split('\n')[0]!) as { type: string; object: Obj };
      expect(event.type).toBe('ADDED');
      expect(event.object.metadata.name).toBe(name);

      // Controllers (the CRD establisher) may write in between: a 409 is retried on a fresh read.
      let put: Obj = got;
      let res: RestResponse | undefined;
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = attempt === 0 ? got : ok(await send({ method: 'GET', path: item }), `${label} get`);
        put = { ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, put: 'yes' } } };
        res = await send({ method: 'PUT', path: item, body: put });
        if (res.status !== 409) break;
      }
      const updated = ok(res!, `${label} update`);
      expect(updated.metadata.labels?.put).toBe('yes');
      expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(put.metadata.resourceVersion));
      // The old resourceVersion no longer applies.
      const stale = await send({ method: 'PUT', path: item, body: put });
      expect(stale.status).toBe(409);
      expect((stale.body as { reason: string }).reason).toBe('Conflict');

      const merged = ok(await send({ method: 'PATCH', path: item, contentType: 'application/merge-patch+json', body: JSON.stringify({ metadata: { labels: { merge: 'yes' } } }) }), `${label} merge patch`);
      expect(merged.metadata.labels).toMatchObject({ put: 'yes', merge: 'yes' });
      const jsonPatched = ok(await send({ method: 'PATCH', path: item, contentType: 'application/json-patch+json', body: JSON.stringify([{ op: 'add', path: '/metadata/annotations', value: { json: 'yes' } }]) }), `${label} json patch`);
      expect(jsonPatched.metadata.annotations?.json).toBe('yes');
      const strategic = ok(await send({ method: 'PATCH', path: item, contentType: 'application/strategic-merge-patch+json', body: JSON.stringify({ metadata: { labels: { smp: 'yes' } } }) }), `${label} strategic patch`);
      expect(strategic.metadata.labels).toMatchObject({ put: 'yes', merge: 'yes', smp: 'yes' });

      if (info.subresources?.some((s) => s.name === 'status')) {
        const status = ok(await send({ method: 'GET', path: `${item}/status` }), `${label} get status`);
        expect(status.metadata.name).toBe(name);
        // A status write leaves labels (and spec) alone, as upstream's status strategies do.
        const st = ok(await send({ method: 'PATCH', path: `${item}/status`, contentType: 'application/merge-patch+json', body: JSON.stringify({ metadata: { labels: { status: 'ignored' } } }) }), `${label} patch status`);
        expect(st.metadata.labels?.status).toBeUndefined();
      }
      if (info.subresources?.some((s) => s.name === 'scale')) {
        const scale = ok(await send({ method: 'GET', path: `${item}/scale` }), `${label} get scale`) as unknown as { kind: string; spec: { replicas: number }; metadata: Meta };
        expect(scale.kind).toBe('Scale');
        const scaled = ok(await send({ method: 'PUT', path: `${item}/scale`, body: { ...scale, spec: { replicas: 3 } } }), `${label} put scale`) as unknown as { spec: { replicas: number } };
        expect(scaled.spec.replicas).toBe(3);
        const after = ok(await send({ method: 'GET', path: item }), `${label} get after scale`) as unknown as { spec: { replicas: number } };
        expect(after.spec.replicas).toBe(3);
      }

      ok(await send({ method: 'DELETE', path: item }), `${label} delete`, [200, 202]);
      const gone = await send({ method: 'GET', path: item });
      // Namespaces (and objects with finalizers) linger as terminating; everything else is gone.
      if (gone.status === 200) expect((gone.body as Obj).metadata.deletionTimestamp).toBeTruthy();
      else expect(gone.status).toBe(404);
    });
  }
});
