// Running host networking tools (ip, iptables, sysctl) the same way everywhere: as argument
// arrays, optionally inside a network namespace (`ip netns exec NS …`) so tests can do real
// host-level networking in a namespace they created without touching the machine's own setup.
import { execFile } from 'node:child_process';

export interface HostCommandOptions {
  /** Run inside this named network namespace (`ip netns exec`). */
  netns?: string;
  /** Bytes written to the command's stdin (iptables-restore input). */
  input?: string;
  timeoutMs?: number;
}

export class HostCommandError extends Error {
  constructor(readonly command: string[], readonly code: number | string | null, readonly stderr: string) {
    super(`${command.join(' ')}: ${stderr.trim() || `exit ${code}`}`);
  }
}

/** The argv that runs `cmd args` (inside `netns` when given). */
export function hostArgv(cmd: string, args: string[], netns?: string): string[] {
  return netns ? ['ip', 'netns', 'exec', netns, cmd, ...args] : [cmd, ...args];
}

/** Runs a host tool; resolves with its stdout, rejects with a HostCommandError carrying stderr. */
export function runHostCommand(cmd: string, args: string[], opts: HostCommandOptions = {}): Promise<string> {
  const argv = hostArgv(cmd, args, opts.netns);
  return new Promise((resolve, reject) => {
    const child = execFile(argv[0]!, argv.slice(1), { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new HostCommandError(argv, (err as NodeJS.ErrnoException).code ?? null, String(stderr) || err.message));
      else resolve(String(stdout));
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
