// exec, attach and port-forward for host-process containers. An exec is one more host process in
// the container's environment and working directory, leading its own process group so a timeout
// or the container's end kills all of it. With tty the command runs on a pseudo-terminal made by
// util-linux `script` (see tty.ts); without `script` on the host, tty only merges stderr into
// stdout through pipes.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import type { ExecSyncResult, StreamOptions } from '../types.js';
import { signalGroup } from './proc.js';
import { followResizes, scriptArgs, takeFirstSize, type PtyTools } from './tty.js';

/** How long a tty exec waits for the client's first terminal size before starting. */
const firstSizeWaitMs = 300;

export interface ExecEnv { cwd: string; env: Record<string, string> }

function startExec(cmd: string[], at: ExecEnv, stdin: boolean, sessions: Set<ChildProcess>): ChildProcess {
  if (cmd.length === 0) throw new Error('exec needs a command');
  const [file, ...args] = cmd;
  const child = spawn(file!, args, { cwd: at.cwd, env: at.env, detached: true, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  sessions.add(child);
  child.once('close', () => sessions.delete(child));
  return child;
}

/** Exit code as a shell reports it: the code, or 128 + the signal's number. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };
  return 128 + (signal ? n[signal] ?? 0 : 0);
}

export function runExecSync(cmd: string[], at: ExecEnv, timeoutMs: number, sessions: Set<ChildProcess>): Promise<ExecSyncResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = startExec(cmd, at, false, sessions);
    } catch (e) {
      resolve({ exitCode: 126, stdout: Buffer.alloc(0), stderr: Buffer.from((e as Error).message), timedOut: false });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) signalGroup(child.pid, 'SIGKILL');
    }, Math.max(1, timeoutMs));
    child.once('error', (e) => {
      clearTimeout(timer);
      // As a shell: 127 for a command that is not found, 126 for one that cannot run.
      const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126;
      resolve({ exitCode: code, stdout: Buffer.concat(out), stderr: Buffer.from(`exec: "${cmd[0]}": ${e.message}`), timedOut: false });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: exitCodeOf(code, signal), stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut });
    });
  });
}

export async function runExec(
  cmd: string[], at: ExecEnv, streams: StreamOptions, sessions: Set<ChildProcess>, pty?: PtyTools,
): Promise<number> {
  if (streams.tty && pty) return runExecOnPty(cmd, at, streams, sessions, pty);
  return new Promise((resolve, reject) => {
    const child = startExec(cmd, at, !!streams.stdin, sessions);
    child.once('error', (e) => reject(new Error(`exec: "${cmd[0]}": ${e.message}`)));
    if (streams.stdin && child.stdin) {
      child.stdin.on('error', () => {});
      streams.stdin.pipe(child.stdin);
    }
    const errOut = streams.tty ? streams.stdout : streams.stderr;
    pipeTo(child.stdout!, streams.stdout);
    pipeTo(child.stderr!, errOut);
    child.once('close', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
}

/**
 * A tty exec: the command runs under `script` on a new pty, so it sees a terminal (isatty, job
 * control, echo, a size). Everything it writes comes back as the terminal's output on stdout,
 * as with a tty in upstream (there is no separate stderr); resize events resize the pty.
 */
async function runExecOnPty(
  cmd: string[], at: ExecEnv, streams: StreamOptions, sessions: Set<ChildProcess>, pty: PtyTools,
): Promise<number> {
  if (cmd.length === 0) throw new Error('exec needs a command');
  const { first, rest } = await takeFirstSize(streams.resize, firstSizeWaitMs);
  const child = startExec([pty.script, ...scriptArgs(cmd, first)], at, !!streams.stdin, sessions);
  const closed = new Promise<number>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`exec: "${cmd[0]}": ${e.message}`)));
    child.once('close', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
  if (streams.stdin && child.stdin) {
    child.stdin.on('error', () => {});
    streams.stdin.pipe(child.stdin);
  }
  pipeTo(child.stdout!, streams.stdout);
  pipeTo(child.stderr!, streams.stdout);
  if (child.pid !== undefined) {
    void followResizes(pty, child.pid, rest, closed.then(() => undefined, () => undefined));
  }
  return closed;
}

function pipeTo(from: NodeJS.ReadableStream, to: Writable | undefined): void {
  if (!to) {
    from.resume();
    return;
  }
  from.on('data', (b: Buffer) => to.write(b));
}

/**
 * Attach: the client's stdin goes to the main process's stdin pipe (when the container kept
 * one), and the process's output from now on comes back. Ends when the process exits or the
 * client's output stream closes.
 */
export function attachToProcess(
  processStdin: Writable | undefined,
  subscribe: (fn: (stream: 'stdout' | 'stderr', chunk: Buffer) => void) => () => void,
  exited: Promise<void>,
  streams: StreamOptions,
): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = subscribe((stream, chunk) => {
      const to = stream === 'stderr' && !streams.tty ? streams.stderr : streams.stdout;
      to?.write(chunk);
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      unsubscribe();
      if (streams.stdin && processStdin) streams.stdin.unpipe(processStdin);
      resolve();
    };
    if (streams.stdin && processStdin) {
      processStdin.on('error', () => {});
      streams.stdin.pipe(processStdin, { end: false });
    }
    void exited.then(finish);
    streams.stdout?.once('close', finish);
  });
}

/** Port-forward: the pod shares the node's network, so the port is on 127.0.0.1. */
export function forwardToLocalPort(port: number, stream: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    let connected = false;
    sock.once('connect', () => {
      connected = true;
      stream.pipe(sock);
      sock.pipe(stream);
    });
    sock.once('error', (e) => {
      if (!connected) reject(new Error(`failed to connect to localhost:${port}: ${e.message}`));
      else stream.destroy(e);
    });
    sock.once('close', () => resolve());
    stream.once('close', () => sock.destroy());
  });
}
