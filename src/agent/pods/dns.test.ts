import { describe, expect, it } from 'vitest';
import type { PodObject } from './pod-types.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResolvConf, podDnsConfig, readHostResolvConf } from './dns.js';

const hostResolvConf = '# host\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch example.com. corp.example\noptions timeout:2 ndots:1\n';
const base = { clusterDns: ['10.43.0.10'], clusterDomain: 'cluster.local', hostResolvConf };

function pod(spec: Partial<PodObject['spec']> = {}): PodObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team', uid: 'u1' }, spec: { containers: [{ name: 'c' }], ...spec } } as PodObject;
}

describe('podDnsConfig', () => {
  it('parses resolv.conf (last search wins, trailing dots dropped, comments ignored)', () => {
    expect(parseResolvConf('search a.\nsearch b c. ; x\nnameserver 1.1.1.1 # y\noptions rotate')).toEqual({ servers: ['1.1.1.1'], searches: ['b', 'c'], options: ['rotate'] });
  });
  it('ClusterFirst: cluster DNS, cluster searches then the host ones, ndots:5', () => {
    expect(podDnsConfig(pod(), base)).toEqual({
      servers: ['10.43.0.10'],
      searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'example.com', 'corp.example'],
      options: ['ndots:5'],
    });
  });
  it('ClusterFirst on the host network is Default; ClusterFirstWithHostNet is cluster DNS', () => {
    const host = { servers: ['192.0.2.53', '192.0.2.54'], searches: ['example.com', 'corp.example'], options: ['timeout:2', 'ndots:1'] };
    expect(podDnsConfig(pod({ hostNetwork: true }), base)).toEqual(host);
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), base)).toEqual(host);
    expect(podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), base)?.servers).toEqual(['10.43.0.10']);
  });
  it('Default without a host resolv.conf (--resolv-conf="") uses the local resolver', () => {
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), { ...base, hostResolvConf: undefined })).toEqual({ servers: ['127.0.0.1'], searches: ['.'], options: [] });
  });
  it('None takes only spec.dnsConfig; dnsConfig merges (appended, deduplicated, options by name)', () => {
    const dnsConfig = { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
    expect(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig }), base)).toEqual({ servers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example'], options: ['ndots:2', 'edns0'] });
    const merged = podDnsConfig(pod({ dnsConfig: { nameservers: ['10.43.0.10', '8.8.8.8'], searches: ['svc.cluster.local', 'x.example'], options: [{ name: 'ndots', value: '1' }] } }), base)!;
    expect(merged.servers).toEqual(['10.43.0.10', '8.8.8.8']);
    expect(merged.searches.slice(-2)).toEqual(['corp.example', 'x.example']);
    expect(merged.options).toEqual(['ndots:1']);
  });
  it('falls back to Default without cluster DNS (MissingClusterDNS) and trims past the limits (DNSConfigForming)', () => {
    const events: string[] = [];
    const event = (_t: string, reason: string, message: string) => events.push(`${reason}: ${message}`);
    expect(podDnsConfig(pod(), { ...base, clusterDns: [], event })?.servers).toEqual(['192.0.2.53', '192.0.2.54']);
    expect(events[0]).toMatch(/^MissingClusterDNS: pod: "p_team\(u1\)". kubelet does not have ClusterDNS IP configured/);
    events.length = 0;
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.${'x'.repeat(60)}.example`);
    const cfg = podDnsConfig(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'], searches: many } }), { ...base, event })!;
    expect(cfg.servers).toEqual(['10.43.0.10', '1.1.1.1', '2.2.2.2']);
    expect(cfg.searches.length).toBeLessThanOrEqual(32);
    expect(cfg.searches.join(' ').length).toBeLessThanOrEqual(2048);
    expect(events).toEqual([
      'DNSConfigForming: Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.43.0.10 1.1.1.1 2.2.2.2',
      `DNSConfigForming: Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${cfg.searches.join(' ')}`,
    ]);
  });
});

describe('readHostResolvConf', () => {
  it('skips a resolv.conf with only loopback nameservers (systemd-resolved stub)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-resolv-'));
    try {
      writeFileSync(join(dir, 'stub'), 'nameserver 127.0.0.53\nsearch lan\n');
      writeFileSync(join(dir, 'upstream'), 'nameserver 192.0.2.1\n');
      const warnings: string[] = [];
      const warn = (m: string) => { warnings.push(m); };
      expect(await readHostResolvConf(warn, [join(dir, 'stub'), join(dir, 'upstream')])).toBe('nameserver 192.0.2.1\n');
      expect(await readHostResolvConf(warn, [join(dir, 'stub'), join(dir, 'missing')])).toBeUndefined();
      expect(warnings).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
