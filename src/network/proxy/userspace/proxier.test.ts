// The userspace mode on loopback: 127.0.0.x addresses stand in for ClusterIPs (clusterIPs: 'bind'),
// node http/udp servers are the endpoints, states come from the shared proxy model.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import dgram from 'node:dgram';
import { silentLogger } from '../../../api/log.js';
import type { EndpointSliceObject, EndpointSpec, ServiceObject, ServiceSpec } from '../api-objects.js';
import { buildProxyState } from '../model.js';
import { UserspaceProxier } from './proxier.js';

const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: 'default', labels, uid: name, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' });
const service = (name: string, spec: ServiceSpec): ServiceObject => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec });
const slice = (svc: string, endpoints: EndpointSpec[], port: number, protocol = 'TCP'): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta(`${svc}-${port}`, { 'kubernetes.io/service-name': svc }),
  addressType: 'IPv4', endpoints, ports: [{ name: 'p', port, protocol }],
});
const ep = (ip: string, ready = true): EndpointSpec => ({ addresses: [ip], conditions: { ready } });
const state = (services: ServiceObject[], slices: EndpointSliceObject[]) => buildProxyState(services, slices, 'node-1');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, host, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP server answering each connection with its name. */
async function tcpBackend(name: string, host: string, port = 0): Promise<number> {
  const s = net.createServer((c) => { c.on('error', () => {}); c.end(name); });
  await new Promise<void>((r) => s.listen(port, host, () => r()));
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return (s.address() as net.AddressInfo).port;
}

/** Connects and reads until close; '' when the proxy closed without data. */
function fetchName(host: string, port: number, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host, port, localAddress });
    let data = '';
    const timer = setTimeout(() => { c.destroy(); reject(new Error('timeout')); }, 3000);
    c.on('data', (d) => (data += d));
    c.on('close', () => { clearTimeout(timer); resolve(data); });
    c.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

function proxier(extra: Partial<ConstructorParameters<typeof UserspaceProxier>[0]> = {}): UserspaceProxier {
  const p = new UserspaceProxier({ nodeIPs: ['127.0.0.3'], log: silentLogger, clusterIPs: 'bind', dialTimeoutsMs: [200, 200, 200, 200], ...extra });
  cleanups.push(() => p.stop());
  return p;
}

const tcpService = (name: string, vip: string, port: number, extra: Partial<ServiceSpec> = {}) =>
  service(name, { type: 'ClusterIP', clusterIP: vip, clusterIPs: [vip], ports: [{ name: 'p', port, protocol: 'TCP' }], ...extra });

