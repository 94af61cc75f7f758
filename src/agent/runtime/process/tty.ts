// A pseudo-terminal for host processes without a native module: util-linux's `script` runs the
// command on a new pty (`script -q -e -c <command> /dev/null`) and relays the terminal over its
// own stdin/stdout pipes; `-e` makes script exit with the command's code (128 + signal when
// killed). script's child leads its own session with the pty slave as its stdin, so a resize is
// `stty -F /dev/pts/N rows R cols C` on that slave: the kernel then sends SIGWINCH to the
// terminal's foreground process group, as a TIOCSWINSZ from containerd's shim would.
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TerminalSize } from '../types.js';

/** Where `script` and `stty` are; undefined parts mean no pty (the caller falls back to pipes). */
export interface PtyTools { script: string; stty: string }

function findExecutable(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Finds util-linux `script` and `stty` on PATH (plus the usual system directories). */
export function findPtyTools(pathEnv = process.env.PATH ?? ''): PtyTools | undefined {
  const search = `${pathEnv}${delimiter}/usr/bin${delimiter}/bin`;
  const script = findExecutable('script', search);
  const stty = findExecutable('stty', search);
  return script && stty ? { script, stty } : undefined;
}

/** One word for a POSIX shell: single-quoted, so nothing inside is expanded or re-parsed. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * script's arguments for running `cmd` on a pty. script hands its -c string to `$SHELL -c`
 * (/bin/sh when unset), so every word of cmd is quoted and the shell `exec`s it: the command
 * replaces the shell and keeps the pty as its controlling terminal. A known first size is set
 * before the command starts, so it never sees the pty's initial 0x0.
 */
export function scriptArgs(cmd: string[], size?: TerminalSize): string[] {
  if (cmd.length === 0) throw new Error('exec needs a command');
  const sizing = size && validSize(size) ? `stty rows ${size.height} cols ${size.width} 2>/dev/null; ` : '';
  return ['-q', '-e', '-c', `${sizing}exec ${cmd.map(shellQuote).join(' ')}`, '/dev/null'];
}

function validSize(s: TerminalSize): boolean {
  return Number.isInteger(s.width) && Number.isInteger(s.height) && s.width > 0 && s.height > 0 && s.width < 65536 && s.height < 65536;
}

/** The first process found whose parent is `pid` (script has exactly one: the command). */
export function childOf(pid: number): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return undefined;
  }
  for (const p of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    } catch {
      continue;
    }
    // field 4 (ppid) follows the parenthesised command name and the state
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) return Number(p);
  }
  return undefined;
}

/** The pty slave (/dev/pts/N) of script's child: that child's fd 0. */
export function ptyOfScript(scriptPid: number): string | undefined {
  const child = childOf(scriptPid);
  if (child === undefined) return undefined;
  try {
    const tty = readlinkSync(`/proc/${child}/fd/0`);
    return tty.startsWith('/dev/pts/') ? tty : undefined;
  } catch {
    return undefined;
  }
}

/** Sets the terminal size of a pty slave; resolves true when stty succeeded. */
export function resizePty(stty: string, pty: string, size: TerminalSize): Promise<boolean> {
  if (!validSize(size)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const p = spawn(stty, ['-F', pty, 'rows', String(size.height), 'cols', String(size.width)], { stdio: 'ignore' });
    p.once('error', () => resolve(false));
    p.once('close', (code) => resolve(code === 0));
  });
}

/**
 * Waits up to `waitMs` for the first resize event (kubectl sends the terminal's size as soon as
 * the session opens). Returns it (if any) and an iterator of the remaining events.
 */
export async function takeFirstSize(
  resize: AsyncIterable<TerminalSize> | undefined, waitMs: number,
): Promise<{ first?: TerminalSize; rest: AsyncIterable<TerminalSize> }> {
  if (!resize) return { rest: (async function* () {})() };
  const it = resize[Symbol.asyncIterator]();
  const pending = it.next();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), waitMs); });
  const got = await Promise.race([pending, timedOut]);
  clearTimeout(timer);
  const rest = async function* (carry?: Promise<IteratorResult<TerminalSize>>) {
    if (carry) {
      const r = await carry;
      if (r.done) return;
      yield r.value;
    }
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  if (got === 'timeout') return { rest: rest(pending) };
  if (got.done) return { rest: rest() };
  return { first: got.value, rest: rest() };
}

/**
 * Applies each resize event to script's pty until the events end or `stopped` resolves. The
 * slave is looked up per event (script's child may not have opened it yet on the first one).
 */
export async function followResizes(
  tools: PtyTools, scriptPid: number, resize: AsyncIterable<TerminalSize>, stopped: Promise<void>,
): Promise<void> {
  let done = false;
  void stopped.then(() => { done = true; });
  const it = resize[Symbol.asyncIterator]();
  const end = stopped.then((): IteratorResult<TerminalSize> => ({ done: true, value: undefined }));
  for (;;) {
    const r = await Promise.race([it.next(), end]);
    if (r.done || done) return;
    let pty = ptyOfScript(scriptPid);
    for (let i = 0; !pty && i < 20 && !done; i++) {
      await new Promise((res) => setTimeout(res, 10));
      pty = ptyOfScript(scriptPid);
    }
    if (pty) await resizePty(tools.stty, pty, r.value);
  }
}
