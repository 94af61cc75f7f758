// Unprogrammed Service IPs fail fast: the service range is routed to a dummy link (so the host's
// own connections reach the proxy's OUTPUT DNAT at all), and whatever is still addressed to the
// range after the nat table ran — no Service there, or no proxy — is rejected with "no route to
// host" in filter OUTPUT and FORWARD instead of vanishing. Local addresses (Service IPs the
// userspace proxy or the cluster DNS bind on the dummy link) are left alone.
import { runHostCommand, type HostCommandOptions } from '../../network/host/index.js';

export const serviceRangeChain = 'KITES-SERVICE-RANGE';

type Opts = Pick<HostCommandOptions, 'netns'>;

async function ok(args: string[], opts: Opts): Promise<boolean> {
  return runHostCommand('iptables', ['-w', '5', ...args], opts).then(() => true, () => false);
}

export async function ensureServiceRangeReject(serviceCidr: string, opts: Opts = {}): Promise<void> {
  if (!(await ok(['-t', 'filter', '-n', '-L', serviceRangeChain], opts))) {
    await runHostCommand('iptables', ['-w', '5', '-t', 'filter', '-N', serviceRangeChain], opts);
  }
  const rule = ['-d', serviceCidr, '-m', 'addrtype', '!', '--dst-type', 'LOCAL', '-m', 'comment', '--comment', 'kites: no Service at this address', '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable'];
  await runHostCommand('iptables', ['-w', '5', '-t', 'filter', '-F', serviceRangeChain], opts);
  await runHostCommand('iptables', ['-w', '5', '-t', 'filter', '-A', serviceRangeChain, ...rule], opts);
  for (const parent of ['OUTPUT', 'FORWARD']) {
    const jump = [parent, '-d', serviceCidr, '-j', serviceRangeChain];
    if (!(await ok(['-t', 'filter', '-C', ...jump], opts))) await runHostCommand('iptables', ['-w', '5', '-t', 'filter', '-I', ...jump], opts);
  }
}

export async function removeServiceRangeReject(serviceCidr: string, opts: Opts = {}): Promise<void> {
  for (const parent of ['OUTPUT', 'FORWARD']) {
    while (await ok(['-t', 'filter', '-D', parent, '-d', serviceCidr, '-j', serviceRangeChain], opts)) { /* all copies */ }
  }
  await ok(['-t', 'filter', '-F', serviceRangeChain], opts);
  await ok(['-t', 'filter', '-X', serviceRangeChain], opts);
}
