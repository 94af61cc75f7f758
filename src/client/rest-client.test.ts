import { describe, it, expect } from 'vitest';
import { StatusError } from '../api/errors.js';
import type { RestRequest, RestResponse, RestTransport } from './transport.js';
import { RestClient } from './rest-client.js';
import { resourcePath } from './paths.js';
import { decodeWatchEvents } from './watch-decoder.js';
import { FakeApi } from './testing/fake-api.js';
import { FakeClock } from './testing/fake-clock.js';

const pods = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const nodes = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };

class RecordingTransport implements RestTransport {
  last?: RestRequest;
  constructor(private answer: RestResponse) {}
  async request(req: RestRequest): Promise<RestResponse> {
    this.last = req;
    return this.answer;
  }
  async *stream(): AsyncIterable<Uint8Array> {}
}

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  const enc = new TextEncoder();
  for (const p of parts) yield enc.encode(p);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('paths', () => {
  it('builds core, group, namespaced and cluster paths', () => {
    expect(resourcePath(pods, 'default')).toBe('/api/v1/namespaces/default/pods');
    expect(resourcePath(pods)).toBe('/api/v1/pods');
    expect(resourcePath(pods, 'ns', 'p', 'eviction')).toBe('/api/v1/namespaces/ns/pods/p/eviction');
    expect(resourcePath(nodes, 'ignored', 'n1')).toBe('/api/v1/nodes/n1');
    expect(resourcePath({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false }, undefined, 'system:node a'))
      .toBe('/apis/rbac.authorization.k8s.io/v1/clusterroles/system:node%20a');
    expect(resourcePath(deployments, 'kube-system', 'x', 'scale')).toBe('/apis/apps/v1/namespaces/kube-system/deployments/x/scale');
  });
});

describe('watch decoder', () => {
  it('handles events split across chunks and several events in one chunk', async () => {
    const a = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } });
    const b = JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'b' } } });
    const c = JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'c' } } });
    const all = `${a}\n${b}\n${c}`; // no trailing newline on the last one
    const evs = await collect(decodeWatchEvents(chunks(all.slice(0, 7), all.slice(7, a.length + 10), all.slice(a.length + 10))));
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('handles multi-byte characters split between chunks', async () => {
    const line = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'ü' } } }) + '\n';
    const bytes = new TextEncoder().encode(line);
    const i = bytes.indexOf(0xc3) + 1;
    async function* raw() { yield bytes.slice(0, i); yield bytes.slice(i); }
    const evs = await collect(decodeWatchEvents<{ metadata: { name: string } }>(raw()));
    expect(evs[0]!.object.metadata.name).toBe('ü');
  });

  it('throws a bare Status body (a refused watch) as a StatusError', async () => {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 };
    await expect(collect(decodeWatchEvents(chunks(JSON.stringify(status))))).rejects.toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('rejects garbage', async () => {
    await expect(collect(decodeWatchEvents(chunks('not json\n')))).rejects.toThrow(/unable to decode watch event/);
  });
});

