// Exec, attach and port-forward sessions against the URL a CRI Exec/Attach/PortForward call
// returns, spoken as client-go does over SPDY: remote command protocol v4 (streams error, stdin,
// stdout, stderr, resize; the error stream carries a meta/v1 Status whose NonZeroExitCode cause
// holds the exit code) and portforward.k8s.io (an error and a data stream per port, paired by
// requestid).
import { connect } from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import type { StreamOptions } from '../types.js';
import { upgradeToSpdy, type SpdyClientSession, type SpdyClientStream } from './spdy-client.js';

/** Opens a TCP connection to the streaming server (injectable: tests reach a server inside a netns). */
export type StreamDialer = (host: string, port: number) => Promise<Duplex>;

export const tcpDialer: StreamDialer = (host, port) => new Promise((resolve, reject) => {
  const s = connect({ host, port });
  s.once('connect', () => { s.off('error', reject); resolve(s); });
  s.once('error', reject);
});

async function dialSession(urlText: string, protocol: string, dial: StreamDialer, timeoutMs: number): Promise<SpdyClientSession> {
  const url = new URL(urlText);
  const socket = await dial(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || 80));
  return upgradeToSpdy(socket, url, protocol, timeoutMs);
}

interface StatusDoc { status?: string; reason?: string; message?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } }

/** The exit code a v4 error-stream Status carries (0 for none or Success); throws for other failures. */
export function exitCodeFromStatus(raw: string): number {
  if (raw.trim() === '') return 0;
  let doc: StatusDoc;
  try {
    doc = JSON.parse(raw) as StatusDoc;
  } catch {
    throw new Error(raw.trim());
  }
  if (doc.status === 'Success') return 0;
  if (doc.reason === 'NonZeroExitCode') {
    const cause = doc.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return code;
  }
  throw new Error(doc.message ?? raw.trim());
}

const ended = (s: SpdyClientStream | undefined): Promise<void> => (s ? new Promise((r) => s.onEnd(r)) : Promise.resolve());

function pipeOut(s: SpdyClientStream | undefined, w: Writable | undefined): void {
  if (!s || !w) return;
  s.onData((b) => { if (!w.destroyed && !w.writableEnded) w.write(b); });
}

interface Session { session: SpdyClientSession; error: SpdyClientStream; stdout?: SpdyClientStream; stderr?: SpdyClientStream }

async function openRemoteCommand(url: string, streams: StreamOptions, dial: StreamDialer, timeoutMs: number): Promise<Session> {
  const session = await dialSession(url, 'v4.channel.k8s.io', dial, timeoutMs);
  try {
    const open = (type: string) => session.openStream({ streamtype: type });
    // the server counts the streams it expects from the request (error first, as client-go does)
    const error = await open('error');
    const stdin = streams.stdin ? await open('stdin') : undefined;
    const stdout = streams.stdout ? await open('stdout') : undefined;
    const stderr = streams.stderr && !streams.tty ? await open('stderr') : undefined;
    // with a tty the server also waits for the resize stream, resize events or not
    const resize = streams.tty ? await open('resize') : undefined;
    pipeOut(stdout, streams.stdout);
    pipeOut(stderr, streams.stderr);
    if (stdin && streams.stdin) {
      const input = streams.stdin;
      input.on('data', (b: Buffer | string) => void stdin.write(typeof b === 'string' ? Buffer.from(b) : b));
      input.once('end', () => void stdin.end());
      input.once('error', () => void stdin.end());
    }
    if (resize && streams.resize) {
      const sizes = streams.resize;
      void (async () => {
        for await (const size of sizes) {
          if (resize.localFin) break;
          await resize.write(JSON.stringify({ Width: size.width, Height: size.height }));
        }
      })().catch(() => {});
    }
    return { session, error, stdout, stderr };
  } catch (e) {
    session.close();
    throw e;
  }
}

/** Runs an exec session to its end; resolves with the exit code. */
export async function remoteExec(url: string, streams: StreamOptions, dial: StreamDialer, timeoutMs: number): Promise<number> {
  const { session, error, stdout, stderr } = await openRemoteCommand(url, streams, dial, timeoutMs);
  let status = '';
  error.onData((b) => { status += b.toString(); });
  try {
    await Promise.race([ended(error), session.closed]);
    // output sent before the status may still be in flight on its own streams
    await Promise.race([Promise.all([ended(stdout), ended(stderr)]), new Promise((r) => setTimeout(r, 1000))]);
    return exitCodeFromStatus(status);
  } finally {
    session.close();
  }
}

/** Attaches until the process ends, the connection drops or the caller's output stream closes. */
export async function remoteAttach(url: string, streams: StreamOptions, dial: StreamDialer, timeoutMs: number): Promise<void> {
  const { session, error } = await openRemoteCommand(url, streams, dial, timeoutMs);
  const callerGone = new Promise<void>((resolve) => {
    for (const w of [streams.stdout, streams.stderr]) w?.once('close', () => resolve());
  });
  try {
    await Promise.race([ended(error), session.closed, callerGone]);
  } finally {
    session.close();
  }
}

/** Connects `stream` to one port of the sandbox until either side closes. */
export async function remotePortForward(url: string, port: number, stream: Duplex, dial: StreamDialer, timeoutMs: number): Promise<void> {
  const session = await dialSession(url, 'portforward.k8s.io', dial, timeoutMs);
  try {
    const headers = { port: String(port), requestid: '0' };
    const error = await session.openStream({ ...headers, streamtype: 'error' });
    const data = await session.openStream({ ...headers, streamtype: 'data' });
    let problem = '';
    error.onData((b) => { problem += b.toString(); });
    data.onData((b) => { if (!stream.destroyed) stream.write(b); });
    data.onEnd(() => { if (!stream.destroyed && !stream.writableEnded) stream.end(); });
    stream.on('data', (b: Buffer | string) => void data.write(typeof b === 'string' ? Buffer.from(b) : b));
    stream.once('end', () => void data.end());
    const callerGone = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    await Promise.race([callerGone, session.closed, ended(error), Promise.all([ended(data), new Promise<void>((r) => stream.once('end', () => r()))])]);
    if (problem.trim() !== '') throw new Error(problem.trim());
  } finally {
    session.close();
  }
}
