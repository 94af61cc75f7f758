import { describe, expect, it } from 'vitest';
import type { EndpointSliceObject, ServiceObject } from '../api-objects.js';
import { buildProxyState } from '../model.js';
import { staleUDPConntrackDeletions } from './conntrack.js';

const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: 'default', labels, uid: name, resourceVersion: '1', creationTimestamp: 'x' });
const dns = (protocol: string): ServiceObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: meta('dns'),
  spec: { type: 'NodePort', clusterIP: '10.43.0.10', ports: [{ name: 'dns', port: 53, protocol, nodePort: 30053 }] },
});
const slice = (ips: string[], protocol: string): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('dns-x', { 'kubernetes.io/service-name': 'dns' }), addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip] })), ports: [{ name: 'dns', port: 5353, protocol }],
});
const state = (ips: string[], protocol = 'UDP') => buildProxyState([dns(protocol)], [slice(ips, protocol)], 'n1');

describe('staleUDPConntrackDeletions', () => {
  it('clears flows to removed UDP endpoints for the cluster IP and the node port', () => {
    expect(staleUDPConntrackDeletions(state(['10.42.0.5', '10.42.0.6']), state(['10.42.0.6']))).toEqual([
      ['-D', '-p', 'udp', '--orig-dst', '10.43.0.10', '--dst-nat', '10.42.0.5'],
      ['-D', '-p', 'udp', '--dport', '30053', '--dst-nat', '10.42.0.5'],
    ]);
  });

  it('clears un-NATed entries when a UDP service gets its first endpoint', () => {
    expect(staleUDPConntrackDeletions(state([]), state(['10.42.0.5']))).toEqual([
      ['-D', '-p', 'udp', '--orig-dst', '10.43.0.10'],
      ['-D', '-p', 'udp', '--dport', '30053'],
    ]);
  });

  it('does nothing for TCP, for unchanged endpoints, or on the first sync', () => {
    expect(staleUDPConntrackDeletions(state(['10.42.0.5'], 'TCP'), state([], 'TCP'))).toEqual([]);
    expect(staleUDPConntrackDeletions(state(['10.42.0.5']), state(['10.42.0.5']))).toEqual([]);
    expect(staleUDPConntrackDeletions(undefined, state(['10.42.0.5']))).toEqual([]);
  });
});
