import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { silentLogger } from '../../api/log.js';
import { CompiledZone } from './answers.js';
import { Forwarder } from './forwarder.js';
import type { ServerMetrics } from './metrics.js';
import { QueryHandler } from './query-handler.js';
import { reverseName } from './records.js';
import { buildClusterZone } from './zone-index.js';
import { decodeReply, encodeQuery } from './test-client.js';

const noMetrics: ServerMetrics = { request() {}, response() {}, cacheHit() {}, cacheMiss() {} };

function svc(ns: string, name: string, spec: Service['spec']): Service {
  return { metadata: { namespace: ns, name }, spec };
}

function slice(ns: string, svcName: string, name: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = []): EndpointSlice {
  return { metadata: { namespace: ns, name, labels: { 'kubernetes.io/service-name': svcName } }, addressType: 'IPv4', endpoints, ports };
}

const services: Service[] = [
  svc('default', 'web', { clusterIP: '10.43.0.20', clusterIPs: ['10.43.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
  svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
  svc('default', 'empty', { clusterIP: 'None' }),
  svc('default', 'late', { clusterIP: 'None', publishNotReadyAddresses: true }),
  svc('default', 'ext', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
  svc('kube-system', 'kube-dns', { clusterIP: '10.43.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
];
const slices: EndpointSlice[] = [
  slice('default', 'db', 'db-abc', [
    { addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.42.0.6'], conditions: { ready: true } },
    { addresses: ['10.42.0.7'], conditions: { ready: false } },
  ], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
  slice('default', 'late', 'late-1', [{ addresses: ['10.42.0.9'], conditions: { ready: false } }]),
  slice('default', 'web', 'web-1', [{ addresses: ['10.42.0.11'], conditions: { ready: true } }], [{ name: 'http', port: 8080 }]),
];

function handlerFor(state = { services, endpointSlices: slices }) {
  const zone = new CompiledZone(buildClusterZone(state, { domain: 'cluster.local', ttl: 5, serial: 1700000000 }));
  const forwarder = new Forwarder({ upstreams: [], log: silentLogger });
  return new QueryHandler({ zone: () => zone, domain: 'cluster.local', forwarder, maxUdpPayload: 1232, log: silentLogger });
}

async function ask(h: QueryHandler, name: string, type: dnsPacket.RecordType, opts: { edns?: number; tcp?: boolean } = {}) {
  const req = encodeQuery(name, type, { edns: opts.edns });
  const r = h.handle(req, opts.tcp ? 'tcp' : 'udp', 4, noMetrics);
  if (!r) throw new Error('no reply');
  const buf = await r;
  return { buf, msg: decodeReply(buf) };
}

function data(msg: dnsPacket.Packet, section: 'answers' | 'authorities' | 'additionals' = 'answers'): unknown[] {
  return (msg[section] ?? []).filter((a) => a.type !== 'OPT').map((a) => ('data' in a ? a.data : undefined));
}

describe('cluster zone answers', () => {
  const h = handlerFor();

  it('answers A for a ClusterIP service, case-insensitively, echoing the question spelling', async () => {
    const { msg } = await ask(h, 'Web.Default.SVC.cluster.local', 'A');
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.flags! & dnsPacket.AUTHORITATIVE_ANSWER).toBeTruthy();
    expect(msg.flag_rd && msg.flag_ra && msg.flag_qr).toBe(true);
    expect(msg.questions![0]!.name).toBe('Web.Default.SVC.cluster.local');
    expect(msg.answers).toMatchObject([{ name: 'Web.Default.SVC.cluster.local', type: 'A', ttl: 5, data: '10.43.0.20' }]);
  });

  it('answers NODATA with the SOA for AAAA of an IPv4-only service', async () => {
    const { msg } = await ask(h, 'web.default.svc.cluster.local', 'AAAA');
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.answers).toEqual([]);
    expect(msg.authorities).toMatchObject([{ type: 'SOA', name: 'cluster.local', data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', minimum: 5 } }]);
  });

  it('answers NXDOMAIN with the SOA for a missing name, NODATA for an empty non-terminal', async () => {
    expect((await ask(h, 'nope.default.svc.cluster.local', 'A')).msg).toMatchObject({ rcode: 'NXDOMAIN', authorities: [{ type: 'SOA' }] });
    expect((await ask(h, 'google.com.default.svc.cluster.local', 'A')).msg.rcode).toBe('NXDOMAIN');
    expect((await ask(h, 'default.svc.cluster.local', 'A')).msg).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect((await ask(h, 'svc.cluster.local', 'A')).msg.rcode).toBe('NOERROR');
  });

  it('answers a headless service with its ready endpoints, hostnames and dashed names', async () => {
    expect(data((await ask(h, 'db.default.svc.cluster.local', 'A')).msg).sort()).toEqual(['10.42.0.5', '10.42.0.6']);
    expect(data((await ask(h, 'db-0.db.default.svc.cluster.local', 'A')).msg)).toEqual(['10.42.0.5']);
    expect(data((await ask(h, '10-42-0-6.db.default.svc.cluster.local', 'A')).msg)).toEqual(['10.42.0.6']);
    expect((await ask(h, '10-42-0-7.db.default.svc.cluster.local', 'A')).msg.rcode).toBe('NXDOMAIN');
    expect((await ask(h, 'empty.default.svc.cluster.local', 'A')).msg).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(data((await ask(h, 'late.default.svc.cluster.local', 'A')).msg)).toEqual(['10.42.0.9']);
  });

  it('answers SRV for named ports with weights and address additionals', async () => {
    const { msg } = await ask(h, '_http._tcp.web.default.svc.cluster.local', 'SRV');
    expect(msg.answers).toMatchObject([{ type: 'SRV', data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' } }]);
    expect(data(msg, 'additionals')).toEqual(['10.43.0.20']);
    const db = (await ask(h, '_pg._tcp.db.default.svc.cluster.local', 'SRV')).msg;
    expect(db.answers!.map((a) => a.type === 'SRV' && [a.data.target, a.data.port, a.data.weight]).sort()).toEqual([
      ['10-42-0-6.db.default.svc.cluster.local', 5432, 50], ['db-0.db.default.svc.cluster.local', 5432, 50],
    ]);
    expect(data(db, 'additionals').sort()).toEqual(['10.42.0.5', '10.42.0.6']);
    expect((await ask(h, '_dns._udp.web.default.svc.cluster.local', 'SRV')).msg.answers).toHaveLength(1);
    expect((await ask(h, '_dns._tcp.web.default.svc.cluster.local', 'SRV')).msg.rcode).toBe('NXDOMAIN');
    expect((await ask(h, 'web.default.svc.cluster.local', 'SRV')).msg.answers).toHaveLength(2);
  });

  it('answers PTR for service IPs and endpoint addresses', async () => {
    expect(reverseName('10.43.0.20')).toBe('20.0.43.10.in-addr.arpa');
    expect(data((await ask(h, '20.0.43.10.in-addr.arpa', 'PTR')).msg)).toEqual(['web.default.svc.cluster.local']);
    expect(data((await ask(h, '5.0.42.10.in-addr.arpa', 'PTR')).msg)).toEqual(['db-0.db.default.svc.cluster.local']);
    // Unknown reverse names fall through to the upstreams (none here: SERVFAIL).
    expect((await ask(h, '99.0.43.10.in-addr.arpa', 'PTR')).msg.rcode).toBe('SERVFAIL');
  });

  it('answers pod names in insecure mode', async () => {
    expect(data((await ask(h, '10-42-1-7.any.pod.cluster.local', 'A')).msg)).toEqual(['10.42.1.7']);
    expect((await ask(h, '10-42-1-7.any.pod.cluster.local', 'AAAA')).msg).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect((await ask(h, '10-42-1-999.any.pod.cluster.local', 'A')).msg.rcode).toBe('NXDOMAIN');
  });

  it('answers ExternalName with a CNAME and follows it inside the zone', async () => {
    const { msg } = await ask(h, 'ext.default.svc.cluster.local', 'A');
    expect(msg.answers).toMatchObject([
      { type: 'CNAME', data: 'web.default.svc.cluster.local' },
      { type: 'A', name: 'web.default.svc.cluster.local', data: '10.43.0.20' },
    ]);
    expect((await ask(h, 'ext.default.svc.cluster.local', 'CNAME')).msg.answers).toHaveLength(1);
  });

  it('serves the zone apex, ns.dns and dns-version', async () => {
    expect((await ask(h, 'cluster.local', 'SOA')).msg.answers).toMatchObject([{ type: 'SOA', data: { serial: 1700000000 } }]);
    expect(data((await ask(h, 'cluster.local', 'NS')).msg)).toEqual(['ns.dns.cluster.local']);
    expect(data((await ask(h, 'ns.dns.cluster.local', 'A')).msg)).toEqual(['10.43.0.10']);
    expect(data((await ask(h, 'dns-version.cluster.local', 'TXT')).msg)).toEqual([[Buffer.from('1.1.0')]]);
  });

  it('sets TC when a UDP answer exceeds 512 bytes without EDNS, or the EDNS size, and answers in full over TCP', async () => {
    const eps = Array.from({ length: 60 }, (_, i) => ({ addresses: [`10.42.3.${i + 1}`], conditions: { ready: true } }));
    const big = handlerFor({ services: [svc('default', 'big', { clusterIP: 'None' })], endpointSlices: [slice('default', 'big', 'big-1', eps)] });
    const udp = await ask(big, 'big.default.svc.cluster.local', 'A');
    expect(udp.msg.flag_tc).toBe(true);
    expect(udp.buf.length).toBeLessThanOrEqual(512);
    expect(udp.msg.answers!.length).toBeGreaterThan(20); // as many as fit, as CoreDNS truncates
    expect(udp.msg.answers!.length).toBeLessThan(60);
    const edns = await ask(big, 'big.default.svc.cluster.local', 'A', { edns: 4096 });
    expect(edns.msg.flag_tc).toBe(false);
    expect(edns.msg.answers).toHaveLength(60);
    expect(edns.msg.additionals).toMatchObject([{ type: 'OPT', udpPayloadSize: 1232 }]);
    const tcp = await ask(big, 'big.default.svc.cluster.local', 'A', { tcp: true });
    expect(tcp.msg.answers).toHaveLength(60);
  });

  it('refuses garbage politely: FORMERR for a bad question, nothing for a response', async () => {
    const bad = Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 0x61]);
    const r = await h.handle(bad, 'udp', 4, noMetrics)!;
    expect(decodeReply(r).rcode).toBe('FORMERR');
    const resp = Buffer.from(bad);
    resp[2] = 0x81;
    expect(h.handle(resp, 'udp', 4, noMetrics)).toBeUndefined();
  });

  it('follows the EDNS version rule (BADVERS for version 1)', async () => {
    const req = encodeQuery('web.default.svc.cluster.local', 'A', { edns: 1232, ednsVersion: 1 });
    const r = decodeReply(await h.handle(req, 'udp', 4, noMetrics)!);
    const opt = r.additionals!.find((a) => a.type === 'OPT') as { extendedRcode?: number } | undefined;
    expect(opt?.extendedRcode).toBe(1);
  });
});