describe('userspace proxier (TCP)', () => {
  it('round-robins ClusterIP connections over ready endpoints and serves node ports', async () => {
    const bp = await tcpBackend('one', '127.0.0.1');
    await tcpBackend('two', '127.0.0.2', bp);
    const port = await freePort('127.0.0.10');
    const nodePort = await freePort('127.0.0.3');
    const p = proxier();
    await p.sync(state([tcpService('web', '127.0.0.10', port, { type: 'NodePort', ports: [{ name: 'p', port, nodePort, protocol: 'TCP' }] })],
      [slice('web', [ep('127.0.0.1'), ep('127.0.0.2'), ep('127.0.0.9', false)], bp)]));
    expect(p.listening()).toEqual([`TCP 127.0.0.1:${nodePort}`, `TCP 127.0.0.10:${port}`, `TCP 127.0.0.3:${nodePort}`].sort());
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await fetchName('127.0.0.10', port));
    expect(got.sort()).toEqual(['one', 'one', 'two', 'two']);
    expect(['one', 'two']).toContain(await fetchName('127.0.0.3', nodePort));
    expect(['one', 'two']).toContain(await fetchName('127.0.0.1', nodePort));
  });

  it('retries the next endpoint when a connect fails', async () => {
    const bp = await tcpBackend('alive', '127.0.0.1');
    const port = await freePort('127.0.0.11');
    const p = proxier();
    // 127.0.0.4:bp has no listener: connection refused.
    await p.sync(state([tcpService('web', '127.0.0.11', port)], [slice('web', [ep('127.0.0.1'), ep('127.0.0.4')], bp)]));
    for (let i = 0; i < 4; i++) expect(await fetchName('127.0.0.11', port)).toBe('alive');
  });

  it('refuses connections at once when there is no endpoint, and stops listening for removed ports', async () => {
    const bp = await tcpBackend('one', '127.0.0.1');
    const port = await freePort('127.0.0.12');
    const p = proxier();
    await p.sync(state([tcpService('web', '127.0.0.12', port)], []));
    await expect(fetchName('127.0.0.12', port)).rejects.toThrow(/ECONNREFUSED/);
    await p.sync(state([tcpService('web', '127.0.0.12', port)], [slice('web', [ep('127.0.0.1')], bp)]));
    expect(await fetchName('127.0.0.12', port)).toBe('one');
    await p.sync(state([], []));
    expect(p.listening()).toEqual([]);
    await expect(fetchName('127.0.0.12', port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps a client on one endpoint with ClientIP affinity until the timeout', async () => {
    const bp = await tcpBackend('one', '127.0.0.1');
    await tcpBackend('two', '127.0.0.2', bp);
    const port = await freePort('127.0.0.13');
    let now = 1_000_000;
    const p = proxier({ clock: { now: () => now } });
    const svc = tcpService('web', '127.0.0.13', port, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } });
    await p.sync(state([svc], [slice('web', [ep('127.0.0.1'), ep('127.0.0.2')], bp)]));
    const first = await fetchName('127.0.0.13', port, '127.0.0.50');
    for (let i = 0; i < 3; i++) expect(await fetchName('127.0.0.13', port, '127.0.0.50')).toBe(first);
    // Another client gets the other endpoint (round-robin continues).
    expect(await fetchName('127.0.0.13', port, '127.0.0.51')).not.toBe(first);
    now += 61_000;
    // Expired: a new client takes the next endpoint in turn (`first`), and .50 is placed anew.
    expect(await fetchName('127.0.0.13', port, '127.0.0.52')).toBe(first);
    expect(await fetchName('127.0.0.13', port, '127.0.0.50')).not.toBe(first);
  });

  it('closes open connections to an endpoint that is removed', async () => {
    const hold = net.createServer((c) => { c.on('error', () => {}); c.write('hi'); });
    await new Promise<void>((r) => hold.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => { hold.close(); });
    const bp = (hold.address() as net.AddressInfo).port;
    const port = await freePort('127.0.0.14');
    const p = proxier();
    const svc = tcpService('web', '127.0.0.14', port);
    await p.sync(state([svc], [slice('web', [ep('127.0.0.1')], bp)]));
    const c = net.connect({ host: '127.0.0.14', port });
    c.on('error', () => {});
    await new Promise((r) => c.once('data', r));
    const closed = new Promise((r) => c.once('close', r));
    await p.sync(state([svc], []));
    await closed;
    expect(c.destroyed).toBe(true);
  });

  it('lets connections to a terminating endpoint finish while new ones are refused', async () => {
    const hold = net.createServer((c) => { c.on('error', () => {}); c.write('hi'); c.on('data', (d) => c.write(d)); });
    await new Promise<void>((r) => hold.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => { hold.close(); });
    const bp = (hold.address() as net.AddressInfo).port;
    const port = await freePort('127.0.0.17');
    const p = proxier();
    const svc = tcpService('web', '127.0.0.17', port);
    await p.sync(state([svc], [slice('web', [ep('127.0.0.1')], bp)]));
    const c = net.connect({ host: '127.0.0.17', port });
    cleanups.push(() => { c.destroy(); });
    c.on('error', () => {});
    await new Promise((r) => c.once('data', r));
    await p.sync(state([svc], [slice('web', [{ addresses: ['127.0.0.1'], conditions: { ready: false, serving: false, terminating: true } }], bp)]));
    await expect(fetchName('127.0.0.17', port)).rejects.toThrow(/ECONNREFUSED/);
    c.write('still');
    const echoed = await new Promise<string>((r) => c.once('data', (d) => r(String(d))));
    expect(echoed).toBe('still');
  });

  it('does not listen on a ClusterIP whose only endpoint is itself (a server bound on its service address)', async () => {
    const port = await freePort('127.0.0.15');
    await tcpBackend('dns', '127.0.0.15', port);
    const p = proxier();
    await p.sync(state([tcpService('dns', '127.0.0.15', port)], [slice('dns', [ep('127.0.0.15')], port)]));
    expect(p.listening()).toEqual([]);
    expect(await fetchName('127.0.0.15', port)).toBe('dns');
  });
});

describe('userspace proxier (UDP)', () => {
  async function udpBackend(name: string, host: string, port = 0): Promise<number> {
    const s = dgram.createSocket('udp4');
    s.on('message', (m, r) => s.send(`${name}:${String(m)}`, r.port, r.address));
    await new Promise<void>((r) => s.bind(port, host, () => r()));
    cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
    return s.address().port;
  }

  function client(): { ask(host: string, port: number, msg: string): Promise<string>; close(): void } {
    const s = dgram.createSocket('udp4');
    cleanups.push(() => { try { s.close(); } catch { /* closed */ } });
    return {
      ask: (host, port, msg) => new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no UDP reply')), 2000);
        s.once('message', (m) => { clearTimeout(timer); resolve(String(m)); });
        s.send(msg, port, host);
      }),
      close: () => s.close(),
    };
  }

  it('keeps a session per client address, round-robins new sessions, and ends idle ones', async () => {
    const bp = await udpBackend('one', '127.0.0.1');
    await udpBackend('two', '127.0.0.2', bp);
    const port = 30000 + Math.floor(Math.random() * 20000);
    const p = proxier({ udpIdleTimeoutMs: 200 });
    const svc = service('dns', { type: 'ClusterIP', clusterIP: '127.0.0.16', clusterIPs: ['127.0.0.16'], ports: [{ name: 'p', port, protocol: 'UDP' }] });
    await p.sync(state([svc], [slice('dns', [ep('127.0.0.1'), ep('127.0.0.2')], bp, 'UDP')]));
    expect(p.listening()).toEqual([`UDP 127.0.0.16:${port}`]);
    const a = client();
    const b = client();
    const ra1 = await a.ask('127.0.0.16', port, 'x');
    const ra2 = await a.ask('127.0.0.16', port, 'y');
    expect(ra1.split(':')[0]).toBe(ra2.split(':')[0]);
    expect(ra2.endsWith(':y')).toBe(true);
    const rb = await b.ask('127.0.0.16', port, 'z');
    expect(rb.split(':')[0]).not.toBe(ra1.split(':')[0]);
    await new Promise((r) => setTimeout(r, 350));
    // The idle session ended: a new client takes a's old endpoint in turn, and a's next datagram
    // starts a new session on the other one.
    const c = client();
    expect((await c.ask('127.0.0.16', port, 'v')).split(':')[0]).toBe(ra1.split(':')[0]);
    expect((await a.ask('127.0.0.16', port, 'w')).split(':')[0]).not.toBe(ra1.split(':')[0]);
  });
});
