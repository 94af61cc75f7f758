// The termination message of a failed container when its policy is FallbackToLogsOnError: the
// tail of its log (at most 80 lines and 2048 bytes, upstream's limits). A host process cannot
// write to terminationMessagePath (/dev/termination-log is not a mount here), so the File policy
// yields no message on the process runtime.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseCriLogLine } from '../runtime/process/cri-log.js';
import type { ContainerStatus } from '../runtime/types.js';
import type { Container } from './pod-types.js';

const maxBytes = 2048;
const maxLines = 80;

export function logTail(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    // CRI lines carry ~40 bytes of prefix each: read enough raw bytes for the content limit.
    const want = Math.min(size, maxBytes * 4 + maxLines * 48);
    const buf = Buffer.alloc(want);
    readSync(fd, buf, 0, want, size - want);
    const lines = buf.toString('utf8').split('\n').filter(Boolean);
    if (want < size) lines.shift(); // first line may be cut
    const content = lines.map((l) => parseCriLogLine(l)).filter((l) => l !== undefined).map((l) => l!.content);
    let text = content.slice(-maxLines).join('\n');
    if (text.length > maxBytes) text = text.slice(text.length - maxBytes);
    return text;
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The status with upstream's termination message added (runtime message + ": " + log tail). */
export function withTerminationMessage(st: ContainerStatus, spec: Container, cache: Map<string, string>): ContainerStatus {
  if (st.state !== 'exited' || !st.exitCode || spec.terminationMessagePolicy !== 'FallbackToLogsOnError' || st.reason === 'StartError') return st;
  let tail = cache.get(st.id);
  if (tail === undefined) {
    tail = logTail(st.logPath);
    cache.set(st.id, tail);
  }
  if (!tail) return st;
  return { ...st, message: st.message ? `${st.message}: ${tail}` : tail };
}
