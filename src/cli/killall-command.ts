// `kites killall`: stop containerd, every container and the pod network a node agent left behind
// (the agent keeps containers running across its restarts, as k3s does; k3s-killall.sh is the peer).
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { defaultDataDir } from '../server/data-dir.js';
import type { CliIO } from './io.js';

export function killallCommand(io: CliIO): Command {
  return new Command('killall')
    .description('Stop containerd, all containers and pod networking left by a node agent on this machine (the server or agent must be stopped first)')
    .addOption(new Option('-d, --data-dir <dir>', 'the data dir of the stopped server or agent'))
    .addOption(new Option('--keep-iptables', 'leave KUBE-* and CNI-* iptables rules in place'))
    .action(async (f: { dataDir?: string; keepIptables?: boolean }) => {
      const { killAll } = await import('../agent/killall.js');
      const { createLogger } = await import('../api/log.js');
      const log = createLogger({ level: 'info', component: 'killall' });
      try {
        const r = await killAll({ dataDir: resolve(f.dataDir ?? defaultDataDir()), log, iptables: !f.keepIptables });
        io.out(`stopped ${r.processes} processes, unmounted ${r.mounts} mounts, removed ${r.netns} network namespaces\n`);
        io.exit(0);
      } catch (e) {
        io.err(`kites: killall failed: ${(e as Error).message}\n`);
        io.exit(1);
      }
    });
}
