// The SPDY client against the agent's own SPDY server (src/agent/streams), a separate
// implementation of the kubelet's streaming side: exec with stdin half-close and exit codes,
// a tty session's resize stream, and a port-forward pair.
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough, Writable, Duplex } from 'node:stream';
import { createLogger } from '../../../api/log.js';
import type { RuntimeService, StreamOptions } from '../types.js';
import { socketTransport } from '../../streams/byte-transport.js';
import { serveSpdyExec } from '../../streams/spdy-exec.js';
import { serveSpdyPortForward } from '../../streams/spdy-portforward.js';
import { exitCodeFromStatus, remoteExec, remotePortForward, tcpDialer } from './remote-streams.js';

const log = createLogger({ level: 'error' });

function collect(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

/** A streaming server: answers the SPDY upgrade, then hands the socket to `serve`. */
async function streamingServer(serve: (socket: Socket, protocol: string) => void): Promise<{ server: Server; url: (path: string) => string }> {
  const server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    const onData = (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const head = buf.subarray(0, end).toString();
      const protocol = /x-stream-protocol-version: (.*)/i.exec(head)?.[1]?.trim() ?? '';
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
      serve(socket, protocol);
      const rest = buf.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, url: (path) => `http://127.0.0.1:${port}${path}` };
}

function fakeRuntime(exec: (cmd: string[], s: StreamOptions) => Promise<number>): RuntimeService {
  return { exec: (_id: string, cmd: string[], s: StreamOptions) => exec(cmd, s) } as unknown as RuntimeService;
}

describe('remote streams over SPDY', () => {
  let server: Server | undefined;
  afterEach(() => { server?.close(); server = undefined; });

  it('runs an exec with stdin to EOF, separate stdout and stderr, and the exit code', async () => {
    let sawTty = false;
    const runtime = fakeRuntime(async (cmd, s) => {
      let input = '';
      for await (const c of s.stdin!) input += String(c);
      s.stdout!.write(`${cmd.join(' ')}:${input.toUpperCase()}`);
      s.stderr!.write('warn');
      sawTty = s.tty;
      return 3;
    });
    const srv = await streamingServer((socket, protocol) => {
      void serveSpdyExec(socketTransport(socket), {
        protocol, request: { stdin: true, stdout: true, stderr: true, tty: false }, target: { runtime, containerId: 'c' }, command: ['cat'], log,
      });
    });
    server = srv.server;
    const stdin = new PassThrough();
    const out = collect();
    const err = collect();
    const done = remoteExec(srv.url('/exec/token'), { stdin, stdout: out.stream, stderr: err.stream, tty: false }, tcpDialer, 5000);
    stdin.end('piped');
    expect(await done).toBe(3);
    expect([out.text(), err.text(), sawTty]).toEqual(['cat:PIPED', 'warn', false]);
  });

  it('opens the resize stream for a tty and delivers resize events', async () => {
    const sizes: string[] = [];
    const runtime = fakeRuntime(async (_cmd, s) => {
      for await (const r of s.resize!) {
        sizes.push(`${r.width}x${r.height}`);
        if (sizes.length === 2) break;
      }
      s.stdout!.write('ok');
      return 0;
    });
    const srv = await streamingServer((socket, protocol) => {
      void serveSpdyExec(socketTransport(socket), {
        protocol, request: { stdin: false, stdout: true, stderr: false, tty: true }, target: { runtime, containerId: 'c' }, command: ['sh'], log,
      });
    });
    server = srv.server;
    const out = collect();
    async function* resize() { yield { width: 80, height: 24 }; yield { width: 100, height: 40 }; }
    expect(await remoteExec(srv.url('/exec/t'), { stdout: out.stream, tty: true, resize: resize() }, tcpDialer, 5000)).toBe(0);
    expect([out.text(), sizes]).toEqual(['ok', ['80x24', '100x40']]);
  });

  it('forwards a port through a data and an error stream', async () => {
    const srv = await streamingServer((socket) => {
      void serveSpdyPortForward(socketTransport(socket), {
        podDescription: 'p', log,
        forward: async (port, stream) => {
          let got = '';
          stream.on('data', (c: Buffer) => { got += c.toString(); });
          await new Promise((r) => stream.once('end', r));
          stream.end(`port ${port} got ${got}`);
        },
      });
    });
    server = srv.server;
    const back = collect();
    const duplex = new Duplex({ read() {}, write(c: Buffer, _e, cb) { back.stream.write(c); cb(); } });
    const done = remotePortForward(srv.url('/portforward/t'), 8080, duplex, tcpDialer, 5000);
    duplex.push('ping');
    duplex.push(null);
    await done;
    expect(back.text()).toBe('port 8080 got ping');
  });

  it('reports a refused upgrade', async () => {
    const refusing = createServer((s) => s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    server = refusing;
    const url = `http://127.0.0.1:${(refusing.address() as { port: number }).port}/exec/x`;
    await expect(remoteExec(url, { stdout: collect().stream, tty: false }, tcpDialer, 2000)).rejects.toThrow(/refused the upgrade: HTTP\/1.1 404/);
  });
});

describe('exitCodeFromStatus', () => {
  it('reads Success, NonZeroExitCode and other failures as the kubelet writes them', () => {
    expect(exitCodeFromStatus('')).toBe(0);
    expect(exitCodeFromStatus('{"kind":"Status","status":"Success"}')).toBe(0);
    expect(exitCodeFromStatus(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '42' }] } }))).toBe(42);
    expect(() => exitCodeFromStatus(JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'Internal error occurred: boom' }))).toThrow('Internal error occurred: boom');
  });
});
