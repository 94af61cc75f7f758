// emptyDir, as kubelet's emptyDir plugin: medium "" is a directory (mode 0777) under the pod's
// volumes; medium Memory is a tmpfs mounted there, sized as upstream sizes it (the smallest of
// node allocatable memory, the pod's memory limit and the volume's sizeLimit). Mounting needs
// root; without it the agent falls back to a plain directory and says so once with a warning.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { Quantity } from '../../../api/quantity.js';
import type { PodObject } from '../pod-types.js';
import { isMountPoint, type HostMounter } from './mounts.js';
import { setVolumeOwnership, type FsGroupChangePolicy } from './ownership.js';

export interface EmptyDirSource { medium?: string; sizeLimit?: unknown }

export interface EmptyDirContext {
  mounter: HostMounter;
  /** Node allocatable memory (a quantity). */
  allocatableMemory?: string;
  fsGroup?: number;
  fsGroupChangePolicy?: FsGroupChangePolicy;
  warn(reason: string, message: string): void;
}

function bytes(q: unknown): number | undefined {
  if (typeof q !== 'string' && typeof q !== 'number') return undefined;
  const v = Quantity.tryParse(q);
  if (!v || v.sign() <= 0) return undefined;
  return v.value();
}

/** The pod's memory limit: the sum over app containers, or the largest init container's, when every one has a limit. */
function podMemoryLimit(pod: PodObject): number | undefined {
  const limit = (c: { resources?: { limits?: Record<string, unknown> } }) => bytes(c.resources?.limits?.memory);
  let sum = 0;
  for (const c of pod.spec.containers) {
    const l = limit(c);
    if (l === undefined) return undefined;
    sum += l;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const l = limit(c);
    if (l === undefined) return undefined;
    sum = Math.max(sum, l);
  }
  return sum;
}

/** tmpfs size in bytes for a Memory emptyDir (undefined: the kernel's default). */
export function memoryVolumeSize(pod: PodObject, source: EmptyDirSource, allocatableMemory: string | undefined): number | undefined {
  let size = bytes(allocatableMemory);
  for (const cap of [podMemoryLimit(pod), bytes(source.sizeLimit)]) {
    if (cap !== undefined && (size === undefined || cap <= size)) size = cap;
  }
  return size;
}

/** Sets up one emptyDir at dir (idempotent: called on every pod sync). */
export async function setUpEmptyDir(dir: string, pod: PodObject, source: EmptyDirSource, volumeName: string, ctx: EmptyDirContext): Promise<void> {
  const fresh = !existsSync(dir);
  if (fresh) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
  }
  if (source.medium === 'Memory') {
    if (!ctx.mounter.canMount()) {
      if (fresh) ctx.warn('FailedMount', `MountVolume.SetUp for volume "${volumeName}": the node agent is not root and cannot mount a tmpfs; the Memory emptyDir is a plain directory on disk`);
    } else if (!isMountPoint(dir)) {
      const size = memoryVolumeSize(pod, source, ctx.allocatableMemory);
      await ctx.mounter.mountTmpfs(dir, size !== undefined ? [`size=${size}`] : []);
    }
  } else if (source.medium) {
    if (fresh) ctx.warn('FailedMount', `MountVolume.SetUp for volume "${volumeName}": emptyDir medium "${source.medium}" is not supported by the node agent; a plain directory stands in for it`);
  }
  // Upstream changes ownership when the volume is set up; OnRootMismatch re-checks the root each sync.
  // Later syncs only look at the root (a full walk every 10 s would be too costly).
  if (ctx.fsGroup !== undefined) {
    setVolumeOwnership(dir, ctx.fsGroup, { readOnly: false, policy: fresh ? ctx.fsGroupChangePolicy ?? 'Always' : 'OnRootMismatch' });
  }
}
