// A container's stdout and stderr go to raw files the process writes directly (O_APPEND), not to
// pipes into the agent: a pipe would break (SIGPIPE) when the agent restarts, and the process
// must survive that. The agent tails the raw files into the CRI log, remembering how far it read
// (`offsets`), and truncates a raw file once it is read to its end and large; a record written
// in the instant between that read and the truncation can be lost (documented trade-off, like
// logrotate's copytruncate).
import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { CriLogWriter } from './cri-log.js';

const truncateAboveBytes = 1024 * 1024;
const maxLineBytes = 16 * 1024;

class RawStream {
  private fd: number | undefined;
  private pending = '';
  constructor(readonly path: string, readonly name: 'stdout' | 'stderr', public offset: number) {}

  drain(log: CriLogWriter, final: boolean, onChunk?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): void {
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.path, 'r+');
      } catch {
        return;
      }
    }
    const size = fstatSync(this.fd).size;
    if (size < this.offset) this.offset = 0; // truncated behind our back
    const chunks: Buffer[] = [];
    while (this.offset < size) {
      const buf = Buffer.allocUnsafe(Math.min(size - this.offset, 256 * 1024));
      const n = readSync(this.fd, buf, 0, buf.length, this.offset);
      if (n <= 0) break;
      this.offset += n;
      chunks.push(buf.subarray(0, n));
    }
    if (chunks.length) {
      if (onChunk) for (const c of chunks) onChunk(this.name, c);
      const text = this.pending + Buffer.concat(chunks).toString('utf8');
      const parts = text.split('\n');
      this.pending = parts.pop() ?? '';
      log.writeLines(this.name, parts);
      // A line that never ends is flushed in pieces marked partial, as containerd does.
      while (this.pending.length > maxLineBytes) {
        log.writeLines(this.name, [this.pending.slice(0, maxLineBytes)], true);
        this.pending = this.pending.slice(maxLineBytes);
      }
    }
    if (final && this.pending) {
      log.writeLines(this.name, [this.pending]);
      this.pending = '';
    }
    if (this.offset >= size && this.offset > truncateAboveBytes) {
      ftruncateSync(this.fd, 0);
      this.offset = 0;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export class OutputTailer {
  private readonly out: RawStream;
  private readonly err: RawStream;
  private readonly log: CriLogWriter;
  private readonly listeners = new Set<(stream: 'stdout' | 'stderr', chunk: Buffer) => void>();

  constructor(stdoutPath: string, stderrPath: string, logPath: string, offsets: { stdout: number; stderr: number }, maxLogBytes?: number) {
    this.out = new RawStream(stdoutPath, 'stdout', offsets.stdout);
    this.err = new RawStream(stderrPath, 'stderr', offsets.stderr);
    this.log = new CriLogWriter(logPath, maxLogBytes);
  }

  offsets(): { stdout: number; stderr: number } {
    return { stdout: this.out.offset, stderr: this.err.offset };
  }

  /** Copies what was written since the last call; `final` flushes unterminated last lines. */
  drain(final = false): void {
    try {
      const emit = this.listeners.size ? (s: 'stdout' | 'stderr', c: Buffer) => { for (const l of this.listeners) l(s, c); } : undefined;
      this.out.drain(this.log, final, emit);
      this.err.drain(this.log, final, emit);
    } catch {
      // log directory removed with its pod: nothing left to copy to
    }
  }

  /** Live output for attach: chunks as they are copied from now on. */
  subscribe(fn: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  close(): void {
    this.listeners.clear();
    this.out.close();
    this.err.close();
    this.log.close();
  }
}
