// The node's forwarding set-up, which decides whether pod traffic leaves the node and whether
// Service rules see bridged traffic: net.ipv4.ip_forward, br_netfilter with
// net.bridge.bridge-nf-call-iptables, and iptables' FORWARD chain. Another tool (docker, most
// often) may have set the FORWARD policy to DROP; flipping the policy back would undo that tool's
// choice, so — as k3s/flannel do — the fix adds explicit ACCEPT rules for the cluster CIDR.
import type { PreflightCheck, PreflightProbes } from './types.js';

export const forwardRuleComment = 'kites pod traffic';

async function sysctlCheck(p: PreflightProbes, fix: boolean, name: string, key: string, why: string): Promise<PreflightCheck> {
  const v = await p.readSysctl(key);
  if (v === undefined) return { name, status: 'fail', message: `${key} cannot be read` };
  if (v === '1') return { name, status: 'ok', message: `${key} = 1` };
  if (fix) {
    try {
      await p.writeSysctl(key, '1');
      if ((await p.readSysctl(key)) === '1') return { name, status: 'fixed', message: `${key} was ${v}, set to 1` };
    } catch {
      // reported below
    }
  }
  return { name, status: 'fail', message: `${key} = ${v}: ${why}; run with --fix (or sysctl -w ${key}=1)` };
}

export function checkIpForward(p: PreflightProbes, fix: boolean): Promise<PreflightCheck> {
  return sysctlCheck(p, fix, 'ip forwarding', 'net.ipv4.ip_forward', 'the node does not route pod traffic');
}

const bridgeKey = 'net.bridge.bridge-nf-call-iptables';

export async function checkBridgeNetfilter(p: PreflightProbes, fix: boolean): Promise<PreflightCheck> {
  let loadedNow = false;
  if ((await p.readSysctl(bridgeKey)) === undefined) {
    if (fix && (await p.modprobe('br_netfilter'))) loadedNow = true;
    if ((await p.readSysctl(bridgeKey)) === undefined) {
      return { name: 'br_netfilter', status: 'fail', message: `br_netfilter not loaded (${bridgeKey} missing): Service traffic between pods on one bridge bypasses iptables; modprobe br_netfilter` };
    }
  }
  const r = await sysctlCheck(p, fix, 'br_netfilter', bridgeKey, 'bridged pod traffic bypasses iptables, so Service IPs fail between pods on one node');
  if (loadedNow && r.status !== 'fail') return { ...r, status: 'fixed', message: `loaded br_netfilter; ${r.message}` };
  return r;
}

/** The FORWARD policy and rules (as printed, one per line), from `iptables -S FORWARD`. */
export function parseForwardChain(out: string): { policy?: string; rules: string[] } {
  let policy: string | undefined;
  const rules: string[] = [];
  for (const raw of out.split('\n')) {
    const line = raw.trim();
    const words = line.split(/\s+/);
    if (words[0] === '-P' && words[1] === 'FORWARD') policy = words[2];
    else if (words[0] === '-A' && words[1] === 'FORWARD') rules.push(line);
  }
  return { policy, rules };
}

/** Whether a rule accepts all forwarded traffic from (-s) or to (-d) the CIDR, whatever its comment. */
function acceptsCidr(rules: string[], flag: '-s' | '-d', cidr: string): boolean {
  return rules.some((r) => r.replace(/\s+-m comment --comment ("[^"]*"|\S+)/, '').replace(/\s+/g, ' ') === `-A FORWARD ${flag} ${cidr} -j ACCEPT`);
}

/** The rules the fix appends: accept forwarded traffic from and to the cluster CIDR. */
export function forwardAcceptRules(cidr: string): string[][] {
  return (['-s', '-d'] as const).map((flag) => ['-A', 'FORWARD', flag, cidr, '-m', 'comment', '--comment', forwardRuleComment, '-j', 'ACCEPT']);
}

/** Appends the cluster CIDR's ACCEPT rules that are missing; returns how many were added. */
export async function ensureForwardAccept(p: PreflightProbes, cidr: string): Promise<number> {
  const { rules } = parseForwardChain(await p.iptables(['-S', 'FORWARD']));
  let added = 0;
  for (const rule of forwardAcceptRules(cidr)) {
    if (acceptsCidr(rules, rule[2] as '-s' | '-d', cidr)) continue;
    await p.iptables(rule);
    added++;
  }
  return added;
}

export async function checkForwardPolicy(p: PreflightProbes, fix: boolean, clusterCidr?: string): Promise<PreflightCheck> {
  const name = 'iptables FORWARD';
  let out: string;
  try {
    out = await p.iptables(['-S', 'FORWARD']);
  } catch (e) {
    return { name, status: 'fail', message: `iptables is not usable: ${(e as Error).message.split('\n')[0]}` };
  }
  const { policy, rules } = parseForwardChain(out);
  if (policy !== 'DROP' && policy !== 'REJECT') return { name, status: 'ok', message: `policy ${policy ?? 'unknown'}` };
  const covered = clusterCidr !== undefined && acceptsCidr(rules, '-s', clusterCidr) && acceptsCidr(rules, '-d', clusterCidr);
  if (covered) return { name, status: 'ok', message: `policy ${policy}, but ${clusterCidr} is accepted by explicit rules` };
  const problem = `policy ${policy} (another tool, e.g. docker, set it): forwarded pod traffic is dropped`;
  if (fix && clusterCidr) {
    try {
      const added = await ensureForwardAccept(p, clusterCidr);
      return { name, status: 'fixed', message: `${problem}; added ${added} ACCEPT rule(s) for ${clusterCidr} ("${forwardRuleComment}"), policy left as is` };
    } catch (e) {
      return { name, status: 'fail', message: `${problem}; adding ACCEPT rules failed: ${(e as Error).message.split('\n')[0]}` };
    }
  }
  return { name, status: 'fail', message: `${problem}; run with --fix${clusterCidr ? '' : ' --cluster-cidr <pod CIDR>'} to add ACCEPT rules for the cluster CIDR` };
}
