// `kites agent`: joins this machine to a cluster as a node. The flags are in place (k3s's names);
// the node agent itself comes with the node agent work, so for now the command says so and fails.
import { Command, Option } from 'commander';
import type { CliIO } from './io.js';

export function agentCommand(io: CliIO): Command {
  return new Command('agent')
    .description('Join this machine to a cluster as a node (not available yet: arrives with the node agent work)')
    .addOption(new Option('-s, --server <url>', 'URL of a kites server, e.g. https://10.0.0.1:6443').env('KITES_URL'))
    .addOption(new Option('-t, --token <token>', 'join token (the server keeps it in <data-dir>/token)').env('KITES_TOKEN'))
    .addOption(new Option('-d, --data-dir <dir>', 'folder holding the agent state'))
    .addOption(new Option('--node-name <name>', 'name of this node (default: the host name)'))
    .action(() => {
      io.err('kites: `kites agent` is not available yet: the node agent arrives with the node agent work.\n');
      io.err('kites: meanwhile `kites server` runs a single-node cluster.\n');
      io.exit(1);
    });
}
