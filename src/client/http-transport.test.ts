import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { HttpTransport } from './http-transport.js';
import { fromKubeconfig, loadKubeconfig } from './kubeconfig.js';
import { RestClient } from './rest-client.js';
import { hasOpenssl, makeTestPki, type TestPki } from './testing/test-certs.js';

const cms = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const json = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    const cn = (req.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN;
    if (url.pathname === '/echo') {
      return json(200, { method: req.method, query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'] ?? null, auth: req.headers.authorization ?? null, body, cn: cn ?? null });
    }
    if (url.pathname === '/api/v1/namespaces/default/configmaps/missing') {
      return json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "missing" not found', reason: 'NotFound', details: { name: 'missing', kind: 'configmaps' }, code: 404 });
    }
    if (url.pathname === '/api/v1/namespaces/default/configmaps' && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      const ev = (n: number) => JSON.stringify({ type: 'ADDED', object: { metadata: { name: `c${n}`, resourceVersion: String(n) } } }) + '\n';
      const text = ev(1) + ev(2) + ev(3);
      res.write(text.slice(0, 10));
      setTimeout(() => res.write(text.slice(10)), 20);
      return; // stays open until the client goes away
    }
    if (url.pathname === '/api/v1/namespaces/default/configmaps/x') {
      return json(200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default', resourceVersion: '7' } });
    }
    if (url.pathname === '/hang') return; // never answers
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found\n');
  });
}

describe('HttpTransport over http', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('gets objects, decodes Status errors and plain-text errors', async () => {
    const t = new HttpTransport({ server: base, token: 'abc' });
    const c = new RestClient(t).resource(cms);
    expect((await c.get('default', 'x')).metadata.resourceVersion).toBe('7');
    await expect(c.get('default', 'missing')).rejects.toMatchObject({ code: 404, reason: 'NotFound', message: 'configmaps "missing" not found' });
    await expect(c.get('other', 'y')).rejects.toMatchObject({ code: 404, reason: 'NotFound', message: '404 page not found' });
    t.close();
  });

  it('sends bearer tokens, query strings, JSON and patch bodies', async () => {
    const t = new HttpTransport({ server: base, token: () => 'rotating' });
    const res = await t.request({ method: 'PATCH', path: '/echo', query: { dryRun: 'All', skip: undefined }, body: { a: 1 }, contentType: 'application/merge-patch+json' });
    expect(res.body).toEqual({ method: 'PATCH', query: { dryRun: 'All' }, contentType: 'application/merge-patch+json', auth: 'Bearer rotating', body: '{"a":1}', cn: null });
    const post = await t.request({ method: 'POST', path: '/echo', body: { b: 2 } });
    expect(post.body).toMatchObject({ contentType: 'application/json', body: '{"b":2}' });
    t.close();
  });

  it('streams a watch split across chunks and stops on abort', async () => {
    const t = new HttpTransport({ server: base });
    const ac = new AbortController();
    const names: string[] = [];
    for await (const ev of new RestClient(t).resource(cms).watch('default', { signal: ac.signal })) {
      names.push(ev.object.metadata.name);
      if (names.length === 3) ac.abort();
    }
    expect(names).toEqual(['c1', 'c2', 'c3']);
    t.close();
  });

  it('times out a request that gets no answer', async () => {
    const t = new HttpTransport({ server: base, timeoutMs: 100 });
    await expect(t.request({ method: 'GET', path: '/hang' })).rejects.toThrow(/timed out/);
    t.close();
  });

  it('aborts an in-flight request', async () => {
    const t = new HttpTransport({ server: base });
    const ac = new AbortController();
    const p = t.request({ method: 'GET', path: '/hang', signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toThrow(/abort/i);
    t.close();
  });
});

describe.skipIf(!hasOpenssl())('HttpTransport over https with client certificates, from a kubeconfig', () => {
  let pki: TestPki;
  let dir: string;
  let server: https.Server;
  let port: number;
  beforeAll(async () => {
    pki = makeTestPki();
    dir = pki.dir;
    const read = (f: string) => readFileSync(join(dir, f));
    server = https.createServer({ key: read('server.key'), cert: read('server.crt'), ca: read('ca.crt'), requestCert: true, rejectUnauthorized: false }, handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server.close(r));
    pki.cleanup();
  });

  it('uses inline *-data certificates', async () => {
    const b64 = (f: string) => readFileSync(join(dir, f)).toString('base64');
    const t = fromKubeconfig({
      'current-context': 'kites',
      clusters: [{ name: 'kites', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': b64('ca.crt') } }],
      users: [{ name: 'admin', user: { 'client-certificate-data': b64('client.crt'), 'client-key-data': b64('client.key') } }],
      contexts: [{ name: 'kites', context: { cluster: 'kites', user: 'admin', namespace: 'apps' } }],
    });
    const res = await t.request({ method: 'GET', path: '/echo' });
    expect(res.body).toMatchObject({ cn: 'kubernetes-admin' });
    t.close();
  });

  it('reads file paths relative to the kubeconfig and the context namespace', async () => {
    const path = join(dir, 'config');
    writeFileSync(path, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'other',
      clusters: [{ name: 'kites', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority': 'ca.crt' } }],
      users: [{ name: 'admin', user: { 'client-certificate': join(dir, 'client.crt'), 'client-key': 'client.key' } }, { name: 'tok', user: { token: 't0k' } }],
      contexts: [{ name: 'kites', context: { cluster: 'kites', user: 'admin', namespace: 'apps' } }, { name: 'other', context: { cluster: 'kites', user: 'tok' } }],
    }));
    expect(loadKubeconfig(path, { context: 'kites' }).namespace).toBe('apps');
    expect(loadKubeconfig(path).namespace).toBe('default');
    const t = fromKubeconfig(path, { context: 'kites' });
    expect((await t.request({ method: 'GET', path: '/echo' })).body).toMatchObject({ cn: 'kubernetes-admin', auth: null });
    t.close();
    const t2 = fromKubeconfig(path);
    expect((await t2.request({ method: 'GET', path: '/echo' })).body).toMatchObject({ cn: null, auth: 'Bearer t0k' });
    t2.close();
  });

  it('refuses a server whose certificate the CA did not sign', async () => {
    const t = new HttpTransport({ server: `https://127.0.0.1:${port}` });
    await expect(t.request({ method: 'GET', path: '/echo' })).rejects.toThrow(/certificate/i);
    t.close();
  });
});
