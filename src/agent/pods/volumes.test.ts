import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { prepareVolumes, containerMounts, exposeMountsOnHost, cleanupPodDir, cleanupOrphanedPodDirs, podDir, volumeEnvName, VolumeError, SubPathError } from './volumes.js';
import { isMountPoint, systemMounter } from './volumes/mounts.js';
import type { KeyedData, PodObject } from './pod-types.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'kites-vol-')); dirs.push(d); return d; };
afterEach(() => {
  const mounter = systemMounter();
  for (const d of dirs.splice(0)) {
    for (const m of mounter.mountsUnder(d)) mounter.unmount(m);
    rmSync(d, { recursive: true, force: true });
  }
});

function podWith(volumes: unknown[]): PodObject {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { app: 'web', tier: 'a' } }, spec: { containers: [{ name: 'c' }], volumes } } as unknown as PodObject;
}

describe('pod volumes as host directories', () => {
  let cm: Record<string, string> = { 'a.conf': 'A', b: 'B' };
  const src = {
    configMap: async (_ns: string, name: string) => (name === 'cfg' ? { data: cm } as unknown as KeyedData : undefined),
    secret: async (_ns: string, name: string) => (name === 'sec' ? { data: { pw: Buffer.from('s3cret').toString('base64') } } as unknown as KeyedData : undefined),
    allocatable: { cpu: '2', memory: '1Gi' }, podIPs: ['10.0.0.9'], hostIPs: ['10.0.0.9'], warn: () => {},
  };

  it('writes configMap, secret, downwardAPI and projected files, refreshing and pruning them', async () => {
    const data = tmp();
    const pod = podWith([
      { name: 'cfg', configMap: { name: 'cfg' } },
      { name: 'sec', secret: { secretName: 'sec' } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
      { name: 'all', projected: { sources: [{ configMap: { name: 'cfg', items: [{ key: 'b', path: 'sub/b.txt' }] } }, { secret: { name: 'sec' } }] } },
      { name: 'scratch', emptyDir: {} },
    ]);
    const vols = await prepareVolumes(pod, data, src);
    expect(readFileSync(join(vols.get('cfg')!, 'a.conf'), 'utf8')).toBe('A');
    expect(readFileSync(join(vols.get('sec')!, 'pw'), 'utf8')).toBe('s3cret');
    expect(readFileSync(join(vols.get('info')!, 'labels'), 'utf8')).toBe('app="web"\ntier="a"');
    expect(readFileSync(join(vols.get('info')!, 'name'), 'utf8')).toBe('p');
    expect(readFileSync(join(vols.get('all')!, 'sub/b.txt'), 'utf8')).toBe('B');
    expect(readFileSync(join(vols.get('all')!, 'pw'), 'utf8')).toBe('s3cret');
    expect(existsSync(vols.get('scratch')!)).toBe(true);
    cm = { b: 'B2' };
    await prepareVolumes(pod, data, src);
    expect(existsSync(join(vols.get('cfg')!, 'a.conf'))).toBe(false);
    expect(readFileSync(join(vols.get('cfg')!, 'b'), 'utf8')).toBe('B2');
  });

  it('fails on a missing non-optional source and accepts an optional one', async () => {
    const data = tmp();
    await expect(prepareVolumes(podWith([{ name: 'x', configMap: { name: 'nope' } }]), data, src)).rejects.toThrow(VolumeError);
    await expect(prepareVolumes(podWith([{ name: 'x', configMap: { name: 'nope' } }]), data, src)).rejects.toThrow('MountVolume.SetUp failed for volume "x" : configmap "nope" not found');
    const ok = await prepareVolumes(podWith([{ name: 'x', configMap: { name: 'nope', optional: true } }]), data, src);
    expect(ok.has('x')).toBe(true);
  });

  it('exposes mounts to host processes: env var, symlink where possible, warning otherwise; cleanup removes the links', async () => {
    const data = tmp();
    const where = tmp();
    const pod = podWith([{ name: 'my-data', emptyDir: {} }]);
    const vols = await prepareVolumes(pod, data, src);
    const container = { name: 'c', volumeMounts: [{ name: 'my-data', mountPath: join(where, 'mnt') }, { name: 'my-data', mountPath: '/proc/kites-cannot' }] };
    const mounts = containerMounts(container, vols);
    const warnings: string[] = [];
    const env = exposeMountsOnHost(container, mounts, podDir(data, 'u1'), (_r, m) => warnings.push(m));
    expect(env[0]).toEqual({ name: volumeEnvName('my-data'), value: vols.get('my-data') });
    expect(volumeEnvName('my-data')).toBe('KITES_VOLUME_MY_DATA');
    expect(lstatSync(join(where, 'mnt')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(where, 'mnt'))).toBe(vols.get('my-data'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot mount volume "my-data" at \/proc\/kites-cannot/);
    cleanupPodDir(data, 'u1');
    expect(existsSync(join(where, 'mnt'))).toBe(false);
    expect(existsSync(podDir(data, 'u1'))).toBe(false);
  });

  it('honours items, their modes and defaultMode (0644 when unset), and marks projected volumes read-only', async () => {
    const data = tmp();
    cm = { 'a.conf': 'A', b: 'B' };
    const pod = podWith([
      { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a.conf', path: 'conf/a', mode: 0o600 }, { key: 'b', path: 'b' }], defaultMode: 0o640 } },
      { name: 'sec', secret: { secretName: 'sec' } },
      { name: 'proj', projected: { defaultMode: 0o400, sources: [{ configMap: { name: 'cfg' } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' }, mode: 0o444 }] } }] } },
      { name: 'scratch', emptyDir: {} },
    ]);
    const vols = await prepareVolumes(pod, data, src);
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(readFileSync(join(vols.get('cfg')!, 'conf/a'), 'utf8')).toBe('A');
    expect(mode(join(vols.get('cfg')!, 'conf/a'))).toBe(0o600);
    expect(mode(join(vols.get('cfg')!, 'b'))).toBe(0o640);
    expect(mode(join(vols.get('sec')!, 'pw'))).toBe(0o644);
    expect(mode(join(vols.get('proj')!, 'b'))).toBe(0o400);
    expect(mode(join(vols.get('proj')!, 'ns'))).toBe(0o444);
    expect(readFileSync(join(vols.get('proj')!, 'ns'), 'utf8')).toBe('ns');
    const c = { name: 'c', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'scratch', mountPath: '/tmp/s' }, { name: 'scratch', mountPath: '/tmp/r', readOnly: true }] };
    expect(containerMounts(c, vols).map((m) => m.readOnly)).toEqual([true, false, true]);
    await expect(prepareVolumes(podWith([{ name: 'x', configMap: { name: 'cfg', items: [{ key: 'nokey', path: 'n' }] } }]), data, src))
      .rejects.toThrow('MountVolume.SetUp failed for volume "x" : configmap references non-existent config key: nokey');
  });

  it('hostPath type failures are FailedMount errors with upstream wording', async () => {
    const data = tmp();
    await expect(prepareVolumes(podWith([{ name: 'h', hostPath: { path: join(data, 'missing'), type: 'Directory' } }]), data, src))
      .rejects.toThrow(`MountVolume.SetUp failed for volume "h" : hostPath ${join(data, 'missing')} doesn't exist`);
    const vols = await prepareVolumes(podWith([{ name: 'h', hostPath: { path: join(data, 'made'), type: 'DirectoryOrCreate' } }]), data, src);
    expect(vols.get('h')).toBe(join(data, 'made'));
  });

  it('subPath and subPathExpr mounts resolve inside the volume; escapes are config errors', async () => {
    const data = tmp();
    const vols = await prepareVolumes(podWith([{ name: 'scratch', emptyDir: {} }]), data, src);
    const c = { name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/a', subPath: 'x/y' }, { name: 'scratch', mountPath: '/b', subPathExpr: '$(POD)' }] };
    const mounts = containerMounts(c, vols, [{ name: 'POD', value: 'p-0' }]);
    expect(mounts.map((m) => m.hostPath)).toEqual([join(vols.get('scratch')!, 'x/y'), join(vols.get('scratch')!, 'p-0')]);
    expect(() => containerMounts({ name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/a', subPath: '../../etc' }] }, vols)).toThrow(SubPathError);
  });

  it.skipIf(process.getuid?.() !== 0)('fsGroup: emptyDir and configMap files are group-owned (root only)', async () => {
    const data = tmp();
    cm = { k: 'v' };
    const pod = podWith([{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch', emptyDir: {} }]);
    (pod.spec as { securityContext?: unknown }).securityContext = { fsGroup: 1234 };
    const vols = await prepareVolumes(pod, data, src);
    expect(statSync(join(vols.get('cfg')!, 'k')).gid).toBe(1234);
    const s = statSync(vols.get('scratch')!);
    expect(s.gid).toBe(1234);
    expect(s.mode & 0o2070).toBe(0o2070);
  });

  it.skipIf(process.getuid?.() !== 0)('a Memory emptyDir is a tmpfs, unmounted when the pod dir is cleaned up (root only)', async () => {
    const data = tmp();
    const pod = podWith([{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } }]);
    const vols = await prepareVolumes(pod, data, src);
    expect(isMountPoint(vols.get('mem')!)).toBe(true);
    expect(cleanupPodDir(data, 'u1')).toBe(true);
    expect(systemMounter().mountsUnder(data)).toEqual([]);
    expect(existsSync(podDir(data, 'u1'))).toBe(false);
  });

  it('orphaned pod directories are removed, known ones kept', async () => {
    const data = tmp();
    await prepareVolumes(podWith([{ name: 'scratch', emptyDir: {} }]), data, src);
    expect(cleanupOrphanedPodDirs(data, new Set(['u1']))).toEqual([]);
    expect(existsSync(podDir(data, 'u1'))).toBe(true);
    expect(cleanupOrphanedPodDirs(data, new Set())).toEqual(['u1']);
    expect(existsSync(podDir(data, 'u1'))).toBe(false);
  });
});
