// `kites check-config`: is this machine ready to run real containers? (as `k3s check-config`
// and kubeadm's preflight). Prints one line per check; with --fix it repairs what is safe to
// repair and says so. Exits 1 when a check failed (pods would not run or not be reachable).
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIO } from './io.js';
import { serverOptions } from '../server/options.js';
import { parseCidr } from '../network/host/index.js';

interface CheckConfigFlags { fix: boolean; clusterCidr: string; cniBinDir?: string[]; netns?: string }

const cidr = (v: string) => {
  if (!parseCidr(v)) throw new InvalidArgumentError('expected an IPv4 CIDR such as 10.42.0.0/16.');
  return v;
};

export function checkConfigCommand(io: CliIO): Command {
  return new Command('check-config')
    .description('Check that this machine can run containers (root, containerd, runc, CNI plugins, cgroups, overlayfs, forwarding, iptables); exits 1 when a check fails')
    .addOption(new Option('--fix', 'repair what is safe to repair: sysctls (ip_forward, bridge-nf-call-iptables), missing kernel modules, and ACCEPT rules for --cluster-cidr in FORWARD when its policy is DROP (the policy itself is left alone)').default(false))
    .addOption(new Option('--cluster-cidr <cidr>', 'pod IP range that FORWARD must accept').argParser(cidr).default(serverOptions().clusterCidr))
    .addOption(new Option('--cni-bin-dir <dir...>', 'where to look for CNI plugins (default: /opt/cni/bin and /usr/lib/cni)'))
    .addOption(new Option('--netns <name>', 'check the sysctls and iptables of this network namespace instead of the host\'s').hideHelp())
    .action(async (f: CheckConfigFlags) => {
      io.exit(await runCheckConfig(f, io));
    });
}

async function runCheckConfig(f: CheckConfigFlags, io: CliIO): Promise<number> {
  const { runPreflight, formatChecks } = await import('../agent/preflight/index.js');
  const { createLogger } = await import('../api/log.js');
  // The printed lines are the report; the logger only carries errors.
  const log = createLogger({ level: 'error', component: 'check-config', write: (line) => io.err(`${line}\n`) });
  try {
    const r = await runPreflight({ fix: f.fix, log, netns: f.netns, cniBinDirs: f.cniBinDir, clusterCidr: f.clusterCidr });
    io.out(formatChecks(r.checks));
    const fixed = r.checks.filter((c) => c.status === 'fixed').length;
    const failed = r.checks.filter((c) => c.status === 'fail').length;
    if (failed) io.out(`\n${failed} check(s) failed: pods cannot run properly on this node${f.fix ? '' : ' (some may be repaired with --fix)'}\n`);
    else io.out(`\nready to run containers${fixed ? ` (${fixed} fixed)` : ''}\n`);
    return r.blocking ? 1 : 0;
  } catch (e) {
    io.err(`kites: check-config failed: ${(e as Error).message}\n`);
    return 1;
  }
}
