import { describe, expect, it } from 'vitest';
import type { CloudNode, CloudService } from '../provider.js';
import { AddressPool } from './address-pool.js';
import { LocalCloudProvider } from './local-provider.js';

const svc = (name: string, ports: number[], o: { loadBalancerIP?: string; ingress?: string[]; uid?: string } = {}): CloudService => ({
  metadata: { name, namespace: 'default', uid: o.uid ?? `uid-${name}` },
  spec: { type: 'LoadBalancer', ports: ports.map((port) => ({ port, protocol: 'TCP' })), loadBalancerIP: o.loadBalancerIP },
  status: o.ingress ? { loadBalancer: { ingress: o.ingress.map((ip) => ({ ip })) } } : undefined,
});
const node = (name: string, ip: string, labels: Record<string, string> = {}): CloudNode => ({
  metadata: { name, labels }, status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] },
});
const ips = (s: { ingress?: Array<{ ip?: string }> }) => (s.ingress ?? []).map((i) => i.ip);

describe('AddressPool', () => {
  it('parses CIDRs (without network and broadcast), ranges and single addresses', () => {
    const p = AddressPool.parse('127.240.0.0/30, 10.0.0.5-10.0.0.6,192.168.1.9');
    expect(p.size()).toBe(5);
    expect(p.contains('127.240.0.0')).toBe(false);
    expect(p.contains('127.240.0.1')).toBe(true);
    expect(p.contains('10.0.0.6')).toBe(true);
    expect(p.firstFree(new Set(['127.240.0.1']))).toBe('127.240.0.2');
    expect(p.firstFree(new Set(['127.240.0.1', '127.240.0.2', '10.0.0.5', '10.0.0.6', '192.168.1.9']))).toBeUndefined();
    expect(AddressPool.parse('10.1.1.1/32').contains('10.1.1.1')).toBe(true);
  });

  it('refuses what is not an address', () => {
    expect(() => AddressPool.parse('10.0.0/24')).toThrow(/not an IPv4 CIDR/);
    expect(() => AddressPool.parse('nope')).toThrow(/not an IPv4 address/);
    expect(() => AddressPool.parse(' , ')).toThrow(/empty/);
  });
});

describe('local load balancer', () => {
  it('gives each Service its own pool address, honours loadBalancerIP, releases on delete', async () => {
    const lb = new LocalCloudProvider({ lbAddressPool: '127.240.0.0/29' }).loadBalancer();
    expect(ips(await lb.ensureLoadBalancer('c', svc('a', [80]), []))).toEqual(['127.240.0.1']);
    expect(ips(await lb.ensureLoadBalancer('c', svc('b', [80]), []))).toEqual(['127.240.0.2']);
    // Idempotent: the same Service keeps its address.
    expect(await lb.ensureLoadBalancer('c', svc('a', [80]), [])).toEqual({ ingress: [{ ip: '127.240.0.1', ipMode: 'VIP' }] });
    expect(ips(await lb.ensureLoadBalancer('c', svc('c', [80], { loadBalancerIP: '127.240.0.5' }), []))).toEqual(['127.240.0.5']);
    await expect(lb.ensureLoadBalancer('c', svc('d', [80], { loadBalancerIP: '127.240.0.5' }), [])).rejects.toThrow(/already allocated to service default\/c/);
    await expect(lb.ensureLoadBalancer('c', svc('d', [80], { loadBalancerIP: '10.9.9.9' }), [])).rejects.toThrow(/not in the load balancer address pool/);
    await lb.ensureLoadBalancerDeleted('c', svc('a', [80]));
    expect(await lb.getLoadBalancer('c', svc('a', [80]))).toEqual({ exists: false });
    expect(ips(await lb.ensureLoadBalancer('c', svc('d', [80]), []))).toEqual(['127.240.0.1']);
  });

  it('reports an exhausted pool', async () => {
    const lb = new LocalCloudProvider({ lbAddressPool: '127.240.0.9' }).loadBalancer();
    await lb.ensureLoadBalancer('c', svc('a', [80]), []);
    await expect(lb.ensureLoadBalancer('c', svc('b', [80]), [])).rejects.toThrow(/no free address in the load balancer address pool 127.240.0.9/);
  });

  it('keeps addresses other Services held before a restart', async () => {
    const others = [svc('old', [80], { ingress: ['127.240.0.1'] })];
    const lb = new LocalCloudProvider({ lbAddressPool: '127.240.0.0/29', listServices: () => others }).loadBalancer();
    expect(ips(await lb.ensureLoadBalancer('c', svc('new', [80]), []))).toEqual(['127.240.0.2']);
    expect(ips(await lb.ensureLoadBalancer('c', svc('old', [80], { ingress: ['127.240.0.1'] }), []))).toEqual(['127.240.0.1']);
  });

  it('without a pool publishes on node addresses where the ports are free (ServiceLB)', async () => {
    const lb = new LocalCloudProvider().loadBalancer();
    const nodes = [node('n1', '192.168.5.1'), node('n2', '192.168.5.2'), node('n3', '192.168.5.3', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' })];
    expect(ips(await lb.ensureLoadBalancer('c', svc('a', [80]), nodes))).toEqual(['192.168.5.1', '192.168.5.2']);
    // Different ports share the node addresses.
    expect(ips(await lb.ensureLoadBalancer('c', svc('b', [8080]), nodes))).toEqual(['192.168.5.1', '192.168.5.2']);
    await expect(lb.ensureLoadBalancer('c', svc('c', [80]), nodes)).rejects.toThrow(/no node address has ports TCP\/80 free \(used by default\/a\)/);
    await expect(lb.ensureLoadBalancer('c', svc('d', [81], { loadBalancerIP: '10.0.0.1' }), nodes)).rejects.toThrow(/not a node address/);
    expect(ips(await lb.ensureLoadBalancer('c', svc('d', [81], { loadBalancerIP: '192.168.5.2' }), nodes))).toEqual(['192.168.5.2']);
  });

  it('refuses ports the node itself serves, in node-address mode', async () => {
    const lb = new LocalCloudProvider({ reservedNodePorts: ['TCP/6443'] }).loadBalancer();
    await expect(lb.ensureLoadBalancer('c', svc('a', [6443]), [node('n1', '10.0.0.1')])).rejects.toThrow(/TCP\/6443 are served by the node itself/);
  });

  it('has instances, no zones or routes', async () => {
    const p = new LocalCloudProvider();
    expect(p.providerName()).toBe('local');
    expect(await p.instancesV2().instanceExists(node('n1', '1.1.1.1'))).toBe(true);
    expect((await p.instancesV2().instanceMetadata(node('n1', '1.1.1.1'))).providerID).toBe('local://n1');
    expect(p.zones()).toBeUndefined();
    expect(p.routes()).toBeUndefined();
  });
});
