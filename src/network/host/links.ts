// Links, addresses, routes and sysctls through iproute2 and /proc/sys: idempotent so a restarted
// agent converges on the same state instead of failing on "File exists".
import { readFile, writeFile } from 'node:fs/promises';
import { runHostCommand, HostCommandError, type HostCommandOptions } from './command.js';

type Opts = Pick<HostCommandOptions, 'netns'>;

export async function linkExists(name: string, opts: Opts = {}): Promise<boolean> {
  try {
    await runHostCommand('ip', ['link', 'show', 'dev', name], opts);
    return true;
  } catch (e) {
    if (e instanceof HostCommandError) return false;
    throw e;
  }
}

/**
 * A dummy link (up) that holds local addresses, as kube-proxy's kube-ipvs0 does for service IPs,
 * and drops what is routed to it. Kernels built without the dummy driver get a bridge with no
 * ports instead, which behaves the same for both purposes.
 */
export async function ensureDummyLink(name: string, opts: Opts = {}): Promise<void> {
  if (!(await linkExists(name, opts))) {
    try {
      await runHostCommand('ip', ['link', 'add', name, 'type', 'dummy'], opts);
    } catch (e) {
      if (await linkExists(name, opts)) {
        // lost a race with another caller: fine
      } else if (e instanceof HostCommandError && /Unknown device type|not supported/i.test(e.stderr)) {
        await runHostCommand('ip', ['link', 'add', name, 'type', 'bridge'], opts).catch(async (e2) => {
          if (!(await linkExists(name, opts))) throw e2;
        });
      } else {
        throw e;
      }
    }
  }
  await runHostCommand('ip', ['link', 'set', name, 'up'], opts);
}

export async function deleteLink(name: string, opts: Opts = {}): Promise<void> {
  if (await linkExists(name, opts)) await runHostCommand('ip', ['link', 'del', name], opts).catch(() => {});
}

/** Addresses (CIDR form, e.g. 10.43.0.10/32) on a link. */
export async function linkAddresses(name: string, opts: Opts = {}): Promise<string[]> {
  const out = await runHostCommand('ip', ['-o', 'addr', 'show', 'dev', name], opts);
  const found: string[] = [];
  for (const line of out.split('\n')) {
    const m = /\binet6?\s+(\S+)/.exec(line);
    if (m) found.push(m[1]!);
  }
  return found;
}

export async function ensureAddress(link: string, cidr: string, opts: Opts = {}): Promise<void> {
  if ((await linkAddresses(link, opts)).includes(cidr)) return;
  await runHostCommand('ip', ['addr', 'replace', cidr, 'dev', link], opts);
}

export async function removeAddress(link: string, cidr: string, opts: Opts = {}): Promise<void> {
  await runHostCommand('ip', ['addr', 'del', cidr, 'dev', link], opts).catch(() => {});
}

/** `ip route replace ARGS…` (e.g. ['unreachable', '10.43.0.0/16'] or ['10.42.0.0/24', 'dev', 'cni0']). */
export async function replaceRoute(args: string[], opts: Opts = {}): Promise<void> {
  await runHostCommand('ip', ['route', 'replace', ...args], opts);
}

export async function deleteRoute(args: string[], opts: Opts = {}): Promise<void> {
  await runHostCommand('ip', ['route', 'del', ...args], opts).catch(() => {});
}

function sysctlPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, '/')}`;
}

/** Reads a sysctl (undefined when the key does not exist, e.g. br_netfilter not loaded). */
export async function readSysctl(key: string, opts: Opts = {}): Promise<string | undefined> {
  try {
    if (opts.netns) return (await runHostCommand('cat', [sysctlPath(key)], opts)).trim();
    return (await readFile(sysctlPath(key), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function writeSysctl(key: string, value: string, opts: Opts = {}): Promise<void> {
  if (opts.netns) await runHostCommand('sysctl', ['-q', '-w', `${key}=${value}`], opts);
  else await writeFile(sysctlPath(key), value);
}
