// Keep-alive connections to endpoints for the forwarding fast path (what http.Agent does for the
// node:http path): idle connections per endpoint, most recently used first, dropped when the
// endpoint closes them, sends anything unasked, or they sit idle too long. Each connection keeps
// one set of listeners for life and passes events to its current owner, so handing it from
// request to request costs no listener churn.
import net from 'node:net';

export interface UpstreamOwner {
  onData(d: Buffer): void;
  /** The endpoint ended or closed the connection. */
  onEnd(): void;
  onError(err: Error): void;
}

export class UpstreamConn {
  owner?: UpstreamOwner;
  lastUsed = 0;

  constructor(readonly socket: net.Socket, readonly key: string, drop: (c: UpstreamConn) => void) {
    socket.on('data', (d: Buffer) => (this.owner ? this.owner.onData(d) : drop(this)));
    socket.on('end', () => (this.owner ? this.owner.onEnd() : drop(this)));
    socket.on('close', () => (this.owner ? this.owner.onEnd() : drop(this)));
    socket.on('error', (err) => (this.owner ? this.owner.onError(err) : drop(this)));
  }
}

export class UpstreamPool {
  private readonly idle = new Map<string, UpstreamConn[]>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly maxIdlePerEndpoint = 256, private readonly idleTimeoutMs = 60_000) {}

  /** An idle connection to host:port (reused: true) or a new one. */
  acquire(host: string, port: number): { conn: UpstreamConn; reused: boolean } {
    const key = `${host}:${port}`;
    const conn = this.idle.get(key)?.pop();
    if (conn) return { conn, reused: true };
    return { conn: new UpstreamConn(net.connect({ host, port, noDelay: true }), key, (c) => this.drop(c)), reused: false };
  }

  /** Gives a connection whose last response is complete back for reuse. */
  release(conn: UpstreamConn): void {
    conn.owner = undefined;
    const s = conn.socket;
    if (s.destroyed || s.readableEnded || s.writableEnded) return void s.destroy();
    let list = this.idle.get(conn.key);
    if (!list) this.idle.set(conn.key, (list = []));
    if (list.length >= this.maxIdlePerEndpoint) return void s.destroy();
    conn.lastUsed = Date.now();
    list.push(conn);
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(1000, this.idleTimeoutMs / 4)).unref();
  }

  destroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const list of this.idle.values()) for (const c of list) c.socket.destroy();
    this.idle.clear();
  }

  private drop(conn: UpstreamConn): void {
    conn.socket.destroy();
    const list = this.idle.get(conn.key);
    const i = list ? list.indexOf(conn) : -1;
    if (i >= 0) list!.splice(i, 1);
  }

  private sweep(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    for (const [key, list] of this.idle) {
      const keep = list.filter((c) => c.lastUsed > cutoff || (c.socket.destroy(), false));
      if (keep.length) this.idle.set(key, keep);
      else this.idle.delete(key);
    }
  }
}
