// The real probes: the host's files, PATH, sysctls and iptables — or, with a network namespace,
// that namespace's sysctls and iptables (`ip netns exec`), which is how the tests run them
// without touching the machine's own settings. Kernel modules are never loaded for a namespace
// run (modules are host-wide).
import { access, readFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { readSysctl, writeSysctl, runHostCommand } from '../../network/host/index.js';
import type { PreflightProbes } from './types.js';

export function systemProbes(opts: { netns?: string; path?: string } = {}): PreflightProbes {
  const netns = opts.netns;
  const which = async (binary: string): Promise<string | undefined> => {
    for (const dir of (opts.path ?? process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
      const p = join(dir, binary);
      try {
        await access(p, constants.X_OK);
        return p;
      } catch {
        // next
      }
    }
    return undefined;
  };
  return {
    uid: () => process.geteuid?.() ?? -1,
    which,
    exists: async (path) => {
      try {
        await access(path);
        return true;
      } catch {
        return false;
      }
    },
    readFile: async (path) => {
      try {
        return await readFile(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    readSysctl: (key) => readSysctl(key, { netns }),
    writeSysctl: (key, value) => writeSysctl(key, value, { netns }),
    iptables: (args) => runHostCommand('iptables', ['-w', '5', ...args], { netns, timeoutMs: 15_000 }),
    modprobe: async (module) => {
      if (netns || !(await which('modprobe'))) return false;
      try {
        await runHostCommand('modprobe', [module], { timeoutMs: 15_000 });
        return true;
      } catch {
        return false;
      }
    },
  };
}
