// Notices when someone else flushes the tables (a firewall reload, `iptables -F`) and asks for a
// full resync at once, instead of waiting for the periodic one: upstream's iptables Monitor with
// its KUBE-PROXY-CANARY chains, which nothing but a flush removes.
import type { Logger } from '../../../api/log.js';
import { realClock, type Clock, type TimerHandle } from '../../../client/clock.js';
import type { IptablesRunner } from './proxier.js';

export const canaryChain = 'KUBE-PROXY-CANARY';
const tables = ['mangle', 'nat', 'filter'] as const;

export interface IptablesMonitorOptions {
  run: IptablesRunner;
  onFlushed(): void;
  intervalMs?: number;
  clock?: Clock;
  log: Logger;
}

export class IptablesMonitor {
  private timer?: TimerHandle;
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly options: IptablesMonitorOptions) {
    this.clock = options.clock ?? realClock;
  }

  async ensureCanaries(): Promise<void> {
    for (const t of tables) await this.options.run('iptables', ['-w', '5', '-t', t, '-N', canaryChain]).catch(() => {}); // exists: fine
  }

  async start(): Promise<void> {
    await this.ensureCanaries();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
  }

  /** Removes the canaries (cleanup). */
  async removeCanaries(): Promise<void> {
    for (const t of tables) await this.options.run('iptables', ['-w', '5', '-t', t, '-X', canaryChain]).catch(() => {});
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => void this.check().finally(() => this.arm()), this.options.intervalMs ?? 30_000);
  }

  private async check(): Promise<void> {
    for (const t of tables) {
      try {
        await this.options.run('iptables', ['-w', '5', '-t', t, '-S', canaryChain]);
      } catch {
        if (this.stopped) return;
        this.options.log.info('iptables canary chain is gone: the tables were flushed; resyncing', { table: t });
        await this.ensureCanaries();
        this.options.onFlushed();
        return;
      }
    }
  }
}
