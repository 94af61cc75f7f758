// The iptables proxy mode: writes the rules for each ProxyState with one iptables-restore
// --noflush call, the way upstream kube-proxy does. Full syncs (start, periodic, after a failure)
// also (re)install the jump rules from the built-in chains and delete per-service chains left
// over from earlier runs; partial syncs only rewrite per-service chains that changed.
import { runHostCommand } from '../../host/command.js';
import { writeSysctl } from '../../host/links.js';
import type { ProxyMode, ProxyModeOptions, ProxyState } from '../model.js';
import type { Clock } from '../../../client/clock.js';
import { isServiceChainName } from './chain-names.js';
import { staleUDPConntrackDeletions } from './conntrack.js';
import { IptablesMonitor } from './monitor.js';
import { chainsInSave, planRestore } from './restore.js';
import { buildRules, chains, filterTopChains, natTopChains, type RuleOptions } from './rules.js';

/** Runs an iptables tool (argv without the netns prefix); resolves with stdout. */
export type IptablesRunner = (cmd: 'iptables' | 'iptables-save' | 'iptables-restore' | 'conntrack', args: string[], input?: string) => Promise<string>;

export interface IptablesProxierOptions extends ProxyModeOptions {
  /** Injected for tests; defaults to the real tools (inside `netns` when given). */
  run?: IptablesRunner;
  masqueradeMark?: string;
  /** Skip setting net.ipv4.conf.all.route_localnet=1 (NodePorts on 127.0.0.1 then do not work). */
  skipSysctls?: boolean;
  /** Called when the tables were flushed behind our back; given, a canary monitor runs. */
  requestFullSync?: () => void;
  monitorIntervalMs?: number;
  clock?: Clock;
}

interface JumpRule { table: 'filter' | 'nat'; from: string; to: string; comment?: string; extra?: string[] }

const newConn = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** Upstream's iptablesJumpChains (plus kubelet's KUBE-FIREWALL jumps, which kites has no kubelet to install). */
export const jumpRules: JumpRule[] = [
  { table: 'filter', from: 'INPUT', to: chains.externalServices, comment: 'kubernetes externally-visible service portals', extra: newConn },
  { table: 'filter', from: 'FORWARD', to: chains.externalServices, comment: 'kubernetes externally-visible service portals', extra: newConn },
  { table: 'filter', from: 'INPUT', to: chains.nodePorts, comment: 'kubernetes health check service ports' },
  { table: 'filter', from: 'FORWARD', to: chains.services, comment: 'kubernetes service portals', extra: newConn },
  { table: 'filter', from: 'OUTPUT', to: chains.services, comment: 'kubernetes service portals', extra: newConn },
  { table: 'filter', from: 'FORWARD', to: chains.forward, comment: 'kubernetes forwarding rules' },
  { table: 'filter', from: 'INPUT', to: chains.proxyFirewall, comment: 'kubernetes load balancer firewall', extra: newConn },
  { table: 'filter', from: 'OUTPUT', to: chains.proxyFirewall, comment: 'kubernetes load balancer firewall', extra: newConn },
  { table: 'filter', from: 'FORWARD', to: chains.proxyFirewall, comment: 'kubernetes load balancer firewall', extra: newConn },
  { table: 'filter', from: 'INPUT', to: chains.firewall },
  { table: 'filter', from: 'OUTPUT', to: chains.firewall },
  { table: 'nat', from: 'OUTPUT', to: chains.services, comment: 'kubernetes service portals' },
  { table: 'nat', from: 'PREROUTING', to: chains.services, comment: 'kubernetes service portals' },
  { table: 'nat', from: 'POSTROUTING', to: chains.postrouting, comment: 'kubernetes postrouting rules' },
];

function jumpArgs(j: JumpRule): string[] {
  return [...(j.extra ?? []), ...(j.comment ? ['-m', 'comment', '--comment', j.comment] : []), '-j', j.to];
}

export class IptablesProxier implements ProxyMode {
  private written?: Map<string, string>;
  private readonly run: IptablesRunner;
  private readonly ruleOptions: RuleOptions;
  private monitor?: IptablesMonitor;
  private lastState?: ProxyState;
  private conntrackMissing = false;
  /** Last sync's counts, for logs and tests. */
  lastSync?: { full: boolean; changedChains: number; deletedChains: number; bytes: number };

  constructor(private readonly options: IptablesProxierOptions) {
    this.run = options.run ?? ((cmd, args, input) => runHostCommand(cmd, args, { netns: options.netns, input }));
    this.ruleOptions = { clusterCidr: options.clusterCidr, nodeIPs: options.nodeIPs, masqueradeMark: options.masqueradeMark };
  }

