import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { ResponseCache, analyzeResponse } from './response-cache.js';
import { nameserversFromResolvConf, parseUpstream } from './upstream-client.js';
import { ipv6Bytes, newParsedQuery, parseQuery } from './wire.js';
import { replyFromUpstream } from './forwarder.js';
import { decodeReply, encodeQuery } from './test-client.js';

function upstreamReply(opts: { rcode?: number; answers?: dnsPacket.Answer[]; authorities?: dnsPacket.Answer[]; tc?: boolean }): Buffer {
  return dnsPacket.encode({
    type: 'response', id: 7, flags: (opts.rcode ?? 0) | (opts.tc ? dnsPacket.TRUNCATED_RESPONSE : 0) | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ name: 'example.com', type: 'A' }], answers: opts.answers ?? [], authorities: opts.authorities ?? [],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as dnsPacket.Answer],
  });
}

const soa = (ttl: number, minimum: number): dnsPacket.Answer => ({ name: 'com', type: 'SOA', ttl, data: { mname: 'a', rname: 'b', serial: 1, refresh: 1, retry: 1, expire: 1, minimum } });

describe('upstream answer cache', () => {
  it('caches answers for their smallest TTL and denials for min(SOA TTL, SOA minimum)', () => {
    const pos = analyzeResponse(upstreamReply({ answers: [{ name: 'example.com', type: 'A', ttl: 300, data: '1.2.3.4' }, { name: 'example.com', type: 'A', ttl: 120, data: '1.2.3.5' }] }))!;
    expect(pos.cacheTtl).toBe(120);
    expect(dnsPacket.decode(pos.msg).additionals).toEqual([]); // the upstream's OPT is gone
    expect(analyzeResponse(upstreamReply({ rcode: 3, authorities: [soa(900, 60)] }))!.cacheTtl).toBe(60);
    expect(analyzeResponse(upstreamReply({ rcode: 0, authorities: [soa(30, 600)] }))!).toMatchObject({ cacheTtl: 30, denial: true });
    expect(analyzeResponse(upstreamReply({ rcode: 3 }))!.cacheTtl).toBe(0);
    expect(analyzeResponse(upstreamReply({ rcode: 2 }))!.cacheTtl).toBe(0);
    expect(analyzeResponse(upstreamReply({ tc: true }))!.cacheTtl).toBe(0);
    expect(analyzeResponse(upstreamReply({ answers: [{ name: 'example.com', type: 'A', ttl: 86400, data: '1.2.3.4' }] }))!.cacheTtl).toBe(3600);
  });

  it('counts TTLs down, expires entries and evicts the oldest at capacity', () => {
    let now = 1_000_000;
    const cache = new ResponseCache({ capacity: 2, now: () => now });
    cache.put('a', upstreamReply({ answers: [{ name: 'example.com', type: 'A', ttl: 10, data: '1.2.3.4' }] }));
    now += 4000;
    const e = cache.get('a')!;
    const q = parseQuery(encodeQuery('EXAMPLE.com', 'A', { id: 99 }), newParsedQuery(), Buffer.alloc(256));
    const reply = decodeReply(replyFromUpstream({ ...e, elapsed: cache.elapsedSeconds(e), fromCache: true }, encodeQuery('EXAMPLE.com', 'A', { id: 99 }), q, 512, 1232));
    expect(reply.id).toBe(99);
    expect(reply.questions![0]!.name).toBe('EXAMPLE.com');
    expect(reply.answers).toMatchObject([{ ttl: 6, data: '1.2.3.4' }]);
    now += 7000;
    expect(cache.get('a')).toBeUndefined();
    cache.put('b', upstreamReply({ answers: [{ name: 'example.com', type: 'A', ttl: 10, data: '1.2.3.4' }] }));
    cache.put('c', upstreamReply({ answers: [{ name: 'example.com', type: 'A', ttl: 10, data: '1.2.3.4' }] }));
    cache.put('d', upstreamReply({ answers: [{ name: 'example.com', type: 'A', ttl: 10, data: '1.2.3.4' }] }));
    expect([cache.get('b'), cache.get('c'), cache.get('d')].map(Boolean)).toEqual([false, true, true]);
  });
});

describe('upstream addresses', () => {
  it('parses upstream addresses and resolv.conf, leaving out the cluster DNS itself', () => {
    expect(parseUpstream('1.1.1.1')).toEqual({ address: '1.1.1.1', port: 53 });
    expect(parseUpstream('127.0.0.2:5353')).toEqual({ address: '127.0.0.2', port: 5353 });
    expect(parseUpstream('[::1]:53')).toEqual({ address: '::1', port: 53 });
    expect(() => parseUpstream('dns.google')).toThrow(/bad upstream/);
    expect(nameserversFromResolvConf('# x\nnameserver 10.43.0.10\nnameserver 10.255.255.53\nsearch a\nnameserver fe80::1%eth0\n', ['10.43.0.10']))
      .toEqual([{ address: '10.255.255.53', port: 53 }, { address: 'fe80::1', port: 53 }]);
  });

  it('writes IPv6 addresses in wire form', () => {
    expect(ipv6Bytes('fd00::1').toString('hex')).toBe('fd000000000000000000000000000001');
    expect(ipv6Bytes('::ffff:10.0.0.1').toString('hex')).toBe('00000000000000000000ffff0a000001');
    expect(ipv6Bytes('1:2:3:4:5:6:7:8').toString('hex')).toBe('00010002000300040005000600070008');
  });
});
