// The cluster DNS server against the in-process API: Services and EndpointSlices created through
// the API, queries over real UDP and TCP sockets on loopback (dns-packet client and dig),
// forwarding to scripted upstreams on 127.0.0.2.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { StoredObject } from '../../src/api/types.js';
import { InformerFactory } from '../../src/client/informer-factory.js';
import { startClusterDns, type ClusterDns } from '../../src/network/dns/index.js';
import { query } from '../../src/network/dns/test-client.js';
import { startTestApi, type TestApi } from './harness.js';
import { startFakeUpstream, type FakeUpstream } from './dns-fake-upstream.js';

const svcRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
const sliceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };
const hasDig = existsSync('/usr/bin/dig');

function dig(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile('dig', args, { timeout: 10_000 }, (err, out) => (err ? reject(err) : resolve(out))));
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('cluster DNS server', () => {
  let t: TestApi;
  let dns: ClusterDns;
  let upstream: FakeUpstream;
  let port: number;
  const at = '127.0.0.1';

  beforeAll(async () => {
    t = await startTestApi();
    const svcs = t.client.resource<StoredObject>(svcRef);
    const slices = t.client.resource<StoredObject>(sliceRef);
    await svcs.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: '10.43.7.7', ports: [{ name: 'http', port: 80, targetPort: 8080 }], selector: { app: 'web' } } });
    await svcs.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }], selector: { app: 'db' } } });
    await svcs.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'search' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    await slices.create('default', {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'db-1', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.42.0.6'], hostname: 'db-1', conditions: { ready: true } },
        { addresses: ['10.42.0.8'], conditions: { ready: false } },
      ],
    });
    upstream = await startFakeUpstream('127.0.0.2', {
      'example.com A': { answers: [{ name: 'example.com', type: 'A', ttl: 300, data: '93.184.216.34' }] },
      'big.example A': { truncateUdp: true, answers: Array.from({ length: 40 }, (_, i) => ({ name: 'big.example', type: 'A' as const, ttl: 60, data: `192.0.2.${i + 1}` })) },
      'nx.example': { rcode: 'NXDOMAIN', authorities: [{ name: 'example', type: 'SOA', ttl: 600, data: { mname: 'ns.example', rname: 'h.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 } }] },
      'broken.example': { rcode: 'SERVFAIL' },
    });
    // The first upstream drops everything (nothing listens there): the second must be tried.
    dns = await startClusterDns({
      transport: t.api.inProcessTransport(), clusterDomain: 'cluster.local', listen: [{ address: at, port: 0 }],
      upstreams: ['127.0.0.3:9', `${upstream.address}:${upstream.port}`], upstreamTimeoutMs: 300, log: silentLogger,
    });
    port = dns.addresses()[0]!.port;
  }, 20_000);

  afterAll(async () => {
    await dns?.stop();
    await upstream?.stop();
    await t?.stop();
  });

  it('answers a ClusterIP service over UDP and TCP', async () => {
    for (const tcp of [false, true]) {
      const r = await query(at, port, 'web.default.svc.cluster.local', 'A', { tcp });
      expect(r.rcode).toBe('NOERROR');
      expect(r.answers).toMatchObject([{ type: 'A', data: '10.43.7.7', ttl: 5 }]);
    }
    expect((await query(at, port, 'web.default.svc.cluster.local', 'AAAA')).answers).toEqual([]);
  });

  it('answers headless services, SRV and PTR; NXDOMAIN vs NODATA', async () => {
    expect((await query(at, port, 'db.default.svc.cluster.local', 'A')).answers!.map((a) => a.type === 'A' && a.data).sort()).toEqual(['10.42.0.5', '10.42.0.6']);
    const srv = await query(at, port, '_pg._tcp.db.default.svc.cluster.local', 'SRV');
    expect(srv.answers!.map((a) => a.type === 'SRV' && `${a.data.target}:${a.data.port}/${a.data.weight}`).sort()).toEqual([
      'db-0.db.default.svc.cluster.local:5432/50', 'db-1.db.default.svc.cluster.local:5432/50',
    ]);
    expect(srv.additionals!.filter((a) => a.type === 'A')).toHaveLength(2);
    expect((await query(at, port, '_http._tcp.web.default.svc.cluster.local', 'SRV')).answers).toMatchObject([{ data: { port: 80, target: 'web.default.svc.cluster.local' } }]);
    expect((await query(at, port, '7.7.43.10.in-addr.arpa', 'PTR')).answers).toMatchObject([{ data: 'web.default.svc.cluster.local' }]);
    expect((await query(at, port, '6.0.42.10.in-addr.arpa', 'PTR')).answers).toMatchObject([{ data: 'db-1.db.default.svc.cluster.local' }]);
    const nx = await query(at, port, 'missing.default.svc.cluster.local', 'A');
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authorities).toMatchObject([{ type: 'SOA', name: 'cluster.local' }]);
    const nodata = await query(at, port, 'db-0.db.default.svc.cluster.local', 'TXT');
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities).toMatchObject([{ type: 'SOA' }]);
  });

  it('follows Services and EndpointSlices as they change', async () => {
    const svcs = t.client.resource<StoredObject>(svcRef);
    await svcs.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'later' }, spec: { clusterIP: '10.43.7.9', ports: [{ port: 80 }] } });
    const r = await eventually(() => query(at, port, 'later.default.svc.cluster.local', 'A'), (x) => x.rcode === 'NOERROR');
    expect(r.answers).toMatchObject([{ data: '10.43.7.9' }]);
    await svcs.delete('default', 'later');
    expect((await eventually(() => query(at, port, 'later.default.svc.cluster.local', 'A'), (x) => x.rcode === 'NXDOMAIN')).rcode).toBe('NXDOMAIN');
  });

  it('answers ExternalName with a CNAME and the target resolved upstream', async () => {
    const r = await query(at, port, 'search.default.svc.cluster.local', 'A');
    expect(r.answers).toMatchObject([{ type: 'CNAME', data: 'example.com' }, { type: 'A', name: 'example.com', data: '93.184.216.34' }]);
  });

  it('forwards other names, caches them (answers and denials), retries truncated answers over TCP', async () => {
    upstream.asked.length = 0;
    const first = await query(at, port, 'Example.COM', 'A');
    expect(first.answers).toMatchObject([{ data: '93.184.216.34' }]);
    expect(first.questions![0]!.name).toBe('Example.COM');
    const second = await query(at, port, 'example.com', 'A');
    expect(second.answers).toMatchObject([{ data: '93.184.216.34' }]);
    expect(second.answers).toMatchObject([{ ttl: expect.any(Number) as number }]);
    expect((second.answers![0] as { ttl: number }).ttl).toBeLessThanOrEqual(300);
    expect((await query(at, port, 'nx.example', 'A')).rcode).toBe('NXDOMAIN');
    expect((await query(at, port, 'nx.example', 'A')).rcode).toBe('NXDOMAIN');
    expect(upstream.asked.filter((a) => a.name === 'nx.example')).toHaveLength(1);
    // example.com was cached by the ExternalName test already: the upstream was not asked again.
    expect(upstream.asked.filter((a) => a.name === 'example.com')).toHaveLength(0);

    const big = await query(at, port, 'big.example', 'A', { edns: 4096 });
    expect(big.answers).toHaveLength(40);
    expect(upstream.asked.filter((a) => a.name === 'big.example').map((a) => a.proto)).toEqual(['udp', 'tcp']);
    const small = await query(at, port, 'big.example', 'A');
    expect(small.flag_tc).toBe(true);
    expect((await query(at, port, 'big.example', 'A', { tcp: true })).answers).toHaveLength(40);

    const metrics = await dns.metrics();
    expect(metrics).toMatch(/coredns_dns_requests_total\{[^}]*proto="udp"[^}]*type="A"[^}]*\} \d+/);
    expect(metrics).toMatch(/coredns_cache_hits_total\{[^}]*type="denial"[^}]*\} 1/);
    expect(metrics).toMatch(/coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"/);
    expect(metrics).toContain('coredns_dns_request_duration_seconds_bucket');
  }, 15_000);

  it('answers SERVFAIL when every upstream fails', async () => {
    expect((await query(at, port, 'broken.example', 'A')).rcode).toBe('SERVFAIL');
    const lonely = await startClusterDns({
      transport: t.api.inProcessTransport(), clusterDomain: 'cluster.local', listen: [{ address: at, port: 0 }],
      upstreams: ['127.0.0.3:9'], upstreamTimeoutMs: 200, log: silentLogger,
    });
    try {
      const p = lonely.addresses()[0]!.port;
      expect((await query(at, p, 'anything.example', 'A')).rcode).toBe('SERVFAIL');
      expect((await query(at, p, 'web.default.svc.cluster.local', 'A')).rcode).toBe('NOERROR');
    } finally {
      await lonely.stop();
    }
  });

  it('runs on a shared InformerFactory that its owner starts', async () => {
    const factory = new InformerFactory(t.client, { log: silentLogger });
    const abort = new AbortController();
    factory.start(abort.signal);
    const shared = await startClusterDns({ informers: factory, clusterDomain: 'cluster.local', listen: [{ address: at, port: 0 }], upstreams: [], log: silentLogger });
    try {
      expect(shared.ready()).toBe(true);
      expect((await query(at, shared.addresses()[0]!.port, 'web.default.svc.cluster.local', 'A')).answers).toMatchObject([{ data: '10.43.7.7' }]);
    } finally {
      await shared.stop();
      abort.abort();
      await factory.stop();
    }
  });

  it.skipIf(!hasDig)('answers dig, over UDP and TCP', async () => {
    expect((await dig([`@${at}`, '-p', String(port), '+short', 'web.default.svc.cluster.local'])).trim()).toBe('10.43.7.7');
    expect((await dig([`@${at}`, '-p', String(port), '+short', '+tcp', '-x', '10.43.7.7'])).trim()).toBe('web.default.svc.cluster.local.');
    const srv = await dig([`@${at}`, '-p', String(port), '+short', 'SRV', '_pg._tcp.db.default.svc.cluster.local']);
    expect(srv.trim().split('\n').sort()).toEqual(['0 50 5432 db-0.db.default.svc.cluster.local.', '0 50 5432 db-1.db.default.svc.cluster.local.']);
    const nx = await dig([`@${at}`, '-p', String(port), 'nothing.default.svc.cluster.local']);
    expect(nx).toContain('status: NXDOMAIN');
    expect(nx).toContain('flags: qr aa rd ra');
  });
});
