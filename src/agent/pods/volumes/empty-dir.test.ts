import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setUpEmptyDir, memoryVolumeSize } from './empty-dir.js';
import { isMountPoint, systemMounter, parseMountPoints, mountPointsUnder, type HostMounter } from './mounts.js';
import type { PodObject } from '../pod-types.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'kites-ed-')); dirs.push(d); return d; };
const mounter = systemMounter();
afterEach(() => {
  for (const d of dirs.splice(0)) {
    for (const m of mounter.mountsUnder(d)) mounter.unmount(m);
    rmSync(d, { recursive: true, force: true });
  }
});
const isRoot = process.getuid?.() === 0;
const pod = (limits?: string[]): PodObject => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  spec: { containers: (limits ?? [undefined as unknown as string]).map((l, i) => ({ name: `c${i}`, resources: l ? { limits: { memory: l } } : {} })) },
}) as unknown as PodObject;

describe('emptyDir', () => {
  it('medium "" is a 0777 directory', async () => {
    const dir = join(tmp(), 'scratch');
    await setUpEmptyDir(dir, pod(), {}, 'scratch', { mounter, warn: () => {} });
    expect(statSync(dir).mode & 0o777).toBe(0o777);
    expect(isMountPoint(dir)).toBe(false);
  });

  it('tmpfs size: the smallest of allocatable, pod limit and sizeLimit', () => {
    expect(memoryVolumeSize(pod(), {}, '1Gi')).toBe(1024 ** 3);
    expect(memoryVolumeSize(pod(['64Mi', '64Mi']), {}, '1Gi')).toBe(128 * 1024 ** 2);
    expect(memoryVolumeSize(pod(['64Mi', '64Mi']), { sizeLimit: '16Mi' }, '1Gi')).toBe(16 * 1024 ** 2);
    expect(memoryVolumeSize(pod(['64Mi']), { sizeLimit: '2Gi' }, '1Gi')).toBe(64 * 1024 ** 2);
    expect(memoryVolumeSize(pod(), {}, undefined)).toBeUndefined();
  });

  it('medium Memory without root: a plain directory and one warning', async () => {
    const dir = join(tmp(), 'mem');
    const warnings: string[] = [];
    const notRoot: HostMounter = { ...mounter, canMount: () => false, mountTmpfs: async () => { throw new Error('must not mount'); } };
    await setUpEmptyDir(dir, pod(), { medium: 'Memory' }, 'mem', { mounter: notRoot, warn: (_r, m) => warnings.push(m) });
    await setUpEmptyDir(dir, pod(), { medium: 'Memory' }, 'mem', { mounter: notRoot, warn: (_r, m) => warnings.push(m) });
    expect(existsSync(dir)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot mount a tmpfs/);
  });

  it.skipIf(!isRoot)('medium Memory as root: a tmpfs with size=, mounted once, unmounted on teardown (root only)', async () => {
    const base = tmp();
    const dir = join(base, 'mem');
    await setUpEmptyDir(dir, pod(), { medium: 'Memory', sizeLimit: '8Mi' }, 'mem', { mounter, allocatableMemory: '1Gi', warn: () => {} });
    await setUpEmptyDir(dir, pod(), { medium: 'Memory', sizeLimit: '8Mi' }, 'mem', { mounter, allocatableMemory: '1Gi', warn: () => {} });
    expect(isMountPoint(dir)).toBe(true);
    expect(mounter.mountsUnder(base)).toEqual([dir]);
    const { statfsSync } = await import('node:fs');
    const fs = statfsSync(dir);
    expect(fs.blocks * fs.bsize).toBe(8 * 1024 * 1024);
    expect(mounter.unmount(dir)).toBe(true);
    expect(mounter.mountsUnder(base)).toEqual([]);
  });

  it('parses mountinfo mount points (escaped) and orders nested ones deepest first', () => {
    const info = [
      '22 1 8:1 / / rw - ext4 /dev/sda1 rw',
      '90 22 0:50 / /data/pods/u1/volumes/my\\040vol rw - tmpfs tmpfs rw',
      '91 90 0:51 / /data/pods/u1/volumes/my\\040vol/inner rw - tmpfs tmpfs rw',
      '92 22 0:52 / /data/pods/u10/volumes/x rw - tmpfs tmpfs rw',
    ].join('\n');
    const all = parseMountPoints(info);
    expect(all).toContain('/data/pods/u1/volumes/my vol');
    expect(mountPointsUnder(all, '/data/pods/u1')).toEqual(['/data/pods/u1/volumes/my vol/inner', '/data/pods/u1/volumes/my vol']);
  });
});
