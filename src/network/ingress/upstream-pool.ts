// Keep-alive connections to endpoints for the forwarding fast path (what http.Agent does for the
// node:http path): idle sockets per endpoint, most recently used first, dropped when the endpoint
// closes them, sends anything unasked, or they sit idle too long.
import net from 'node:net';

interface Idle {
  socket: net.Socket;
  cleanup: () => void;
}

export class UpstreamPool {
  private readonly idle = new Map<string, Idle[]>();

  constructor(private readonly maxIdlePerEndpoint = 256, private readonly idleTimeoutMs = 60_000) {}

  /** An idle connection to host:port (reused: true) or a new one. */
  acquire(host: string, port: number): { socket: net.Socket; reused: boolean } {
    const list = this.idle.get(`${host}:${port}`);
    const entry = list?.pop();
    if (entry) {
      entry.cleanup();
      return { socket: entry.socket, reused: true };
    }
    const socket = net.connect({ host, port, noDelay: true });
    // Errors are handled by whoever holds the socket; a late one on a socket being dropped is not fatal.
    socket.on('error', () => {});
    return { socket, reused: false };
  }

  /** Gives a connection whose last response is complete back for reuse. */
  release(host: string, port: number, socket: net.Socket): void {
    if (socket.destroyed || socket.readableEnded) return void socket.destroy();
    const key = `${host}:${port}`;
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    if (list.length >= this.maxIdlePerEndpoint) return void socket.destroy();
    const drop = () => {
      socket.destroy();
      const l = this.idle.get(key);
      const i = l ? l.findIndex((e) => e.socket === socket) : -1;
      if (i >= 0) l!.splice(i, 1);
      cleanup();
    };
    const timer = setTimeout(drop, this.idleTimeoutMs);
    timer.unref();
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', drop);
      socket.off('end', drop);
      socket.off('close', drop);
      socket.off('error', drop);
    };
    socket.on('data', drop);
    socket.on('end', drop);
    socket.on('close', drop);
    socket.on('error', drop);
    list.push({ socket, cleanup });
  }

  destroy(): void {
    for (const list of this.idle.values()) for (const e of list) { e.cleanup(); e.socket.destroy(); }
    this.idle.clear();
  }
}
