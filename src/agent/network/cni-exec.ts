// Running a conflist's plugins by hand the way libcni does (ADD in order with each result as the
// next plugin's prevResult; DEL in reverse), for tests and diagnostics where no containerd runs.
import { execFile } from 'node:child_process';
import { hostArgv } from '../../network/host/index.js';
import type { CniConfList } from './cni-config.js';

export interface CniInvocation {
  conflist: CniConfList;
  containerId: string;
  /** The pod's network namespace path, e.g. /run/netns/<name>. */
  podNetns: string;
  ifName?: string;
  cniPath?: string;
  /** Capability arguments (runtimeConfig), e.g. { portMappings: [...] }. */
  runtimeConfig?: Record<string, unknown>;
  /** Where the node's networking lives (a test namespace); default: this one. */
  netns?: string;
}

export interface CniResult { ips?: Array<{ address: string; gateway?: string }>; [key: string]: unknown }

function pluginConfig(inv: CniInvocation, i: number, prevResult?: CniResult): string {
  const plugin = inv.conflist.plugins[i]!;
  const conf: Record<string, unknown> = { cniVersion: inv.conflist.cniVersion, name: inv.conflist.name, ...plugin };
  const caps = (plugin.capabilities ?? {}) as Record<string, boolean>;
  const runtimeConfig = Object.fromEntries(Object.entries(inv.runtimeConfig ?? {}).filter(([k]) => caps[k]));
  if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
  if (prevResult) conf.prevResult = prevResult;
  return JSON.stringify(conf);
}

/** Runs one plugin; a CNI error arrives as JSON on stdout ({code, msg, details}), so say that. */
function invoke(inv: CniInvocation, command: 'ADD' | 'DEL', i: number, prevResult?: CniResult): Promise<string> {
  const cniPath = inv.cniPath ?? '/usr/lib/cni';
  const type = inv.conflist.plugins[i]!.type;
  const argv = hostArgv('env', [
    `CNI_COMMAND=${command}`, `CNI_CONTAINERID=${inv.containerId}`, `CNI_NETNS=${inv.podNetns}`,
    `CNI_IFNAME=${inv.ifName ?? 'eth0'}`, `CNI_PATH=${cniPath}`, `${cniPath}/${type}`,
  ], inv.netns);
  return new Promise((resolve, reject) => {
    const child = execFile(argv[0]!, argv.slice(1), { timeout: 20_000 }, (err, stdout, stderr) => {
      if (!err) return resolve(String(stdout));
      let msg = String(stderr).trim() || err.message;
      try {
        const e = JSON.parse(String(stdout)) as { code?: number; msg?: string; details?: string };
        if (e.msg) msg = `${e.msg}${e.details ? `: ${e.details}` : ''} (CNI error ${e.code})`;
      } catch {
        // not a CNI error object
      }
      reject(new Error(`CNI ${command} ${type}: ${msg}`));
    });
    child.stdin?.end(pluginConfig(inv, i, prevResult));
  });
}

export async function cniAdd(inv: CniInvocation): Promise<CniResult> {
  let result: CniResult | undefined;
  for (let i = 0; i < inv.conflist.plugins.length; i++) result = JSON.parse(await invoke(inv, 'ADD', i, result)) as CniResult;
  return result ?? {};
}

export async function cniDel(inv: CniInvocation, prevResult?: CniResult): Promise<void> {
  for (let i = inv.conflist.plugins.length - 1; i >= 0; i--) await invoke(inv, 'DEL', i, prevResult);
}
