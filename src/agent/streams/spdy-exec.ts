// exec and attach over SPDY/3.1 (`Upgrade: SPDY/3.1`, the remotecommand protocols clients used
// before WebSocket, and kubectl's fallback): the client opens one stream per standard stream,
// with header `streamtype` error | stdin | stdout | stderr | resize; the session starts once all
// the request asked for are there (the kubelet waits for exactly that many). stdout and stderr
// go out as data on their streams, resize events arrive as a run of JSON objects, and the
// outcome is written on the error stream — a JSON Status from v4 on, plain text before — after
// which the streams are closed and the connection with them.
import { PassThrough, Writable } from 'node:stream';
import type { Logger } from '../../api/log.js';
import type { StreamOptions } from '../runtime/types.js';
import type { ByteTransport } from './byte-transport.js';
import { ResizeQueue, finished, runAttachSession, runExecSession, type ExecTarget, type StreamRequest, type StreamSession } from './exec.js';
import { SpdyConnection, type SpdyStream } from './spdy-connection.js';
import type { ChannelStatus } from './status.js';

/** remotecommand protocol names negotiated with X-Stream-Protocol-Version. */
export const spdyExecProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

function expectedStreams(req: StreamRequest, protocol: string): Set<StreamType> {
  const want = new Set<StreamType>(['error']);
  if (req.stdin) want.add('stdin');
  if (req.stdout) want.add('stdout');
  if (req.stderr && !req.tty) want.add('stderr');
  if (req.tty && protocol !== 'channel.k8s.io' && protocol !== 'v2.channel.k8s.io' && protocol !== '') want.add('resize');
  return want;
}

function streamWriter(s: SpdyStream): Writable {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      s.write(chunk).then(() => cb(), () => cb());
    },
  });
  w.on('error', () => {});
  return w;
}

/** Resize events: concatenated JSON objects `{"Width":80,"Height":24}`. */
function resizeParser(queue: ResizeQueue): (chunk: Buffer) => void {
  let text = '';
  return (chunk) => {
    text += chunk.toString('utf8');
    let end: number;
    while ((end = text.indexOf('}')) >= 0) {
      const one = text.slice(0, end + 1);
      text = text.slice(end + 1);
      try {
        const r = JSON.parse(one.trim()) as { Width?: number; Height?: number };
        queue.push({ width: Number(r.Width ?? 0), height: Number(r.Height ?? 0) });
      } catch {
        // ignored, as the kubelet does with an unreadable event
      }
    }
  };
}

export interface SpdyExecOptions {
  protocol: string;
  request: StreamRequest;
  target: ExecTarget;
  /** Absent for attach. */
  command?: string[];
  log: Logger;
  /** The kubelet's stream creation timeout. */
  streamTimeoutMs?: number;
}

export function serveSpdyExec(transport: ByteTransport, opts: SpdyExecOptions): Promise<void> {
  const want = expectedStreams(opts.request, opts.protocol);
  const got = new Map<StreamType, SpdyStream>();
  let started = false;
  let conn: SpdyConnection;
  const resize = new ResizeQueue();
  const stdin = opts.request.stdin ? new PassThrough() : undefined;
  let outputs: Writable[] = [];

  const start = () => {
    started = true;
    clearTimeout(timer);
    const stdout = got.get('stdout');
    const stderr = got.get('stderr');
    const streams: StreamOptions = {
      stdin,
      stdout: stdout ? streamWriter(stdout) : undefined,
      stderr: stderr ? streamWriter(stderr) : undefined,
      tty: opts.request.tty,
      resize: opts.request.tty ? resize : undefined,
    };
    outputs = [streams.stdout, streams.stderr].filter((w): w is Writable => !!w);
    const session: StreamSession = {
      streams,
      async finish(status: ChannelStatus) {
        await Promise.all([finished(streams.stdout, 2000), finished(streams.stderr, 2000)]);
        resize.end();
        const errorStream = got.get('error')!;
        const v4 = opts.protocol === 'v4.channel.k8s.io' || opts.protocol === 'v5.channel.k8s.io';
        if (v4) await errorStream.write(JSON.stringify(status));
        else if (status.status !== 'Success') await errorStream.write(status.message ?? 'error');
        for (const s of got.values()) void s.end();
        await conn.close();
      },
    };
    const run = opts.command ? runExecSession(session, opts.target, opts.command, opts.log) : runAttachSession(session, opts.target, opts.log);
    run.catch((e: unknown) => opts.log.debug('spdy exec failed', { err: (e as Error).message }));
  };

  const timer = setTimeout(() => {
    if (started) return;
    opts.log.debug('spdy exec: streams missing', { have: [...got.keys()], want: [...want] });
    void conn.close();
  }, opts.streamTimeoutMs ?? 30_000);

  conn = new SpdyConnection(transport, opts.log, (s) => {
    const type = s.headers.get('streamtype') as StreamType | undefined;
    if (!type || !want.has(type) || got.has(type)) {
      conn.reset(s);
      return;
    }
    got.set(type, s);
    if (type === 'stdin' && stdin) s.attach({ data: (b) => stdin.write(b), end: () => stdin.end(), abort: () => stdin.end() });
    else if (type === 'resize') s.attach({ data: resizeParser(resize), end: () => resize.end(), abort: () => resize.end() });
    else s.attach({ data: () => {}, end: () => {}, abort: () => {} });
    if (!started && got.size === want.size) start();
  });

  return conn.closed.then(() => {
    clearTimeout(timer);
    if (stdin && !stdin.writableEnded) stdin.end();
    resize.end();
    // Ends an attach (the runtime watches its output stream) once the client is gone.
    for (const w of outputs) if (!w.writableFinished) w.destroy();
  });
}
