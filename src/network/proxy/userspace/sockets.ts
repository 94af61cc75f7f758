// Where the userspace proxy's sockets live. Normally in this process's network namespace; with
// `netns` (tests, or a proxy serving another namespace) a helper process started inside that
// namespace opens them and passes the handles back over the IPC channel — a listening socket
// keeps the namespace it was created in, so the proxy then serves that namespace from here.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';

export interface SocketFactory {
  /** A TCP server listening on address:port (attach 'connection'). */
  listenTcp(address: string, port: number): Promise<net.Server>;
  /** A UDP socket bound to address:port. */
  bindUdp(address: string, port: number): Promise<dgram.Socket>;
  /** A connected TCP socket, or undefined when the connect failed or took longer than timeoutMs. */
  connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket | undefined>;
  /** An unbound-port UDP socket for talking to an endpoint. */
  udpClient(): Promise<dgram.Socket>;
  close(): Promise<void>;
}

export function localSockets(): SocketFactory {
  return {
    listenTcp: (address, port) => new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen({ host: address, port, exclusive: true }, () => { server.off('error', reject); resolve(server); });
    }),
    bindUdp: (address, port) => new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind({ address, port, exclusive: true }, () => { socket.off('error', reject); resolve(socket); });
    }),
    connectTcp: (host, port, timeoutMs) => new Promise((resolve) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => { s.destroy(); resolve(undefined); }, timeoutMs);
      s.once('connect', () => { clearTimeout(timer); resolve(s); });
      s.once('error', () => { clearTimeout(timer); resolve(undefined); });
    }),
    udpClient: async () => dgram.createSocket('udp4'),
    close: async () => {},
  };
}

// The helper: does one socket operation per message and sends the handle back (closing its copy).
const helperScript = `
const net = require('node:net'); const dgram = require('node:dgram');
const reply = (id, handle, err) => process.send(err ? { id, error: err.code || err.message } : { id }, handle, { keepOpen: false }, () => {
  if (handle && handle.close && !(handle instanceof net.Socket)) { try { handle.close(); } catch {} }
});
process.on('message', (m) => {
  if (m.op === 'listenTcp') {
    const s = net.createServer(); s.once('error', (e) => reply(m.id, undefined, e));
    s.listen({ host: m.address, port: m.port, exclusive: true }, () => reply(m.id, s));
  } else if (m.op === 'bindUdp' || m.op === 'udpClient') {
    const s = dgram.createSocket('udp4'); s.once('error', (e) => reply(m.id, undefined, e));
    s.bind(m.op === 'bindUdp' ? { address: m.address, port: m.port, exclusive: true } : { port: 0, exclusive: true }, () => reply(m.id, s));
  } else if (m.op === 'connectTcp') {
    const s = net.connect({ host: m.host, port: m.port });
    const t = setTimeout(() => { s.destroy(); reply(m.id, undefined, { code: 'ETIMEDOUT' }); }, m.timeoutMs);
    s.once('connect', () => { clearTimeout(t); reply(m.id, s); });
    s.once('error', (e) => { clearTimeout(t); reply(m.id, undefined, e); });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
`;

type Handle = net.Server | net.Socket | dgram.Socket;

/** Sockets opened inside the named network namespace (needs root: `ip netns exec`). */
export async function netnsSockets(netns: string): Promise<SocketFactory> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', helperScript], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (h: Handle | undefined) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket helper in netns ${netns} did not start`)), 10_000);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`socket helper in netns ${netns} exited ${code}`)); });
    child.once('message', () => { clearTimeout(timer); resolve(); });
  });
  child.on('message', (m: { id?: number; error?: string }, handle?: Handle) => {
    const w = m.id !== undefined ? waiting.get(m.id) : undefined;
    if (!w) return;
    waiting.delete(m.id!);
    if (m.error) w.reject(Object.assign(new Error(m.error), { code: m.error }));
    else w.resolve(handle);
  });
  child.on('exit', () => {
    for (const w of waiting.values()) w.reject(new Error('socket helper exited'));
    waiting.clear();
  });
  const ask = <T extends Handle>(msg: Record<string, unknown>): Promise<T> => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve: (h) => resolve(h as T), reject });
    child.send({ ...msg, id });
  });
  return {
    listenTcp: (address, port) => ask<net.Server>({ op: 'listenTcp', address, port }),
    bindUdp: (address, port) => ask<dgram.Socket>({ op: 'bindUdp', address, port }),
    connectTcp: async (host, port, timeoutMs) => {
      try {
        const s = await ask<net.Socket>({ op: 'connectTcp', host, port, timeoutMs });
        s.setNoDelay(true);
        return s;
      } catch {
        return undefined;
      }
    },
    udpClient: () => ask<dgram.Socket>({ op: 'udpClient' }),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
