// exec and attach over a channel-protocol WebSocket: the client's stdin (channel 0) feeds the
// command, its stdout and stderr come back on channels 1 and 2 (merged into 1 with a tty), resize
// events arrive on channel 4, and the outcome goes out on channel 3 before the connection closes
// — as the kubelet's remotecommand server does.
import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../api/log.js';
import type { RuntimeService, StreamOptions, TerminalSize } from '../runtime/types.js';
import { ChannelConnection, ERROR, RESIZE, STDERR, STDIN, STDOUT, type ChannelProtocolName } from './channel-protocol.js';
import { exitCodeStatus, internalErrorStatus, successStatus, type ChannelStatus } from './status.js';

export interface StreamRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Reads exec/attach flags from a query: `stdin=true|1`, as the kubelet accepts. */
export function streamRequestFromQuery(q: URLSearchParams): StreamRequest {
  const flag = (n: string) => {
    const v = q.get(n);
    return v === 'true' || v === '1' || v === 'True';
  };
  return { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
}

/** A queue that turns resize messages into the AsyncIterable the runtime takes. */
export class ResizeQueue implements AsyncIterable<TerminalSize> {
  private items: TerminalSize[] = [];
  private wake?: () => void;
  private done = false;

  push(s: TerminalSize): void {
    this.items.push(s);
    this.wake?.();
  }

  end(): void {
    this.done = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TerminalSize> {
    for (;;) {
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.done) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

/** A Writable that sends each chunk on one channel, and drops output once the client is gone. */
function channelWriter(conn: ChannelConnection, channel: number): Writable {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      void conn.send(channel, chunk);
      cb();
    },
  });
  // Runtimes may still write after the client left (and the writer was destroyed).
  w.on('error', () => {});
  return w;
}

export function finished(w: Writable | undefined, timeoutMs: number): Promise<void> {
  if (!w || w.destroyed || w.writableFinished) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    w.once('finish', () => {
      clearTimeout(t);
      resolve();
    });
    w.once('error', () => {
      clearTimeout(t);
      resolve();
    });
    w.end();
  });
}

export interface ExecTarget {
  runtime: RuntimeService;
  containerId: string;
}

/** One exec/attach session, whatever carries it (WebSocket channels or SPDY streams). */
export interface StreamSession {
  streams: StreamOptions;
  /** Flushes the output streams, reports `status` on the error stream, and ends the session. */
  finish(status: ChannelStatus): Promise<void>;
}

function openSession(ws: WebSocket, protocol: ChannelProtocolName | '', req: StreamRequest): StreamSession {
  const stdin = req.stdin ? new PassThrough() : undefined;
  let streams: StreamOptions | undefined;
  const resize = new ResizeQueue();
  const conn = new ChannelConnection(ws, protocol, {
    onData(channel, data) {
      if (channel === STDIN) stdin?.write(data);
      else if (channel === RESIZE && req.tty) {
        try {
          const r = JSON.parse(data.toString('utf8')) as { Width?: number; Height?: number };
          resize.push({ width: Number(r.Width ?? 0), height: Number(r.Height ?? 0) });
        } catch {
          // an unreadable resize event is ignored, as the kubelet does
        }
      }
    },
    onChannelClose(channel) {
      if (channel === STDIN) stdin?.end();
    },
    onConnectionClose() {
      if (stdin && !stdin.writableEnded) stdin.end();
      resize.end();
      // Ends an attach (the runtime watches its output stream) once the client is gone.
      streams?.stdout?.destroy();
      streams?.stderr?.destroy();
    },
  });
  const stdout = req.stdout ? channelWriter(conn, STDOUT) : undefined;
  // With a tty there is one output stream, as on a terminal.
  const stderr = req.stderr && !req.tty ? channelWriter(conn, STDERR) : undefined;
  const opened: StreamOptions = { stdin, stdout, stderr, tty: req.tty, resize: req.tty ? resize : undefined };
  streams = opened;
  return {
    streams: opened,
    async finish(status) {
      await Promise.all([finished(opened.stdout, 2000), finished(opened.stderr, 2000)]);
      resize.end();
      if (conn.statusErrors) await conn.send(ERROR, JSON.stringify(status));
      else if (status.status !== 'Success') await conn.send(ERROR, status.message ?? 'error');
      conn.close(1000);
    },
  };
}

/** Why a command could not start, shaped as a shell reports it (127 not found, 126 cannot run). */
function startFailureCode(message: string): number {
  return /ENOENT|not found/i.test(message) ? 127 : 126;
}

export async function runExecSession(s: StreamSession, target: ExecTarget, command: string[], log: Logger): Promise<void> {
  let status: ChannelStatus;
  try {
    const code = await target.runtime.exec(target.containerId, command, s.streams);
    status = code === 0 ? successStatus() : exitCodeStatus(command, code);
  } catch (e) {
    const message = (e as Error).message;
    log.debug('exec failed to start', { container: target.containerId, err: message });
    const code = startFailureCode(message);
    const hint = code === 127 ? `exec: "${command[0]}": executable file not found in $PATH` : message;
    const errOut = s.streams.stderr ?? s.streams.stdout;
    errOut?.write(`${hint}\n`);
    status = exitCodeStatus(command, code);
  }
  await s.finish(status);
}

export async function runAttachSession(s: StreamSession, target: ExecTarget, log: Logger): Promise<void> {
  let status: ChannelStatus;
  try {
    await target.runtime.attach(target.containerId, s.streams);
    status = successStatus();
  } catch (e) {
    log.debug('attach failed', { container: target.containerId, err: (e as Error).message });
    status = internalErrorStatus(`error attaching to container: ${(e as Error).message}`);
  }
  await s.finish(status);
}

export function serveExec(ws: WebSocket, protocol: ChannelProtocolName | '', target: ExecTarget, command: string[], req: StreamRequest, log: Logger): Promise<void> {
  return runExecSession(openSession(ws, protocol, req), target, command, log);
}

export function serveAttach(ws: WebSocket, protocol: ChannelProtocolName | '', target: ExecTarget, req: StreamRequest, log: Logger): Promise<void> {
  return runAttachSession(openSession(ws, protocol, req), target, log);
}