  async init(): Promise<void> {
    // NodePorts on 127.0.0.1 need the kernel to route loopback-sourced/destined packets off lo.
    if (!this.options.skipSysctls) {
      try {
        await writeSysctl('net.ipv4.conf.all.route_localnet', '1', { netns: this.options.netns });
      } catch (err) {
        throw new Error(`iptables proxy mode needs root: cannot set net.ipv4.conf.all.route_localnet=1 (${(err as Error).message})`, { cause: err });
      }
    }
    try {
      await this.run('iptables-save', ['-t', 'nat']);
    } catch (err) {
      throw new Error(`iptables proxy mode needs iptables-save/iptables-restore with the nat table (${(err as Error).message})`, { cause: err });
    }
    const requestFullSync = this.options.requestFullSync;
    if (requestFullSync) {
      this.monitor = new IptablesMonitor({
        run: this.run, onFlushed: () => { this.written = undefined; requestFullSync(); },
        intervalMs: this.options.monitorIntervalMs, clock: this.options.clock, log: this.options.log,
      });
      await this.monitor.start();
    }
  }

  async sync(state: ProxyState): Promise<void> {
    const full = state.full || !this.written;
    const rules = buildRules(state, this.ruleOptions);
    const existing = full ? chainsInSave(await this.run('iptables-save', ['-t', 'nat'])) : [];
    const plan = planRestore(rules, full ? undefined : this.written, existing);
    try {
      await this.run('iptables-restore', ['-w', '5', '--noflush'], plan.text);
    } catch (err) {
      this.written = undefined; // the kernel state is unknown now: next sync is full
      throw err;
    }
    this.written = plan.written;
    if (full) await this.ensureJumps();
    await this.clearStaleUDP(this.lastState, state);
    this.lastState = state;
    this.lastSync = { full, changedChains: plan.changedChains, deletedChains: plan.deletedChains.length, bytes: plan.text.length };
    this.options.log.debug('iptables rules synced', {
      full, servicePorts: state.servicePorts.size, changedChains: plan.changedChains, deletedChains: plan.deletedChains.length,
    });
  }

  /** Best effort, as upstream: a failed deletion only leaves a flow on its old endpoint until it expires. */
  private async clearStaleUDP(prev: ProxyState | undefined, next: ProxyState): Promise<void> {
    if (this.conntrackMissing) return;
    for (const args of staleUDPConntrackDeletions(prev, next)) {
      try {
        await this.run('conntrack', args);
      } catch (err) {
        const msg = (err as Error).message;
        if (/ENOENT|No such file|not found/i.test(msg)) {
          this.conntrackMissing = true;
          this.options.log.warn('conntrack tool not found: stale UDP flows to removed endpoints are not cleared', { err: err as Error });
          return;
        }
        // "0 flow entries have been deleted" exits non-zero: nothing to clear.
        this.options.log.debug('conntrack -D', { args: args.join(' '), err: err as Error });
      }
    }
  }

  private async ensureJumps(): Promise<void> {
    for (const j of jumpRules) {
      const args = jumpArgs(j);
      try {
        await this.run('iptables', ['-w', '5', '-t', j.table, '-C', j.from, ...args]);
      } catch {
        await this.run('iptables', ['-w', '5', '-t', j.table, '-I', j.from, '1', ...args]);
      }
    }
  }

  async stop(opts: { cleanup?: boolean } = {}): Promise<void> {
    this.monitor?.stop();
    if (opts.cleanup) {
      await this.cleanup();
      await this.monitor?.removeCanaries();
    }
  }

  /** Removes every rule and chain this mode installs (upstream CleanupLeftovers). */
  async cleanup(): Promise<void> {
    for (const j of jumpRules) {
      const args = jumpArgs(j);
      // A rule may have been inserted more than once by hand; remove every copy.
      for (let i = 0; i < 10; i++) {
        try {
          await this.run('iptables', ['-w', '5', '-t', j.table, '-D', j.from, ...args]);
        } catch {
          break;
        }
      }
    }
    const drop = async (table: 'nat' | 'filter', ours: (c: string) => boolean) => {
      const found = chainsInSave(await this.run('iptables-save', ['-t', table])).filter(ours);
      if (found.length === 0) return;
      const text = [`*${table}`, ...found.map((c) => `:${c} - [0:0]`), ...found.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
      await this.run('iptables-restore', ['-w', '5', '--noflush'], text);
    };
    await drop('nat', (c) => natTopChains.includes(c as (typeof natTopChains)[number]) || isServiceChainName(c));
    await drop('filter', (c) => filterTopChains.includes(c as (typeof filterTopChains)[number]));
    this.written = undefined;
  }
}

export async function startIptablesProxier(opts: IptablesProxierOptions): Promise<IptablesProxier> {
  const p = new IptablesProxier(opts);
  await p.init();
  return p;
}
