// Image garbage collection as the kubelet's image GC manager (pkg/kubelet/images/image_gc_manager.go):
// when the image filesystem is at least HighThresholdPercent (85) full, images no container uses
// are removed, least recently used first (then oldest detected), until usage is back under
// LowThresholdPercent (80). Images detected less than MinAge (2 min) ago and the pause image are
// never removed. Image use is refreshed every 30 s; a collection runs every 5 min.
import { statfs } from 'node:fs/promises';
import type { Logger } from '../../api/log.js';
import type { Clock } from '../../client/clock.js';
import type { ContainerStatus, ImageInfo, ImageService, RuntimeService } from '../runtime/types.js';
import { parseImageName, repositoryOf } from './image-name.js';

export interface ImageGCPolicy { highThresholdPercent: number; lowThresholdPercent: number; minAgeMs: number }
export const defaultImageGCPolicy: ImageGCPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 120_000 };

export interface ImageFsStats { capacityBytes: number; availableBytes: number }

export interface ImageRecord { info: ImageInfo; firstDetected: number; lastUsed: number; inUse: boolean; pinned: boolean }

/** Capacity and free space of the filesystem holding `path` (containerd's root). */
export async function statfsImageFs(path: string): Promise<ImageFsStats> {
  const s = await statfs(path);
  return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
}

/** The names an image reference may appear under: as written and fully qualified. */
function nameForms(ref: string): string[] {
  const out = [ref];
  try {
    const n = parseImageName(ref);
    const repo = repositoryOf(n);
    out.push(n.digest ? `${repo}@${n.digest}` : `${repo}:${n.tag ?? 'latest'}`);
  } catch { /* an id or digest */ }
  return out;
}

function imageMatches(info: ImageInfo, refs: Set<string>): boolean {
  return refs.has(info.id) || info.repoTags.some((t) => refs.has(t)) || info.repoDigests.some((d) => refs.has(d));
}

/**
 * Which unused images to remove to free `bytesToFree`, in upstream's order: least recently used,
 * then first detected; skipping pinned images and those younger than the minimum age.
 */
export function selectImagesToFree(records: ImageRecord[], bytesToFree: number, now: number, minAgeMs: number): ImageInfo[] {
  const candidates = records
    .filter((r) => !r.inUse && !r.pinned && r.firstDetected !== now && now - r.firstDetected >= minAgeMs)
    .sort((a, b) => a.lastUsed - b.lastUsed || a.firstDetected - b.firstDetected);
  const out: ImageInfo[] = [];
  let freed = 0;
  for (const r of candidates) {
    if (freed >= bytesToFree) break;
    out.push(r.info);
    freed += r.info.size;
  }
  return out;
}

export interface ImageGCOptions {
  images: ImageService;
  runtime: Pick<RuntimeService, 'listContainers'>;
  /** The image filesystem's usage (ImageFsInfo, or statfsImageFs of containerd's root). */
  fsStats(): Promise<ImageFsStats>;
  pauseImage: string;
  clock: Clock;
  log: Logger;
  policy?: Partial<ImageGCPolicy>;
  /** A collection that could not free enough (upstream's ImageGCFailed node event). */
  onFailure?(message: string): void;
}

export class ImageGC {
  private readonly records = new Map<string, { firstDetected: number; lastUsed: number }>();
  readonly policy: ImageGCPolicy;
  private readonly pinned: Set<string>;

  constructor(private readonly o: ImageGCOptions) {
    this.policy = { ...defaultImageGCPolicy, ...o.policy };
    this.pinned = new Set(nameForms(o.pauseImage));
  }

  /** Lists images and containers; records first detection and last use. */
  async detect(now = this.o.clock.now()): Promise<ImageRecord[]> {
    const [images, containers] = await Promise.all([this.o.images.listImages(), this.o.runtime.listContainers()]);
    const used = new Set<string>();
    for (const c of containers as ContainerStatus[]) {
      for (const r of nameForms(c.image)) used.add(r);
      if (c.imageRef) for (const r of nameForms(c.imageRef)) used.add(r);
    }
    const seen = new Set<string>();
    const out: ImageRecord[] = [];
    for (const info of images) {
      seen.add(info.id);
      let rec = this.records.get(info.id);
      if (!rec) {
        rec = { firstDetected: now, lastUsed: 0 };
        this.records.set(info.id, rec);
      }
      const inUse = imageMatches(info, used);
      if (inUse) rec.lastUsed = now;
      out.push({ info, ...rec, inUse, pinned: imageMatches(info, this.pinned) });
    }
    for (const id of [...this.records.keys()]) if (!seen.has(id)) this.records.delete(id);
    return out;
  }

  /** One collection; resolves with the bytes freed and the images removed. */
  async garbageCollect(): Promise<{ freedBytes: number; removed: string[] }> {
    const fs = await this.o.fsStats();
    const capacity = fs.capacityBytes;
    const available = Math.min(fs.availableBytes, capacity);
    if (capacity <= 0) throw new Error('invalid capacity 0 on image filesystem');
    const usage = 100 - Math.floor((available * 100) / capacity);
    if (usage < this.policy.highThresholdPercent) return { freedBytes: 0, removed: [] };
    const toFree = Math.floor((capacity * (100 - this.policy.lowThresholdPercent)) / 100) - available;
    this.o.log.info('image filesystem usage over the high threshold; removing unused images', { usage: `${usage}%`, high: `${this.policy.highThresholdPercent}%`, bytesToFree: toFree });
    const now = this.o.clock.now();
    const records = await this.detect(now);
    let freed = 0;
    const removed: string[] = [];
    for (const info of selectImagesToFree(records, toFree, now, this.policy.minAgeMs)) {
      try {
        await this.o.images.removeImage({ image: info.id });
        freed += info.size;
        removed.push(info.id);
        this.records.delete(info.id);
        this.o.log.info('removed unused image', { image: info.repoTags[0] ?? info.id, size: info.size });
      } catch (e) {
        this.o.log.warn('could not remove image', { image: info.id, err: e });
      }
    }
    if (freed < toFree) {
      const msg = `Failed to garbage collect required amount of images. Attempted to free ${toFree} bytes, but only found ${freed} bytes eligible to free.`;
      this.o.log.warn(msg);
      this.o.onFailure?.(msg);
    }
    return { freedBytes: freed, removed };
  }
}

/** Starts the loop: image use every `detectPeriodMs` (30 s), a collection every `gcPeriodMs` (5 min). */
export function startImageGC(o: ImageGCOptions & { detectPeriodMs?: number; gcPeriodMs?: number }): { gc: ImageGC; stop(): void } {
  const gc = new ImageGC(o);
  const detectMs = o.detectPeriodMs ?? 30_000;
  const gcMs = o.gcPeriodMs ?? 300_000;
  let stopped = false;
  let timer: unknown;
  let lastGC = o.clock.now();
  const tick = async () => {
    try {
      if (o.clock.now() - lastGC >= gcMs) {
        lastGC = o.clock.now();
        await gc.garbageCollect();
      } else {
        await gc.detect();
      }
    } catch (e) {
      o.log.warn('image garbage collection failed', { err: e });
    }
    if (!stopped) timer = o.clock.setTimeout(() => void tick(), detectMs);
  };
  void tick();
  return { gc, stop: () => { stopped = true; o.clock.clearTimeout(timer); } };
}
