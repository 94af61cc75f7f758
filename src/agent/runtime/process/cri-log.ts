// Container logs in the CRI log format every kubelet reads: one line per record,
// `<RFC3339Nano timestamp> <stdout|stderr> <F|P> <content>`, F for a full line and P for a
// partial one. Files are size-bounded: past `maxBytes` the file moves to `<path>.1` (the
// previous backup is dropped), so a container keeps at most 2 × maxBytes of logs.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const defaultMaxLogBytes = 10 * 1024 * 1024;

/** RFC 3339 with nanoseconds, as containerd writes (`2026-11-22T21:00:55.123456789Z`). */
export function rfc3339Nano(ms: number, subMsNanos = 0): string {
  const iso = new Date(ms).toISOString(); // …T21:00:55.123Z
  const nanos = String(subMsNanos).padStart(6, '0').slice(0, 6);
  return `${iso.slice(0, -1)}${nanos}Z`;
}

export class CriLogWriter {
  private fd: number;
  private size: number;

  constructor(readonly path: string, private readonly maxBytes = defaultMaxLogBytes, private readonly now: () => number = Date.now) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  /** Writes complete lines (without their newline) from one stream. */
  writeLines(stream: 'stdout' | 'stderr', lines: string[], partialLast = false): void {
    if (lines.length === 0) return;
    const ts = rfc3339Nano(this.now(), Number(process.hrtime.bigint() % 1_000_000n));
    let out = '';
    lines.forEach((l, i) => {
      out += `${ts} ${stream} ${partialLast && i === lines.length - 1 ? 'P' : 'F'} ${l}\n`;
    });
    const buf = Buffer.from(out);
    if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
    writeSync(this.fd, buf);
    this.size += buf.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    try {
      renameSync(this.path, `${this.path}.1`);
    } catch {
      // the file vanished (pod removed): start a fresh one
    }
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** Parses one CRI log line; undefined when it is not one. */
export function parseCriLogLine(line: string): { time: string; stream: 'stdout' | 'stderr'; partial: boolean; content: string } | undefined {
  const m = /^(\S+) (stdout|stderr) (F|P) ?(.*)$/.exec(line);
  if (!m) return undefined;
  return { time: m[1]!, stream: m[2] as 'stdout' | 'stderr', partial: m[3] === 'P', content: m[4]! };
}