describe('RestClient', () => {
  it('turns a Status body into a StatusError with code, reason, message, details', async () => {
    const t = new RecordingTransport({
      status: 404, headers: {},
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404 },
    });
    const err = await new RestClient(t).resource(pods).get('default', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(err).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "x" not found', details: { name: 'x' } });
    expect(t.last).toMatchObject({ method: 'GET', path: '/api/v1/namespaces/default/pods/x' });
  });

  it('synthesises a StatusError for a non-Status error body', async () => {
    const t = new RecordingTransport({ status: 503, headers: {}, body: 'upstream down\n' });
    await expect(new RestClient(t).resource(nodes).list()).rejects.toMatchObject({ code: 503, reason: 'ServiceUnavailable', message: 'upstream down' });
  });

  it('sends queries, patch content types, dry run and field manager', async () => {
    const t = new RecordingTransport({ status: 200, headers: {}, body: {} });
    const c = new RestClient(t, { fieldManager: 'kites-controller' }).resource(deployments);
    await c.list('ns', { labelSelector: 'app=x', limit: 10 });
    expect(t.last!.query).toEqual({ labelSelector: 'app=x', limit: '10' });
    await c.patch('ns', 'd', 'merge', { spec: { replicas: 2 } }, { subresource: 'scale', dryRun: true });
    expect(t.last).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/ns/deployments/d/scale', contentType: 'application/merge-patch+json', query: { dryRun: 'All', fieldManager: 'kites-controller' } });
    await c.patch('ns', 'd', 'apply', { spec: {} }, { fieldManager: 'me', force: true });
    expect(t.last).toMatchObject({ contentType: 'application/apply-patch+yaml', query: { fieldManager: 'me', force: 'true' }, body: '{"spec":{}}' });
    await c.delete('ns', 'd', { propagationPolicy: 'Foreground' });
    expect(t.last).toMatchObject({ method: 'DELETE', body: { kind: 'DeleteOptions', propagationPolicy: 'Foreground' } });
    await c.createSubresource('ns', 'd', 'eviction', { kind: 'Eviction' });
    expect(t.last).toMatchObject({ method: 'POST', path: '/apis/apps/v1/namespaces/ns/deployments/d/eviction' });
  });

  it('retries requests turned away with Retry-After, as client-go does', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const t: RestTransport = {
      request: async (): Promise<RestResponse> => {
        calls++;
        if (calls === 1) return { status: 429, headers: { 'retry-after': '2' }, body: { kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' } };
        if (calls === 2) return { status: 503, headers: { 'retry-after': '1' }, body: 'busy' };
        return { status: 201, headers: {}, body: { metadata: { name: 'ok' } } };
      },
      stream: async function* () {},
    };
    const c = new RestClient(t, { clock }).resource(pods);
    let done = false;
    const p = c.create('default', { metadata: { name: 'ok' } }).then((o) => { done = true; return o; });
    await clock.advance(1999);
    expect(done).toBe(false);
    await clock.advance(1001); // 2 s, then 1 s more for the 503
    expect(done).toBe(true);
    expect((await p).metadata.name).toBe('ok');
    expect(calls).toBe(3);

    const plain: RestTransport = { request: async () => ({ status: 429, headers: {}, body: 'no hint' }), stream: async function* () {} };
    await expect(new RestClient(plain, { clock }).resource(pods).get('a', 'b')).rejects.toMatchObject({ code: 429, reason: 'TooManyRequests' });
    const capped: RestTransport = { request: async () => ({ status: 429, headers: { 'retry-after': '1' }, body: '' }), stream: async function* () {} };
    const q = new RestClient(capped, { clock, maxRetries: 2 }).resource(pods).get('a', 'b');
    const rejected = expect(q).rejects.toMatchObject({ code: 429 });
    await clock.advance(3000);
    await rejected;
  });

  it('does CRUD, conflicts and watches against the fake API', async () => {
    const api = new FakeApi({ splitChunks: true });
    const cms = new RestClient(api).resource({ group: '', version: 'v1', resource: 'configmaps', namespaced: true });
    const created = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { app: 'x' } }, data: { k: 'v' } } as never);
    expect(created.metadata.resourceVersion).toBe('1');
    await expect(cms.create('default', { metadata: { name: 'a' } } as never)).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists' });
    const updated = await cms.update('default', { ...created, data: { k: 'w' } });
    expect(updated.metadata.resourceVersion).toBe('2');
    await expect(cms.update('default', { ...created, data: { k: 'z' } })).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
    const patched = await cms.patch('default', 'a', 'merge', { data: { k: null, j: '1' } });
    expect(patched.data).toEqual({ j: '1' });
    const list = await cms.list('default', { labelSelector: 'app=x' });
    expect(list.items).toHaveLength(1);
    expect(list.metadata.resourceVersion).toBe('3');

    const ac = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const ev of cms.watch('default', { resourceVersion: '1', signal: ac.signal })) {
        seen.push(`${ev.type}:${ev.object.metadata.resourceVersion}`);
        if (seen.length === 3) ac.abort();
      }
    })();
    await cms.delete('default', 'a');
    await watching;
    expect(seen).toEqual(['MODIFIED:2', 'MODIFIED:3', 'DELETED:4']);
    expect(api.watchCount).toBe(0);
  });

  it('follows continue tokens in listAll', async () => {
    const api = new FakeApi();
    const cms = new RestClient(api).resource({ group: '', version: 'v1', resource: 'configmaps', namespaced: true });
    for (let i = 0; i < 5; i++) await cms.create('ns', { metadata: { name: `c${i}` } } as never);
    const first = await cms.list('ns', { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata.continue).toBeTruthy();
    const all = await cms.listAll('ns', { limit: 2 });
    expect(all.items.map((o) => o.metadata.name)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });
});
