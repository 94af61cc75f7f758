// The few host mounts the agent itself makes: tmpfs for emptyDir medium Memory (as kubelet's
// emptyDir plugin does), found again through /proc/self/mountinfo and unmounted when the pod's
// volumes are torn down — also after an agent restart, since nothing is kept in memory.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

export interface HostMounter {
  /** Whether this process may mount (root). */
  canMount(): boolean;
  mountTmpfs(dir: string, options: string[]): Promise<void>;
  /** Mount points at or under dir, deepest first. */
  mountsUnder(dir: string): string[];
  /** Unmounts one mount point; false when it could not. Synchronous: used in pod teardown. */
  unmount(dir: string): boolean;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.push(unescapeMountPath(f[4]!));
  }
  return out;
}

export function mountPointsUnder(all: string[], dir: string): string[] {
  const root = resolve(dir);
  const found = all.filter((m) => m === root || m.startsWith(root + sep));
  // Deepest first, so nested mounts come off before their parents.
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

/** True when dir is a mount point (its device differs from its parent's). */
export function isMountPoint(dir: string): boolean {
  try {
    return statSync(dir).dev !== statSync(dirname(resolve(dir))).dev;
  } catch {
    return false;
  }
}

export function systemMounter(): HostMounter {
  return {
    canMount: () => process.getuid?.() === 0,
    mountTmpfs: (dir, options) => new Promise((res, rej) => {
      const args = ['-t', 'tmpfs', ...(options.length ? ['-o', options.join(',')] : []), 'tmpfs', dir];
      execFile('mount', args, { timeout: 30_000 }, (err, _out, stderr) => {
        if (err) rej(new Error(`mount ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
        else res();
      });
    }),
    mountsUnder: (dir) => {
      try {
        return mountPointsUnder(parseMountPoints(readFileSync('/proc/self/mountinfo', 'utf8')), dir);
      } catch {
        return [];
      }
    },
    unmount: (dir) => spawnSync('umount', [dir], { timeout: 30_000 }).status === 0,
  };
}
