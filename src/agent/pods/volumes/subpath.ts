// subPath and subPathExpr of a volumeMount, resolved as kubelet's makeMounts does: the path is
// expanded from the container's environment ($(VAR); a missing or empty variable fails), must be
// relative and free of '..', is created when missing (with the volume directory's mode, each
// component checked so a symlink cannot lead the mkdir out of the volume), and must resolve —
// symlinks followed — to a place inside the volume. The mount source handed to the runtime is the
// resolved real path, so a symlink swapped in later cannot redirect the bind mount.
import { lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { ContainerConfigError, expand } from '../env.js';

/** A subPath that cannot be used: the container fails with CreateContainerConfigError. */
export class SubPathError extends ContainerConfigError {}

interface MountRef { name: string; subPath?: string; subPathExpr?: string }

/** subPathExpr expanded with the container's variables (upstream ExpandContainerVolumeMounts). */
export function expandSubPathExpr(expr: string, env: Array<{ name: string; value: string }>): string {
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const missing = new Set<string>();
  const out = expand(expr, (name) => {
    const v = vars.get(name);
    if (!v) missing.add(name);
    return v ?? '';
  });
  if (missing.size) throw new SubPathError(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Creates the missing components of sub under volume, refusing to go through a symlink that leaves it. */
function safeMakeDir(volumeReal: string, sub: string, mode: number, mountName: string, containerName: string): void {
  let cur = volumeReal;
  for (const part of sub.split('/').filter((p) => p && p !== '.')) {
    const next = join(cur, part);
    let exists = true;
    try {
      lstatSync(next);
    } catch {
      exists = false;
    }
    if (!exists) {
      try {
        mkdirSync(next, { mode });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new SubPathError(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`);
      }
    }
    let real: string;
    try {
      real = realpathSync(next);
    } catch {
      throw new SubPathError(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`);
    }
    if (!within(volumeReal, real)) throw new SubPathError(`failed to prepare subPath for volumeMount "${mountName}" of container "${containerName}"`);
    cur = real;
  }
}

/**
 * The host path to bind for a volumeMount with subPath/subPathExpr, or the volume path itself
 * when it has neither.
 */
export function resolveSubPath(volumePath: string, mount: MountRef, containerName: string, env: Array<{ name: string; value: string }> = []): string {
  let sub = mount.subPath ?? '';
  if (mount.subPathExpr) sub = expandSubPathExpr(mount.subPathExpr, env);
  if (!sub) return volumePath;
  if (isAbsolute(sub)) throw new SubPathError(`error SubPath \`${sub}\` must not be an absolute path`);
  if (sub.split('/').includes('..')) throw new SubPathError(`unable to provision SubPath \`${sub}\`: must not contain '..'`);
  let volumeReal: string;
  try {
    volumeReal = realpathSync(volumePath);
  } catch {
    throw new SubPathError(`failed to prepare subPath for volumeMount "${mount.name}" of container "${containerName}"`);
  }
  const target = join(volumeReal, sub);
  let exists = true;
  try {
    statSync(target);
  } catch {
    exists = false;
  }
  if (!exists) safeMakeDir(volumeReal, sub, statSync(volumeReal).mode & 0o7777, mount.name, containerName);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new SubPathError(`failed to prepare subPath for volumeMount "${mount.name}" of container "${containerName}"`);
  }
  if (!within(volumeReal, real)) throw new SubPathError(`failed to prepare subPath for volumeMount "${mount.name}" of container "${containerName}"`);
  return real;
}
