// Facts about host processes read from /proc. A pid alone is not an identity (pids are reused),
// so a container record keeps the pid together with its start time (field 22 of
// /proc/<pid>/stat, in clock ticks since boot): a process is "ours" only if both match.
import { readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** One-letter state: R, S, D, Z (zombie), T … */
  state: string;
  startTime: string;
}

export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  return { pid, state: rest[0] ?? '?', startTime: rest[19] ?? '' };
}

/** True when `pid` is alive (not a zombie) and is the process that started at `startTime`. */
export function isSameLiveProcess(pid: number, startTime: string | undefined): boolean {
  const st = readProcStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return startTime === undefined || st.startTime === startTime;
}

/** Signals a whole process group (the container's processes); ignores groups already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
