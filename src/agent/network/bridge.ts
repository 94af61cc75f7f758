// The node's pod bridge, made before the first pod: the CNI bridge plugin would create it on the
// first sandbox, but host services on the pod network (the cluster DNS listening on the gateway
// address) need the address earlier. The plugin adopts an existing bridge that already carries
// the gateway address.
import type { Logger } from '../../api/log.js';
import { linkAddresses, linkExists, runHostCommand, type HostCommandOptions } from '../../network/host/index.js';

type Opts = Pick<HostCommandOptions, 'netns'>;

/**
 * A fixed MAC derived from the gateway address (0a:58 + its four bytes, as other CNI plugins do):
 * a bridge with an automatic MAC takes its lowest port's, so it would change as pods come and go
 * and neighbours would have to relearn it.
 */
export function bridgeMac(gateway: string): string {
  return ['0a', '58', ...gateway.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}

/** Creates (or adopts) the bridge, gives it `gatewayCidr` (e.g. 10.42.0.1/24) and brings it up. */
export async function ensureBridge(name: string, gatewayCidr: string, opts: Opts & { log?: Logger } = {}): Promise<void> {
  const gateway = gatewayCidr.split('/')[0]!;
  if (!(await linkExists(name, opts))) {
    try {
      await runHostCommand('ip', ['link', 'add', name, 'address', bridgeMac(gateway), 'type', 'bridge'], opts);
    } catch (e) {
      if (!(await linkExists(name, opts))) throw e; // lost a race with the CNI plugin: fine
    }
  } else {
    const info = await runHostCommand('ip', ['-d', 'link', 'show', 'dev', name], opts);
    if (!/\bbridge\b/.test(info)) throw new Error(`${name} exists but is not a bridge; remove it or choose another bridge name`);
  }
  const addrs = await linkAddresses(name, opts);
  if (!addrs.includes(gatewayCidr)) {
    const stale = addrs.filter((a) => !a.includes(':'));
    if (stale.length > 0) {
      // The bridge plugin fails on a bridge holding another IPv4 address. With no pods attached it
      // is left from an earlier Node of this name (the pod CIDR is fixed for a Node's life);
      // with pods attached another node on this machine uses the bridge: refuse rather than cut
      // its pods off.
      const ports = (await runHostCommand('ip', ['-o', 'link', 'show', 'master', name], opts)).trim();
      if (ports) throw new Error(`bridge ${name} carries ${stale.join(', ')} and has pods attached, not this node's gateway ${gatewayCidr}: another node on this machine uses it; give this agent its own bridge name`);
      opts.log?.warn('replacing a stale address on the pod bridge', { bridge: name, stale, gateway: gatewayCidr });
      for (const a of stale) await runHostCommand('ip', ['addr', 'del', a, 'dev', name], opts);
    }
    await runHostCommand('ip', ['addr', 'add', gatewayCidr, 'dev', name], opts);
  }
  await runHostCommand('ip', ['link', 'set', name, 'up'], opts);
}
