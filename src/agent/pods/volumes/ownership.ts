// fsGroup ownership, as kubelet's SetVolumeOwnership: every file and directory of the volume
// becomes group-owned by the pod's fsGroup, gains group read (and write unless the volume is
// read-only), and directories gain group execute and setgid so files created later inherit the
// group. Symlinks are re-grouped (lchown) but never chmod-ed (that would follow them).
// fsGroupChangePolicy OnRootMismatch skips the walk when the volume root already looks right.
import { chmodSync, lchownSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

const rwMask = 0o660;
const roMask = 0o440;
const execMask = 0o110;
const setgid = 0o2000;

export type FsGroupChangePolicy = 'Always' | 'OnRootMismatch';

/** Whether the root of a volume still needs its ownership changed (upstream requiresPermissionChange). */
export function requiresPermissionChange(root: string, fsGroup: number, readOnly: boolean): boolean {
  let st: Stats;
  try {
    st = lstatSync(root);
  } catch {
    return true;
  }
  if (st.gid !== fsGroup) return true;
  if ((st.mode & setgid) === 0) return true;
  const want = readOnly ? roMask : rwMask;
  return (st.mode & want) !== want;
}

function changeOne(path: string, st: Stats, fsGroup: number, readOnly: boolean): void {
  // Upstream logs and carries on when one file cannot be changed; so does this.
  try {
    lchownSync(path, -1, fsGroup);
  } catch {
    // e.g. not root: leave it
  }
  if (st.isSymbolicLink()) return;
  let mask = readOnly ? roMask : rwMask;
  if (st.isDirectory()) mask |= setgid | execMask;
  try {
    chmodSync(path, (st.mode & 0o7777) | mask);
  } catch {
    // leave it
  }
}

/** Applies fsGroup to everything under root (root included). */
export function setVolumeOwnership(root: string, fsGroup: number | undefined, opts: { readOnly: boolean; policy?: FsGroupChangePolicy }): void {
  if (fsGroup === undefined) return;
  if (opts.policy === 'OnRootMismatch' && !requiresPermissionChange(root, fsGroup, opts.readOnly)) return;
  const walk = (path: string) => {
    let st: Stats;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    changeOne(path, st, fsGroup, opts.readOnly);
    if (!st.isDirectory()) return;
    for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
}
