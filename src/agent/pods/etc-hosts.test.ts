import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PodObject } from './pod-types.js';
import { etcHostsContent, etcHostsMount, mountsEtcHosts, podHostnameAndDomain, podSandboxHostname, writeEtcHosts } from './etc-hosts.js';

function pod(spec: Partial<PodObject['spec']> = {}, name = 'web-0'): PodObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: 'u' }, spec: { containers: [{ name: 'c' }], ...spec } } as PodObject;
}
const localhost = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

describe('etc-hosts', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('names the pod on its IPs, with the FQDN under a subdomain, then the host aliases', () => {
    expect(etcHostsContent(pod(), ['10.42.0.5'], 'cluster.local')).toBe(`${localhost}10.42.0.5\tweb-0\n`);
    const p = pod({ hostname: 'db', subdomain: 'backend', hostAliases: [{ ip: '192.0.2.1', hostnames: ['foo.local', 'bar.local'] }] });
    expect(etcHostsContent(p, ['10.42.0.5'], 'cluster.local')).toBe(
      `${localhost}10.42.0.5\tdb.backend.shop.svc.cluster.local\tdb\n\n# Entries added by HostAliases.\n192.0.2.1\tfoo.local\tbar.local\n`);
  });
  it('truncates long hostnames to 63 characters without a trailing dash, and builds FQDN hostnames', () => {
    const long = `${'a'.repeat(62)}-bcd`;
    expect(podHostnameAndDomain(pod({}, long), 'cluster.local').hostname).toBe('a'.repeat(62));
    expect(podSandboxHostname(pod({ subdomain: 's', setHostnameAsFQDN: true }), 'cluster.local')).toBe('web-0.s.shop.svc.cluster.local');
    expect(() => podSandboxHostname(pod({ subdomain: 's'.repeat(40), setHostnameAsFQDN: true }), 'cluster.local')).toThrow(/too long/);
  });
  it('writes the file in place (bind mounts keep the inode); host-network pods get the node file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-etchosts-'));
    dirs.push(dir);
    const path = writeEtcHosts(join(dir, 'pod'), pod(), { podIPs: ['10.42.0.5'], clusterDomain: 'cluster.local' });
    const ino = statSync(path).ino;
    writeEtcHosts(join(dir, 'pod'), pod(), { podIPs: ['10.42.0.9'], clusterDomain: 'cluster.local' });
    expect(statSync(path).ino).toBe(ino);
    expect(readFileSync(path, 'utf8')).toContain('10.42.0.9\tweb-0\n');
    const nodeHosts = join(dir, 'hosts');
    writeFileSync(nodeHosts, '127.0.0.1 localhost\n192.0.2.7 node1');
    const h = writeEtcHosts(join(dir, 'hostpod'), pod({ hostNetwork: true, hostAliases: [{ ip: '192.0.2.2', hostnames: ['x'] }] }), { podIPs: ['192.0.2.7'], clusterDomain: 'cluster.local', nodeHostsFile: nodeHosts });
    expect(readFileSync(h, 'utf8')).toBe('# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n192.0.2.7 node1\n\n# Entries added by HostAliases.\n192.0.2.2\tx\n');
  });
  it('is mounted unless the container mounts its own /etc/hosts or the pod has no IP', () => {
    expect(mountsEtcHosts({}, ['10.42.0.5'])).toBe(true);
    expect(mountsEtcHosts({ volumeMounts: [{ mountPath: '/etc/hosts' }] }, ['10.42.0.5'])).toBe(false);
    expect(mountsEtcHosts({}, [])).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'kites-etchosts-'));
    dirs.push(dir);
    expect(etcHostsMount(dir, pod(), {}, { podIPs: ['10.42.0.5'], clusterDomain: 'cluster.local' }))
      .toEqual({ containerPath: '/etc/hosts', hostPath: join(dir, 'etc-hosts'), readOnly: false });
    expect(etcHostsMount(dir, pod(), { volumeMounts: [{ mountPath: '/etc/hosts' }] }, { podIPs: ['10.42.0.5'], clusterDomain: 'cluster.local' })).toBeUndefined();
  });
});
