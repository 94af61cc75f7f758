// The ingress controller against the in-process API server, with node http/ws servers on
// loopback as the endpoints of Services (EndpointSlices written directly, as the EndpointSlice
// controller would).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { TLSSocket as TlsSocket } from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { startTestApi, type TestApi } from '../../../test/integration/harness.js';
import { silentLogger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import { startIngressController, type IngressController } from './controller.js';
import { fallbackCertificate, selfSignedCertificate } from './certificates.js';

const ns = 'default';
let t: TestApi;
let ctl: IngressController;
let fastCtl: IngressController;
let nodeCtl: IngressController;
const servers: http.Server[] = [];
let wss: WebSocketServer;

function backend(name: string, host: string, port = 0): Promise<number> {
  const srv = http.createServer((req, res) => {
    if (req.url?.startsWith('/sse')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: first\n\n');
      setTimeout(() => res.end('data: last\n\n'), 300);
      return;
    }
    let received = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (received += c));
    req.on('end', () => {
      const body = JSON.stringify({ name, url: req.url, method: req.method, headers: req.headers, body: received });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  servers.push(srv);
  return new Promise((resolve) => srv.listen(port, host, () => resolve((srv.address() as AddressInfo).port)));
}

const create = (resource: { group: string; version: string; resource: string }, obj: KubeObject) =>
  t.client.resource({ ...resource, namespaced: true }).create(ns, obj);
const core = (resource: string) => ({ group: '', version: 'v1', resource });

async function service(name: string, endpoints: Array<{ ip: string; ready?: boolean }>, targetPort: number) {
  await create(core('services'), { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ name: 'web', port: 80, targetPort }] } });
  await create({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }, {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${name}-abc`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4', ports: [{ name: 'web', port: targetPort, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true } })),
  });
}

const route = (path: string, svc: string, pathType = 'Prefix', port: { number?: number; name?: string } = { number: 80 }) =>
  ({ path, pathType, backend: { service: { name: svc, port } } });

interface Got { status: number; body: string; headers: http.IncomingHttpHeaders; cert?: string }

function get(host: string, path: string, opts: { tls?: boolean; headers?: Record<string, string> } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const mod = opts.tls ? https : http;
    const req = mod.request({
      host: '127.0.0.1', port: opts.tls ? ctl.httpsPort : ctl.httpPort, path, headers: { Host: host, ...opts.headers },
      servername: opts.tls ? host : undefined, rejectUnauthorized: false, agent: false, timeout: 5000,
    }, (res) => {
      const cert = opts.tls ? (res.socket as TlsSocket).getPeerCertificate().subject?.CN : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, cert: typeof cert === 'string' ? cert : undefined }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  t = await startTestApi();
  const pA = await backend('a1', '127.0.0.1');
  await backend('a2', '127.0.0.2', pA);
  const pB = await backend('b', '127.0.0.1');
  const wsHttp = http.createServer();
  servers.push(wsHttp);
  wss = new WebSocketServer({ server: wsHttp });
  wss.on('connection', (sock, req) => sock.on('message', (m) => sock.send(`echo:${String(m)}:${req.headers['x-forwarded-proto']}`)));
  const pWs = await new Promise<number>((r) => wsHttp.listen(0, '127.0.0.1', () => r((wsHttp.address() as AddressInfo).port)));
  const dead = http.createServer();
  const pDead = await new Promise<number>((r) => dead.listen(0, '127.0.0.1', () => r((dead.address() as AddressInfo).port)));
  await new Promise((r) => dead.close(r));

  await service('svc-a', [{ ip: '127.0.0.1' }, { ip: '127.0.0.2' }], pA);
  await service('svc-b', [{ ip: '127.0.0.1' }], pB);
  await service('svc-none', [{ ip: '127.0.0.1', ready: false }], pB);
  await service('svc-dead', [{ ip: '127.0.0.1' }], pDead);
  await service('svc-ws', [{ ip: '127.0.0.1' }], pWs);

  // RSA, as most Secrets' certificates: it must win over the listener's default under TLS 1.3.
  const certA = fallbackCertificate('a.example.com', ['a.example.com']);
  const certB = selfSignedCertificate('*.wild.example.com');
  const tlsSecret = (name: string, pair: { cert: string; key: string }) => create(core('secrets'), {
    apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') },
  });
  await tlsSecret('cert-a', certA);
  await tlsSecret('cert-b', certB);

  const ingresses = { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' };
  await create(ingresses, {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'main' },
    spec: {
      tls: [{ hosts: ['a.example.com'], secretName: 'cert-a' }, { hosts: ['*.wild.example.com'], secretName: 'cert-b' }],
      rules: [
        { host: 'a.example.com', http: { paths: [route('/', 'svc-a'), route('/b', 'svc-b', 'Prefix', { name: 'web' }), route('/exact', 'svc-b', 'Exact')] } },
        { host: '*.wild.example.com', http: { paths: [route('/', 'svc-b')] } },
        { host: 'errors.example.com', http: { paths: [route('/none', 'svc-none'), route('/dead', 'svc-dead'), route('/missing', 'svc-missing')] } },
        { host: 'ws.example.com', http: { paths: [route('/', 'svc-ws')] } },
        { host: 'sse.example.com', http: { paths: [route('/', 'svc-a')] } },
      ],
    },
  });
  await t.client.resource({ group: 'networking.k8s.io', version: 'v1', resource: 'ingressclasses', namespaced: false }).create(undefined, {
    apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'internal' }, spec: { controller: 'kites.io/ingress' },
  });
  await create(ingresses, {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'internal-class' },
    spec: { ingressClassName: 'internal', rules: [{ host: 'internal.example.com', http: { paths: [route('/', 'svc-b')] } }] },
  });
  await create(ingresses, {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'other-class' },
    spec: { ingressClassName: 'nginx', rules: [{ host: 'nginx.example.com', http: { paths: [route('/', 'svc-a')] } }] },
  });
  // A raw endpoint answering with a close-delimited response (no length, no chunking).
  const raw = net.createServer((c) => { c.on('error', () => {}); c.once('data', () => c.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil-close')); });
  servers.push(raw as unknown as http.Server);
  const pRaw = await new Promise<number>((r) => raw.listen(0, '127.0.0.1', () => r((raw.address() as AddressInfo).port)));
  await service('svc-raw', [{ ip: '127.0.0.1' }], pRaw);
  await create(ingresses, {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'raw' },
    spec: { rules: [{ host: 'raw.example.com', http: { paths: [route('/', 'svc-raw')] } }] },
  });
  const base = { transport: t.api.inProcessTransport(), httpPort: 0, httpsPort: 0, bindAddress: '127.0.0.1', log: silentLogger, statusAddresses: ['192.0.2.10'] };
  fastCtl = await startIngressController(base);
  nodeCtl = await startIngressController({ ...base, fastPath: false });
  ctl = fastCtl;
}, 30_000);

afterAll(async () => {
  await fastCtl?.stop();
  await nodeCtl?.stop();
  wss?.close();
  for (const s of servers) { s.closeAllConnections?.(); s.close(); }
  await t?.stop();
});

/** Sends raw bytes to the plain listener; resolves with everything received until the connection closes. */
function rawExchange(bytes: string, opts: { endAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port: ctl.httpPort });
    let got = '';
    const timer = setTimeout(() => { c.destroy(); resolve(got); }, opts.endAfterMs ?? 3000);
    c.on('data', (d) => (got += d.toString('latin1')));
    c.on('close', () => { clearTimeout(timer); resolve(got); });
    c.on('error', reject);
    c.write(bytes);
  });
}

for (const mode of ['fast path', 'node:http path']) describe(`ingress controller (${mode})`, () => {
  beforeAll(() => { ctl = mode === 'fast path' ? fastCtl : nodeCtl; });

  it('creates the default IngressClass', async () => {
    const cls = await t.client.resource({ group: 'networking.k8s.io', version: 'v1', resource: 'ingressclasses', namespaced: false }).get(undefined, 'kites');
    expect(cls.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class']).toBe('true');
    expect((cls as { spec?: { controller?: string } }).spec?.controller).toBe('kites.io/ingress');
  });

  it('routes by host and path, round-robin over ready endpoints', async () => {
    const first = await eventually(() => get('a.example.com', '/x'), (r) => r.status === 200);
    expect(first.status).toBe(200);
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add(JSON.parse((await get('a.example.com', '/x')).body).name);
    expect([...names].sort()).toEqual(['a1', 'a2']);
    expect(JSON.parse((await get('a.example.com', '/b/c')).body).name).toBe('b');
    expect(JSON.parse((await get('a.example.com', '/exact')).body).name).toBe('b');
    expect(JSON.parse((await get('a.example.com', '/exact/more')).body).name).toMatch(/^a/);
    expect(JSON.parse((await get('x.wild.example.com', '/')).body).name).toBe('b');
    // Another IngressClass whose controller is kites.io/ingress is served too.
    expect(JSON.parse((await get('internal.example.com', '/')).body).name).toBe('b');
  });

  it('answers 404 for unknown hosts and other classes, 503 without ready endpoints, 502 when the upstream fails', async () => {
    expect((await get('unknown.example.com', '/')).status).toBe(404);
    expect((await get('a.b.wild.example.com', '/')).status).toBe(404);
    expect((await get('nginx.example.com', '/')).status).toBe(404);
    expect((await get('errors.example.com', '/elsewhere')).status).toBe(404);
    expect((await get('errors.example.com', '/none')).status).toBe(503);
    expect((await get('errors.example.com', '/missing')).status).toBe(503);
    expect((await get('errors.example.com', '/dead')).status).toBe(502);
  });

  it('sets X-Forwarded-* headers', async () => {
    const r = await get('a.example.com', '/h', { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    const h = JSON.parse(r.body).headers as Record<string, string>;
    expect(h['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-host']).toBe('a.example.com');
    expect(h['x-forwarded-port']).toBe(String(ctl.httpPort));
    expect(h['x-real-ip']).toBe('127.0.0.1');
    expect(h['host']).toBe('a.example.com');
  });

  it('terminates TLS with the certificate chosen by SNI', async () => {
    const a = await get('a.example.com', '/x', { tls: true });
    expect(a.status).toBe(200);
    expect(a.cert).toBe('a.example.com');
    expect(JSON.parse(a.body).headers['x-forwarded-proto']).toBe('https');
    const w = await get('z.wild.example.com', '/', { tls: true });
    expect(w.cert).toBe('*.wild.example.com');
    const u = await get('unknown.example.com', '/', { tls: true });
    expect(u.status).toBe(404);
    expect(u.cert).toBe('Kites Ingress Controller Fake Certificate');
  });

  it('passes WebSocket upgrades through', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${ctl.httpPort}/chat`, { headers: { Host: 'ws.example.com' } });
    const reply = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no echo')), 5000);
      ws.on('open', () => ws.send('hello'));
      ws.on('message', (m) => { clearTimeout(timer); resolve(String(m)); });
      ws.on('error', reject);
    });
    ws.close();
    expect(reply).toBe('echo:hello:http');
  });

  it('streams responses as they come (server-sent events)', async () => {
    const firstChunkAt = await new Promise<number>((resolve, reject) => {
      const start = Date.now();
      const req = http.request({ host: '127.0.0.1', port: ctl.httpPort, path: '/sse', headers: { Host: 'sse.example.com' }, agent: false }, (res) => {
        res.once('data', () => { resolve(Date.now() - start); res.destroy(); });
      });
      req.on('error', reject);
      req.end();
    });
    expect(firstChunkAt).toBeLessThan(250);
  });

  it('forwards request bodies, HEAD, pipelined requests and chunked uploads', async () => {
    const body = 'x'.repeat(100_000);
    const post = await rawExchange(`POST /up HTTP/1.1\r\nHost: a.example.com\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    expect(post).toMatch(/^HTTP\/1.1 200/);
    expect(JSON.parse(post.slice(post.indexOf('\r\n\r\n') + 4)).body.length).toBe(body.length);
    const two = await rawExchange('GET /one HTTP/1.1\r\nHost: a.example.com\r\n\r\nHEAD /two HTTP/1.1\r\nHost: a.example.com\r\n\r\nGET /three HTTP/1.1\r\nHost: a.example.com\r\nConnection: close\r\n\r\n');
    expect(two.match(/HTTP\/1.1 200/g)?.length).toBe(3);
    expect(two.indexOf('"/one"')).toBeLessThan(two.indexOf('"/three"'));
    expect(two).not.toContain('"/two"');
    const chunked = await rawExchange('POST /c HTTP/1.1\r\nHost: a.example.com\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
    expect(chunked).toMatch(/^HTTP\/1.1 200/);
    expect(chunked).toContain('"body":"abcde"');
  });

  it('answers a malformed request with 400 and passes close-delimited responses on', async () => {
    expect(await rawExchange('GET / HTTP/1.1\r\nHost : a.example.com\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    const r = await rawExchange('GET / HTTP/1.1\r\nHost: raw.example.com\r\nConnection: close\r\n\r\n');
    expect(r).toMatch(/^HTTP\/1.1 200/);
    expect(r).toContain('until-close');
  });

  it('writes status.loadBalancer on served Ingresses only', async () => {
    const ing = t.client.resource({ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true });
    type WithLb = { status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } } };
    const main = await eventually(() => ing.get(ns, 'main') as Promise<WithLb>, (o) => (o.status?.loadBalancer?.ingress?.length ?? 0) > 0);
    expect(main.status?.loadBalancer?.ingress).toEqual([{ ip: '192.0.2.10' }]);
    const other = (await ing.get(ns, 'other-class')) as WithLb;
    expect(other.status?.loadBalancer?.ingress ?? []).toEqual([]);
  });
});

describe('ingress controller start-up', () => {
  it('fails with the address when a port is taken, leaving nothing running', async () => {
    await expect(startIngressController({
      transport: t.api.inProcessTransport(), httpPort: fastCtl.httpPort, httpsPort: 0, bindAddress: '127.0.0.1', log: silentLogger,
    })).rejects.toThrow(/cannot listen on 127.0.0.1 \(http \d+/);
  });
});
