// In-memory probes for the preflight tests: a host made of a file map, sysctls and an iptables
// FORWARD chain that the fake iptables understands well enough (-S, -A, -P).
import type { PreflightProbes } from './types.js';

/** Probes over an in-memory host: files (path → text; '' for a directory or binary). */
export function fakeProbes(files: Record<string, string>, opts: { uid?: number; path?: string[]; modprobe?: (m: string) => boolean; sysctls?: Record<string, string>; forwardPolicy?: string } = {}): PreflightProbes & { files: Record<string, string>; sysctls: Record<string, string>; forward: string[] } {
  const sysctls: Record<string, string> = opts.sysctls ?? {};
  const forward: string[] = [`-P FORWARD ${opts.forwardPolicy ?? 'ACCEPT'}`];
  return {
    files,
    sysctls,
    forward,
    uid: () => opts.uid ?? 0,
    which: async (b) => (opts.path ?? ['/usr/bin']).map((d) => `${d}/${b}`).find((p) => p in files),
    exists: async (p) => p in files,
    readFile: async (p) => files[p],
    readSysctl: async (k) => sysctls[k],
    writeSysctl: async (k, v) => { sysctls[k] = v; },
    iptables: async (args) => {
      if (args[0] === '-S') return forward.join('\n') + '\n';
      if (args[0] === '-A') {
        forward.push(args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' '));
        return '';
      }
      throw new Error(`fake iptables: unsupported ${args.join(' ')}`);
    },
    modprobe: async (m) => opts.modprobe?.(m) ?? false,
  };
}

