import { describe, expect, it } from 'vitest';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { serviceFragment, serviceKey } from './records.js';
import { buildClusterZone, slicesByService, type ClusterZoneIndex } from './zone-index.js';

const opts = { domain: 'cluster.local', ttl: 5, serial: 1 };

function svc(ns: string, name: string, spec: Service['spec']): Service {
  return { metadata: { namespace: ns, name }, spec };
}
function slice(ns: string, svcName: string, addrs: string[], hostnames: Array<string | undefined> = []): EndpointSlice {
  return {
    metadata: { namespace: ns, name: `${svcName}-s`, labels: { 'kubernetes.io/service-name': svcName } }, addressType: 'IPv4',
    endpoints: addrs.map((a, i) => ({ addresses: [a], hostname: hostnames[i], conditions: { ready: true } })), ports: [{ name: 'p', port: 99 }],
  };
}

function snapshot(z: ClusterZoneIndex): Array<[string, unknown[]]> {
  return [...z.names.entries()].map(([k, v]) => [k, v.map((r) => JSON.stringify(r)).sort()] as [string, unknown[]]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Applies a new state to an index one Service at a time, as the server does. */
function update(z: ClusterZoneIndex, services: Service[], slices: EndpointSlice[], keys: string[]): void {
  const bySvc = slicesByService(slices);
  for (const key of keys) {
    const s = services.find((x) => serviceKey(x) === key);
    z.set(key, s ? serviceFragment(s, bySvc.get(key) ?? [], z.domain, z.ttl) : undefined);
  }
}

describe('incremental cluster zone', () => {
  it('ends where a full build of the new state ends, through adds, changes and deletes', () => {
    const a: Service[] = [
      svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'p', port: 99 }] }),
      svc('default', 'web', { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80 }] }),
      svc('other', 'solo', { clusterIP: '10.43.0.30' }),
    ];
    const aSlices = [slice('default', 'db', ['10.42.0.5', '10.42.0.6'], ['db-0']), slice('default', 'web', ['10.42.0.5'])];
    const z = buildClusterZone({ services: a, endpointSlices: aSlices }, opts);
    expect(z.names.get('7.0.42.10.in-addr.arpa')).toBeUndefined();
    // db-0 is both a headless endpoint and web's endpoint: the headless name wins the PTR.
    expect(z.names.get('5.0.42.10.in-addr.arpa')).toMatchObject([{ target: 'db-0.db.default.svc.cluster.local' }]);

    const b: Service[] = [a[1]!, svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'p', port: 99 }] }), svc('default', 'new', { clusterIP: '10.43.0.40' })];
    const bSlices = [slice('default', 'db', ['10.42.0.7']), slice('default', 'web', ['10.42.0.5'])];
    update(z, b, bSlices, ['default/db', 'other/solo', 'default/new', 'default/web']);
    expect(snapshot(z)).toEqual(snapshot(buildClusterZone({ services: b, endpointSlices: bSlices }, opts)));
    expect(z.names.has('other.svc.cluster.local')).toBe(false); // its last Service went: the namespace name goes too
    expect(z.names.has('db-0.db.default.svc.cluster.local')).toBe(false);
    expect(z.names.get('5.0.42.10.in-addr.arpa')).toMatchObject([{ target: '10-42-0-5.web.default.svc.cluster.local' }]);
    expect(z.names.get('_p._tcp.db.default.svc.cluster.local')).toMatchObject([{ weight: 100 }]);

    update(z, [], [], ['default/db', 'default/new', 'default/web']);
    expect(snapshot(z)).toEqual(snapshot(buildClusterZone({ services: [], endpointSlices: [] }, opts)));
    expect([...z.names.keys()].sort()).toEqual(['cluster.local', 'dns-version.cluster.local', 'pod.cluster.local', 'svc.cluster.local']);
  });
});
