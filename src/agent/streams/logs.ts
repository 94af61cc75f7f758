// Container logs as the kubelet serves them from CRI log files: records
// `<RFC3339Nano> <stdout|stderr> <F|P> <content>` are joined into lines (P marks a partial
// record), optionally prefixed with their timestamp (fixed nine fraction digits, as the kubelet
// prints), filtered by since, cut to the last tailLines and to limitBytes, and with follow the
// file is watched for appends and rotation until the container has exited and the file is drained.
import { closeSync, fstatSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Only lines at or after this time (ms since epoch). */
  sinceMs?: number;
  tailLines?: number;
  limitBytes?: number;
}

export class LogOptionsError extends Error {}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1' || v === 'True';
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new LogOptionsError(`invalid ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

/** PodLogOptions from a query, with upstream's validation messages. */
export function logOptionsFromQuery(q: URLSearchParams, now: number = Date.now()): LogOptions {
  const opts: LogOptions = { follow: boolParam(q, 'follow'), previous: boolParam(q, 'previous'), timestamps: boolParam(q, 'timestamps') };
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new LogOptionsError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (sinceSeconds !== undefined) {
    if (sinceSeconds < 1) throw new LogOptionsError('sinceSeconds: Invalid value: must be greater than 0');
    opts.sinceMs = now - sinceSeconds * 1000;
  }
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new LogOptionsError(`sinceTime: Invalid value: ${JSON.stringify(sinceTime)}`);
    opts.sinceMs = t;
  }
  const tail = intParam(q, 'tailLines');
  if (tail !== undefined) {
    if (tail < 0) throw new LogOptionsError('tailLines: Invalid value: must be greater than or equal to 0');
    opts.tailLines = tail;
  }
  const limit = intParam(q, 'limitBytes');
  if (limit !== undefined) {
    if (limit < 1) throw new LogOptionsError('limitBytes: Invalid value: must be greater than 0');
    opts.limitBytes = limit;
  }
  return opts;
}

export interface LogLine { time: string; stream: 'stdout' | 'stderr'; content: Buffer }

/** `2026-11-22T21:00:55.1234Z` → `2026-11-22T21:00:55.123400000Z`. */
export function fixedNanoTimestamp(t: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return t;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}${m[3]}`;
}

/** Joins CRI records into lines; keeps the state of an unfinished (P) line between calls. */
export class CriLineJoiner {
  private pending?: LogLine;

  /** One record (a file line without its newline); returns a completed line or undefined. */
  record(raw: Buffer): LogLine | undefined {
    // `<time> <stream> <tag> <content>`: split on the first three spaces only.
    const s1 = raw.indexOf(0x20);
    const s2 = s1 < 0 ? -1 : raw.indexOf(0x20, s1 + 1);
    if (s2 < 0) return undefined;
    const s3 = raw.indexOf(0x20, s2 + 1);
    const tag = raw.subarray(s2 + 1, s3 < 0 ? raw.length : s3).toString();
    const time = raw.subarray(0, s1).toString();
    const stream = raw.subarray(s1 + 1, s2).toString();
    if ((stream !== 'stdout' && stream !== 'stderr') || (tag[0] !== 'F' && tag[0] !== 'P')) return undefined;
    const content = s3 < 0 ? Buffer.alloc(0) : raw.subarray(s3 + 1);
    const partial = tag[0] === 'P';
    if (this.pending) {
      this.pending.content = Buffer.concat([this.pending.content, content]);
    } else {
      this.pending = { time, stream, content: Buffer.from(content) };
    }
    if (partial) return undefined;
    const done = this.pending;
    this.pending = undefined;
    return done;
  }
}

export interface LogSink {
  write(chunk: Buffer): void;
}

/** Formats and limits output lines; `write` returns false once limitBytes is reached. */
class LineEmitter {
  private written = 0;
  constructor(private readonly opts: LogOptions, private readonly out: LogSink) {}

  get full(): boolean {
    return this.opts.limitBytes !== undefined && this.written >= this.opts.limitBytes;
  }

  emit(line: LogLine): boolean {
    if (this.full) return false;
    if (this.opts.sinceMs !== undefined && Date.parse(line.time) < this.opts.sinceMs) return true;
    const prefix = this.opts.timestamps ? `${fixedNanoTimestamp(line.time)} ` : '';
    let buf = Buffer.concat([Buffer.from(prefix), line.content, Buffer.from('\n')]);
    if (this.opts.limitBytes !== undefined) buf = buf.subarray(0, this.opts.limitBytes - this.written);
    this.written += buf.length;
    this.out.write(buf);
    return !this.full;
  }
}

