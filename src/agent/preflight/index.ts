// kites' node preflight (`kites check-config`, and the agent before it runs real containers):
// every check reports ok / fixed / warn / fail in one line; with fix it repairs what is safe to
// repair (sysctls, missing kernel modules, ACCEPT rules for the cluster CIDR in FORWARD) and says
// so. blocking: at least one check failed, so pods cannot run (or reach anything) on this node.
import type { Logger } from '../../api/log.js';
import type { PreflightCheck, PreflightProbes } from './types.js';
import { systemProbes } from './probes.js';
import { checkBinary, checkCgroups, checkCniPlugins, checkKernelModules, checkOverlay, checkRoot, defaultCniBinDirs } from './host-checks.js';
import { checkBridgeNetfilter, checkForwardPolicy, checkIpForward } from './network-checks.js';
import { checkOomScoreAdj, checkPauseImage } from './runtime-checks.js';

export type { CheckStatus, PreflightCheck, PreflightProbes } from './types.js';
export { systemProbes } from './probes.js';
export { ensureForwardAccept, forwardAcceptRules, forwardRuleComment } from './network-checks.js';
export { defaultCniBinDirs } from './host-checks.js';

export interface PreflightOptions {
  fix: boolean;
  log: Logger;
  /** Check (and fix) the sysctls and iptables of this network namespace instead of the host's. */
  netns?: string;
  cniBinDirs?: string[];
  /** The pod CIDR to accept in FORWARD when its policy is DROP (k3s's cluster-cidr). */
  clusterCidr?: string;
  /** Replaces the real probes (tests). */
  probes?: PreflightProbes;
}

export interface PreflightResult {
  checks: PreflightCheck[];
  blocking: boolean;
}

export async function runPreflight(opts: PreflightOptions): Promise<PreflightResult> {
  const p = opts.probes ?? systemProbes({ netns: opts.netns });
  const fix = opts.fix;
  const checks: PreflightCheck[] = [
    checkRoot(p),
    await checkBinary(p, 'runc', 'containerd runs containers with it'),
    await checkBinary(p, 'containerd', 'the container runtime kites drives over CRI'),
    await checkCniPlugins(p, opts.cniBinDirs ?? defaultCniBinDirs),
    await checkCgroups(p),
    await checkOverlay(p, fix),
    await checkIpForward(p, fix),
    await checkBridgeNetfilter(p, fix),
    await checkForwardPolicy(p, fix, opts.clusterCidr),
    await checkKernelModules(p, fix),
    checkPauseImage(),
    checkOomScoreAdj(),
  ];
  for (const c of checks) {
    const fields = { check: c.name, status: c.status, message: c.message };
    if (c.status === 'fail') opts.log.warn('preflight check failed', fields);
    else if (c.status === 'warn') opts.log.warn('preflight check warns', fields);
    else if (c.status === 'fixed') opts.log.info('preflight check fixed', fields);
    else opts.log.debug('preflight check ok', fields);
  }
  return { checks, blocking: checks.some((c) => c.status === 'fail') };
}

/** One line per check, status first: `ok     runc: /usr/sbin/runc`, `FAIL   …`. */
export function formatChecks(checks: PreflightCheck[]): string {
  const label = (s: PreflightCheck['status']) => (s === 'fail' ? 'FAIL' : s).padEnd(6);
  return checks.map((c) => `${label(c.status)} ${c.name}: ${c.message}\n`).join('');
}
