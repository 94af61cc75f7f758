import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareVolumes, containerMounts, exposeMountsOnHost, cleanupPodDir, podDir, volumeEnvName, VolumeError } from './volumes.js';
import type { KeyedData, PodObject } from './pod-types.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'kites-vol-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

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
});
