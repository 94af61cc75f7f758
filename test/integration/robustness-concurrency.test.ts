// Racing writers, on the memory store and on SQLite (group commit): exactly one writer wins per
// resourceVersion, read-modify-write loops lose no update, a name is created and deleted once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/storage/backends/sqlite/index.js';
import type { RestResponse } from '../../src/client/transport.js';
import { startTestApi, type TestApi } from './harness.js';
import { send } from './robustness-helpers.js';

const cms = '/api/v1/namespaces/default/configmaps';
interface Cm { metadata: { name: string; resourceVersion: string; labels?: Record<string, string> }; data?: Record<string, string> }
const codes = (rs: RestResponse[]) => rs.map((r) => r.status).sort((a, b) => a - b);
const count = (rs: RestResponse[], code: number) => rs.filter((r) => r.status === code).length;

const backends: Array<[string, () => { store?: SqliteStore; cleanup: () => void }]> = [
  ['memory store', () => ({ cleanup: () => {} })],
  ['sqlite store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-robust-'));
    return { store: new SqliteStore({ path: join(dir, 'state.db'), compaction: false }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }],
];

for (const [backend, make] of backends) {
  describe(`racing writers (${backend})`, () => {
    let t: TestApi;
    let cleanup: () => void;
    beforeAll(async () => {
      const b = make();
      cleanup = b.cleanup;
      t = await startTestApi(b.store ? { store: b.store } : {});
    });
    afterAll(async () => { await t.stop(); cleanup(); });

    const create = (name: string, extra: Record<string, unknown> = {}) =>
      send(t.client.transport, { method: 'POST', path: cms, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra } });
    const read = async (name: string) => (await send(t.client.transport, { method: 'GET', path: `${cms}/${name}` })).body as Cm;

    it('50 updates from one resourceVersion: exactly one wins, the rest get 409, the winner is stored', async () => {
      const base = (await create('race-put', { data: { n: 'start' } })).body as Cm;
      const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => send(t.client.transport, {
        method: 'PUT', path: `${cms}/race-put`,
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'race-put', resourceVersion: base.metadata.resourceVersion }, data: { n: String(i) } },
      })));
      expect(count(rs, 200)).toBe(1);
      expect(count(rs, 409)).toBe(49);
      const winner = rs.find((r) => r.status === 200)!.body as Cm;
      expect(await read('race-put')).toMatchObject({ data: winner.data, metadata: { resourceVersion: winner.metadata.resourceVersion } });
    });

    it('50 patches pinned to one resourceVersion: exactly one wins', async () => {
      const base = (await create('race-patch', { data: { n: 'start' } })).body as Cm;
      const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => send(t.client.transport, {
        method: 'PATCH', path: `${cms}/race-patch`, contentType: 'application/merge-patch+json',
        body: JSON.stringify({ metadata: { resourceVersion: base.metadata.resourceVersion }, data: { n: `p${i}` } }),
      })));
      expect(count(rs, 200)).toBe(1);
      expect(count(rs, 409)).toBe(49);
    });

    it('30 read-modify-write loops that retry on 409 lose no increment', async () => {
      await create('counter', { data: { n: '0' } });
      const increment = async () => {
        for (let attempt = 0; attempt < 200; attempt++) {
          const cur = await read('counter');
          cur.data = { n: String(Number(cur.data?.n) + 1) };
          const r = await send(t.client.transport, { method: 'PUT', path: `${cms}/counter`, body: cur });
          if (r.status === 200) return;
          expect(r.status).toBe(409);
        }
        throw new Error('increment never landed');
      };
      await Promise.all(Array.from({ length: 30 }, increment));
      expect((await read('counter')).data?.n).toBe('30');
    });

    it('10 unpinned merge patches of different keys all land', async () => {
      await create('labels');
      const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => send(t.client.transport, {
        method: 'PATCH', path: `${cms}/labels`, contentType: 'application/merge-patch+json', body: JSON.stringify({ metadata: { labels: { [`l${i}`]: 'x' } } }),
      })));
      expect(codes(rs)).toEqual(Array(10).fill(200));
      expect(Object.keys((await read('labels')).metadata.labels ?? {}).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `l${i}`).sort());
    });

    it('20 creates of one name: one 201, the rest 409 AlreadyExists', async () => {
      const rs = await Promise.all(Array.from({ length: 20 }, () => create('once')));
      expect(count(rs, 201)).toBe(1);
      expect(rs.filter((r) => r.status === 409).every((r) => (r.body as { reason: string }).reason === 'AlreadyExists')).toBe(true);
      expect(count(rs, 409)).toBe(19);
    });

    it('20 deletes of one name: one 200, the rest 404', async () => {
      const rs = await Promise.all(Array.from({ length: 20 }, () => send(t.client.transport, { method: 'DELETE', path: `${cms}/once` })));
      expect(count(rs, 200)).toBe(1);
      expect(count(rs, 404)).toBe(19);
    });

    it('deletecollection with a selector while others write removes exactly the selected objects', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => create(`doomed-${i}`, { metadata: { name: `doomed-${i}`, labels: { doom: 'yes' } } })));
      const writes = Array.from({ length: 20 }, (_, i) => create(`kept-${i}`, { metadata: { name: `kept-${i}`, labels: { doom: 'no' } } }));
      const dc = send(t.client.transport, { method: 'DELETE', path: cms, query: { labelSelector: 'doom=yes' } });
      const [del, ...made] = await Promise.all([dc, ...writes]);
      expect(del!.status).toBe(200);
      expect(made.every((r) => r.status === 201)).toBe(true);
      const list = (await send(t.client.transport, { method: 'GET', path: cms, query: { labelSelector: 'doom' } })).body as { items: Cm[] };
      expect(list.items.map((i) => i.metadata.name).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `kept-${i}`).sort());
    });
  });
}
