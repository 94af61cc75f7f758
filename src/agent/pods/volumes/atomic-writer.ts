// Projected volume contents (configMap, secret, downwardAPI, projected) published the way
// kubelet's AtomicWriter does, so that a container which bind-mounted the volume directory sees
// one whole generation or the next, never a mix:
//
//   <dir>/..2026_11_22_23_40_01.123456   one generation of the payload (real files)
//   <dir>/..data -> ..2026_11_22_23_40_01.123456   switched by renaming a fresh symlink over it
//   <dir>/<key>  -> ..data/<key>          the user-visible entries (first path component)
//
// A write that would not change anything (same paths, bytes and modes) does nothing; after a
// switch the old generation and user-visible entries no longer in the payload are removed.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { setVolumeOwnership } from './ownership.js';

export const dataDirName = '..data';
const dataDirTmpName = '..data_tmp';

export interface PayloadFile {
  data: Buffer;
  /** Permission bits of the file (items[].mode, else defaultMode, else 0644). */
  mode: number;
}

/** Relative path (may contain '/') → file. */
export type Payload = Map<string, PayloadFile>;

export class PayloadPathError extends Error {}

export interface AtomicWriteOptions {
  /** Pod fsGroup: the generation is group-owned by it and group-readable. */
  fsGroup?: number;
  now?: () => Date;
}

/** Upstream's payload path rules: relative, no '..' component, not starting with '..'. */
export function validatePayloadPath(path: string): void {
  if (path === '') throw new PayloadPathError('invalid path: must not be empty');
  if (isAbsolute(path)) throw new PayloadPathError(`invalid path: must not be absolute path: ${path}`);
  if (path.split('/').includes('..')) throw new PayloadPathError(`invalid path: must not contain '..': ${path}`);
  if (path.startsWith('..')) throw new PayloadPathError(`invalid path: must not start with '..': ${path}`);
}

function effectiveMode(mode: number, fsGroup: number | undefined): number {
  return fsGroup === undefined ? mode & 0o7777 : (mode | 0o440) & 0o7777;
}

/** Files (relative paths) of one generation directory, with their bytes and modes. */
function readGeneration(dir: string): Map<string, { data: Buffer; mode: number }> | undefined {
  const out = new Map<string, { data: Buffer; mode: number }>();
  const walk = (rel: string): boolean => {
    const abs = join(dir, rel);
    for (const name of readdirSync(abs)) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) {
        if (!walk(r)) return false;
      } else if (st.isFile()) {
        out.set(r, { data: readFileSync(join(dir, r)), mode: st.mode & 0o7777 });
      } else {
        return false;
      }
    }
    return true;
  };
  try {
    return walk('') ? out : undefined;
  } catch {
    return undefined;
  }
}

function samePayload(current: Map<string, { data: Buffer; mode: number }>, payload: Payload, fsGroup: number | undefined): boolean {
  if (current.size !== payload.size) return false;
  for (const [path, f] of payload) {
    const c = current.get(path);
    if (!c || !c.data.equals(f.data) || c.mode !== effectiveMode(f.mode, fsGroup)) return false;
  }
  return true;
}

function currentGeneration(dir: string): string | undefined {
  try {
    return readlinkSync(join(dir, dataDirName));
  } catch {
    return undefined;
  }
}

/** `..YYYY_MM_DD_HH_MM_SS.` as upstream names its generations (a random suffix follows). */
function generationPrefix(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

function topLevel(payload: Payload): Set<string> {
  return new Set([...payload.keys()].map((k) => k.split('/')[0]!));
}

/** Makes every user-visible entry a symlink into ..data; replaces anything else in its place. */
function linkUserVisible(dir: string, names: Set<string>): void {
  for (const name of names) {
    const path = join(dir, name);
    const want = `${dataDirName}/${name}`;
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink() && readlinkSync(path) === want) continue;
      rmSync(path, { recursive: true, force: true });
    } catch {
      // missing: create it
    }
    symlinkSync(want, path);
  }
}

/** Removes old generations and user-visible entries that the payload no longer has. */
function prune(dir: string, generation: string, names: Set<string>): void {
  for (const name of readdirSync(dir)) {
    if (name === dataDirName || name === generation || names.has(name)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Publishes the payload in dir atomically. Returns true when a new generation was written,
 * false when the current one already matched.
 */
export function writePayloadAtomically(dir: string, payload: Payload, opts: AtomicWriteOptions = {}): boolean {
  for (const path of payload.keys()) validatePayloadPath(path);
  mkdirSync(dir, { recursive: true });
  const names = topLevel(payload);
  const old = currentGeneration(dir);
  if (old) {
    const current = readGeneration(join(dir, old));
    if (current && samePayload(current, payload, opts.fsGroup)) {
      linkUserVisible(dir, names);
      prune(dir, old, names);
      return false;
    }
  }
  const genPath = mkdtempSync(join(dir, generationPrefix((opts.now ?? (() => new Date()))())));
  const generation = genPath.slice(dir.length + 1);
  chmodSync(genPath, 0o755);
  for (const [path, f] of payload) {
    const file = join(genPath, path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, f.data);
    chmodSync(file, f.mode & 0o7777);
  }
  // Ownership is settled before the generation becomes visible.
  setVolumeOwnership(genPath, opts.fsGroup, { readOnly: true });
  const tmpLink = join(dir, dataDirTmpName);
  rmSync(tmpLink, { force: true });
  symlinkSync(generation, tmpLink);
  renameSync(tmpLink, join(dir, dataDirName));
  linkUserVisible(dir, names);
  prune(dir, generation, names);
  if (opts.fsGroup !== undefined) setVolumeOwnership(dir, opts.fsGroup, { readOnly: true, policy: 'OnRootMismatch' });
  return true;
}
