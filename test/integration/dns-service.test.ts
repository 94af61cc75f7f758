// kube-system/kube-dns as written by the cluster DNS start-up, against the in-process API; and
// the node-local address set-up inside a network namespace the test creates (root only).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredObject } from '../../src/api/types.js';
import { ensureClusterDnsService, prepareClusterDnsAddress, releaseClusterDnsAddress } from '../../src/network/dns/index.js';
import { startTestApi, type TestApi } from './harness.js';

const svcRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
const sliceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };
const epRef = { group: '', version: 'v1', resource: 'endpoints', namespaced: true };

function canUseNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('kube-dns Service', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
    const ns = t.client.resource<StoredObject>({ group: '', version: 'v1', resource: 'namespaces', namespaced: false });
    await ns.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }).catch(() => {});
  });
  afterAll(async () => { await t?.stop(); });

  it('creates the Service with CoreDNS labels and ports, and its endpoints; converges on re-runs', async () => {
    await ensureClusterDnsService(t.client, { clusterDns: '10.43.0.10', listenAddress: '10.43.0.10', port: 53 });
    const svc = await t.client.resource<StoredObject>(svcRef).get('kube-system', 'kube-dns');
    expect(svc.metadata.labels).toMatchObject({ 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' });
    expect(svc.spec).toMatchObject({ clusterIP: '10.43.0.10', ports: [
      { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' },
    ] });
    expect((svc.spec as { selector?: unknown }).selector).toBeUndefined();
    const slices = await t.client.resource<StoredObject>(sliceRef).list('kube-system', { labelSelector: 'kubernetes.io/service-name=kube-dns' });
    expect(slices.items).toHaveLength(1);
    expect(slices.items[0]).toMatchObject({ addressType: 'IPv4', endpoints: [{ addresses: ['10.43.0.10'], conditions: { ready: true } }] });
    const ep = await t.client.resource<StoredObject>(epRef).get('kube-system', 'kube-dns');
    expect(ep).toMatchObject({ subsets: [{ addresses: [{ ip: '10.43.0.10' }] }] });

    const rv = svc.metadata.resourceVersion;
    await ensureClusterDnsService(t.client, { clusterDns: '10.43.0.10', listenAddress: '10.43.0.10', port: 53 });
    expect((await t.client.resource<StoredObject>(svcRef).get('kube-system', 'kube-dns')).metadata.resourceVersion).toBe(rv);

    // The server moved (e.g. a non-root run on another port): the endpoints follow.
    await ensureClusterDnsService(t.client, { clusterDns: '10.43.0.10', listenAddress: '127.0.0.1', port: 10053 });
    const moved = await t.client.resource<StoredObject>(sliceRef).get('kube-system', 'kube-dns-kites');
    expect(moved).toMatchObject({ endpoints: [{ addresses: ['127.0.0.1'] }], ports: [{ name: 'dns', port: 10053 }, { name: 'dns-tcp', port: 10053 }, { name: 'metrics' }] });
    const svc2 = await t.client.resource<StoredObject>(svcRef).get('kube-system', 'kube-dns');
    expect(svc2.spec).toMatchObject({ ports: [{ name: 'dns', port: 53, targetPort: 10053 }, { name: 'dns-tcp', targetPort: 10053 }, { name: 'metrics' }] });
  });
});

describe('node-local cluster DNS address', () => {
  it.skipIf(!canUseNetns())('puts the cluster DNS address on a dummy link (or lo), idempotently (in a test netns)', async () => {
    const ns = `kites-test-${randomBytes(4).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      const link = await prepareClusterDnsAddress({ clusterDns: '10.43.0.10', netns: ns });
      expect(['kites-dns', 'lo']).toContain(link);
      await prepareClusterDnsAddress({ clusterDns: '10.43.0.10', netns: ns });
      const out = execFileSync('ip', ['netns', 'exec', ns, 'ip', '-o', 'addr', 'show', 'dev', link], { encoding: 'utf8' });
      expect(out.match(/inet 10\.43\.0\.10\/32/g)).toHaveLength(1);
      const route = execFileSync('ip', ['netns', 'exec', ns, 'ip', 'route', 'get', '10.43.0.10'], { encoding: 'utf8' });
      expect(route).toMatch(/^local 10\.43\.0\.10 dev lo/);
      await releaseClusterDnsAddress({ clusterDns: '10.43.0.10', netns: ns });
      expect(execFileSync('ip', ['netns', 'exec', ns, 'ip', '-o', 'addr', 'show', 'dev', link], { encoding: 'utf8' })).not.toContain('10.43.0.10');
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });
});
