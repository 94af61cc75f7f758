import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/testing/fake-clock.js';
import { silentLogger } from '../../api/log.js';
import type { ContainerStatus, ImageInfo } from '../runtime/types.js';
import { ImageGC, selectImagesToFree, startImageGC, statfsImageFs, type ImageRecord } from './gc.js';
import { nodeStatusImagesFrom } from './node-images.js';

const img = (id: string, size: number, tags: string[] = [], digests: string[] = []): ImageInfo => ({ id, size, repoTags: tags, repoDigests: digests });
const rec = (info: ImageInfo, p: Partial<ImageRecord> = {}): ImageRecord => ({ info, firstDetected: 0, lastUsed: 0, inUse: false, pinned: false, ...p });

describe('image GC selection', () => {
  it('frees least recently used unused images first, skipping pinned and young ones', () => {
    const now = 1_000_000;
    const records = [
      rec(img('a', 100), { lastUsed: 500 }),
      rec(img('b', 100), { lastUsed: 100 }),
      rec(img('c', 100), { lastUsed: 100, firstDetected: 0 }),
      rec(img('used', 100), { inUse: true }),
      rec(img('pause', 100), { pinned: true }),
      rec(img('young', 100), { firstDetected: now - 1000 }),
      rec(img('d', 100), { lastUsed: 900 }),
    ];
    expect(selectImagesToFree(records, 150, now, 120_000).map((i) => i.id)).toEqual(['b', 'c']);
    expect(selectImagesToFree(records, 10_000, now, 120_000).map((i) => i.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(selectImagesToFree(records, 0, now, 0)).toEqual([]);
  });
});

describe('ImageGC', () => {
  function setup(fs: { capacityBytes: number; availableBytes: number }) {
    const clock = new FakeClock();
    const images = new Map<string, ImageInfo>([
      ['sha256:pause', img('sha256:pause', 300, ['registry.k8s.io/pause:3.9'])],
      ['sha256:busy', img('sha256:busy', 200, ['docker.io/library/busybox:1.36'], ['docker.io/library/busybox@sha256:bb'])],
      ['sha256:old', img('sha256:old', 400, ['docker.io/library/old:1'])],
      ['sha256:new', img('sha256:new', 500, ['docker.io/library/new:1'])],
    ]);
    const containers: ContainerStatus[] = [{ id: 'c1', name: 'c', attempt: 0, state: 'exited', createdAt: 0, image: 'busybox:1.36', logPath: '' }];
    const removed: string[] = [];
    const failures: string[] = [];
    const gc = new ImageGC({
      images: { listImages: async () => [...images.values()], removeImage: async ({ image }) => { removed.push(image); images.delete(image); }, pullImage: async () => '', imageStatus: async () => undefined },
      runtime: { listContainers: async () => containers },
      fsStats: async () => fs, pauseImage: 'registry.k8s.io/pause:3.9', clock, log: silentLogger, onFailure: (m) => failures.push(m),
    });
    return { clock, gc, removed, failures, images, containers };
  }

  it('does nothing under the high threshold', async () => {
    const t = setup({ capacityBytes: 10_000, availableBytes: 1_600 });
    await t.gc.detect();
    await t.clock.advance(200_000);
    expect(await t.gc.garbageCollect()).toEqual({ freedBytes: 0, removed: [] });
  });

  it('removes unused images down to the low threshold, least recently used first, never the pause image', async () => {
    const t = setup({ capacityBytes: 10_000, availableBytes: 1_500 });
    await t.gc.detect();
    await t.clock.advance(60_000);
    // "new" was used a minute after "old" was last seen in use.
    t.containers.push({ id: 'c2', name: 'n', attempt: 0, state: 'exited', createdAt: 0, image: 'docker.io/library/new:1', logPath: '' });
    await t.gc.detect();
    t.containers.pop();
    await t.clock.advance(120_000);
    // 85 % used; to reach 80 % free 500 bytes: "old" (never used) goes first, then "new".
    expect(await t.gc.garbageCollect()).toEqual({ freedBytes: 900, removed: ['sha256:old', 'sha256:new'] });
    expect(t.failures).toEqual([]);
  });

  it('reports when not enough can be freed', async () => {
    const t = setup({ capacityBytes: 10_000, availableBytes: 0 });
    await t.gc.detect();
    await t.clock.advance(200_000);
    const r = await t.gc.garbageCollect();
    expect(r.removed.sort()).toEqual(['sha256:new', 'sha256:old']);
    expect(t.failures).toEqual(['Failed to garbage collect required amount of images. Attempted to free 2000 bytes, but only found 900 bytes eligible to free.']);
  });

  it('runs as a loop that can be stopped', async () => {
    const t = setup({ capacityBytes: 10_000, availableBytes: 0 });
    const loop = startImageGC({
      images: { listImages: async () => [...t.images.values()], removeImage: async ({ image }) => { t.removed.push(image); t.images.delete(image); }, pullImage: async () => '', imageStatus: async () => undefined },
      runtime: { listContainers: async () => t.containers }, fsStats: async () => ({ capacityBytes: 10_000, availableBytes: 0 }),
      pauseImage: 'registry.k8s.io/pause:3.9', clock: t.clock, log: silentLogger,
    });
    await t.clock.advance(330_000);
    expect(t.removed.sort()).toEqual(['sha256:new', 'sha256:old']);
    loop.stop();
    expect(t.clock.pending).toBe(0);
  });

  it('reads filesystem stats with statfs', async () => {
    const s = await statfsImageFs('/');
    expect(s.capacityBytes).toBeGreaterThan(0);
    expect(s.availableBytes).toBeLessThanOrEqual(s.capacityBytes);
  });
});

describe('node status images', () => {
  it('lists digests then tags (5 names at most), largest first, 50 images at most', () => {
    const many = Array.from({ length: 60 }, (_, i) => img(`i${i}`, i, [`t${i}`]));
    const list = nodeStatusImagesFrom([img('x', 1000, ['a:1', 'b:1', 'c:1', 'd:1'], ['a@sha256:1', 'b@sha256:2']), ...many]);
    expect(list).toHaveLength(50);
    expect(list[0]).toEqual({ names: ['a@sha256:1', 'b@sha256:2', 'a:1', 'b:1', 'c:1'], sizeBytes: 1000 });
    expect(list[1]).toEqual({ names: ['t59'], sizeBytes: 59 });
  });
});
