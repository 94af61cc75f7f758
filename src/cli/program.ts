// The `kites` command tree. Built by a function (no module state) so tests can run it in-process.
import { Command } from 'commander';
import { agentCommand } from './agent-command.js';
import { checkConfigCommand } from './check-config-command.js';
import { killallCommand } from './killall-command.js';
import type { CliIO } from './io.js';
import { serverCommand } from './server-command.js';
import { kitesVersion } from './version.js';

export function buildProgram(io: CliIO): Command {
  const program = new Command('kites')
    .description('A Kubernetes-compatible cluster in one process: `kites server` runs it, kubectl talks to it.')
    .version(`kites version v${kitesVersion()}`, '-v, --version', 'print the version')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride((err) => io.exit(err.exitCode));
  // addCommand does not pass output and exit handling down (only .command() does), so copy them.
  for (const sub of [serverCommand(io), agentCommand(io), checkConfigCommand(io), killallCommand(io)]) program.addCommand(sub.copyInheritedSettings(program));
  return program;
}