/** Reads a file from an offset in blocks, handing out complete newline-terminated records. */
class RecordReader {
  private rest = Buffer.alloc(0);
  offset = 0;
  constructor(public fd: number) {}

  /** Switches to another file (after rotation), from its start. */
  reopen(fd: number): void {
    this.fd = fd;
    this.offset = 0;
    this.rest = Buffer.alloc(0);
  }

  read(onRecord: (r: Buffer) => void): number {
    const block = Buffer.alloc(64 * 1024);
    let total = 0;
    for (;;) {
      const n = readSync(this.fd, block, 0, block.length, this.offset);
      if (n <= 0) break;
      this.offset += n;
      total += n;
      let data = Buffer.concat([this.rest, block.subarray(0, n)]);
      let nl: number;
      while ((nl = data.indexOf(0x0a)) >= 0) {
        onRecord(data.subarray(0, nl));
        data = data.subarray(nl + 1);
      }
      this.rest = Buffer.from(data);
    }
    return total;
  }
}

export interface FollowControl {
  /** Whether the container may still write (follow ends once it has exited and the file is drained). */
  isRunning(): Promise<boolean>;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  pollMs?: number;
}

/**
 * Writes the log at `path` to `out`. Without follow it returns after the current content; with
 * follow it keeps reading (also across rotation) until the container stops or `signal` aborts.
 * A missing file reads as empty.
 */
export async function streamLog(path: string, opts: LogOptions, out: LogSink, follow?: FollowControl): Promise<void> {
  const emitter = new LineEmitter(opts, out);
  const joiner = new CriLineJoiner();
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    if (!opts.follow || !follow) return;
    fd = -1;
  }
  const reader = new RecordReader(fd);
  // Initial content: tail applies to it.
  if (fd >= 0) {
    const lines: LogLine[] = [];
    const tail = opts.tailLines;
    reader.read((r) => {
      const line = joiner.record(r);
      if (!line) return;
      if (opts.sinceMs !== undefined && Date.parse(line.time) < opts.sinceMs) return;
      lines.push(line);
      if (tail !== undefined && lines.length > tail) lines.shift();
    });
    for (const l of lines) if (!emitter.emit(l)) break;
  }
  if (!opts.follow || !follow || emitter.full) {
    if (fd >= 0) closeSync(fd);
    return;
  }
  await followFile(path, reader, joiner, emitter, follow);
}

function inodeOf(fdOrPath: number | string): number | undefined {
  try {
    return typeof fdOrPath === 'number' ? fstatSync(fdOrPath).ino : statSync(fdOrPath).ino;
  } catch {
    return undefined;
  }
}

async function followFile(path: string, reader: RecordReader, joiner: CriLineJoiner, emitter: LineEmitter, ctl: FollowControl): Promise<void> {
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  try {
    watcher = watch(path, { persistent: false }, poke);
    watcher.on('error', () => {});
  } catch {
    // no file yet or no inotify: polling alone
  }
  ctl.signal.addEventListener('abort', poke, { once: true });
  const drain = () => {
    if (reader.fd < 0) return 0;
    return reader.read((r) => {
      const line = joiner.record(r);
      if (line) emitter.emit(line);
    });
  };
  try {
    let exitedSeen = false;
    while (!ctl.signal.aborted && !emitter.full) {
      const got = drain();
      // Rotation: the path now names another file; finish the old one, then start the new one.
      const current = inodeOf(path);
      if (current !== undefined && (reader.fd < 0 || current !== inodeOf(reader.fd))) {
        drain();
        if (reader.fd >= 0) closeSync(reader.fd);
        try {
          reader.reopen(openSync(path, 'r'));
          watcher?.close();
          watcher = watch(path, { persistent: false }, poke);
          watcher.on('error', () => {});
        } catch {
          reader.fd = -1;
        }
        continue;
      }
      if (got > 0) continue;
      if (exitedSeen) break;
      if (!(await ctl.isRunning())) {
        // One more pass after the exit, for what was written just before it.
        exitedSeen = true;
        continue;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ctl.pollMs ?? 250);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    watcher?.close();
    ctl.signal.removeEventListener('abort', poke);
    if (reader.fd >= 0) closeSync(reader.fd);
  }
}
