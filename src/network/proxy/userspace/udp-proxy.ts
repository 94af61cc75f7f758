// One UDP service address:port of the userspace proxy. UDP has no connections, so as the old
// userspace kube-proxy each client address:port gets a session: its own socket towards the
// endpoint chosen for it, whose replies are sent back to the client from the service address.
// A session ends after idleTimeoutMs without traffic, or when its endpoint stops being usable
// (what kube-proxy's conntrack cleanup does for stale UDP endpoints).
import dgram from 'node:dgram';
import type { Logger } from '../../../api/log.js';
import { backendKey, type RoundRobinBalancer } from './load-balancer.js';
import type { SocketFactory } from './sockets.js';

export interface UdpProxySocketOptions {
  sockets: SocketFactory;
  address: string;
  port: number;
  balancer: () => RoundRobinBalancer;
  log: Logger;
  idleTimeoutMs: number;
}

interface Session {
  socket?: dgram.Socket;
  /** Datagrams that came before the session's socket was ready. */
  queued: Buffer[];
  backend: string;
  ip: string;
  port: number;
  timer: NodeJS.Timeout | undefined;
}

export class UdpProxySocket {
  private socket?: dgram.Socket;
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly opts: UdpProxySocketOptions) {}

  async listen(): Promise<void> {
    const socket = await this.opts.sockets.bindUdp(this.opts.address, this.opts.port);
    socket.on('error', (err) => this.opts.log.warn('proxy listener failed', { address: this.where(), err }));
    socket.on('message', (msg, rinfo) => this.forward(msg, rinfo));
    this.socket = socket;
  }

  closeConnections(keep: (backend: string) => boolean): void {
    for (const [client, s] of this.sessions) if (!keep(s.backend)) this.end(client, s);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Unbinds; every session ends (replies could no longer be sent from the service address). */
  async close(): Promise<void> {
    this.closeConnections(() => false);
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private where(): string {
    return `${this.opts.address}:${this.opts.port}/UDP`;
  }

  private forward(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const client = `${rinfo.address}:${rinfo.port}`;
    let s = this.sessions.get(client);
    if (!s) {
      const backend = this.opts.balancer().next(rinfo.address);
      if (!backend) return; // no endpoint: the datagram is dropped
      const session: Session = { queued: [], backend: backendKey(backend), ip: backend.ip, port: backend.port, timer: undefined };
      this.sessions.set(client, session);
      s = session;
      this.opts.sockets.udpClient().then((sock) => {
        if (this.sessions.get(client) !== session) return void sock.close();
        session.socket = sock;
        sock.on('error', (err) => {
          this.opts.log.debug('UDP session failed', { service: this.where(), endpoint: session.backend, err });
          this.end(client, session);
        });
        // Replies are accepted from the endpoint's address only.
        sock.on('message', (reply, from) => {
          if (from.address !== backend.ip || from.port !== backend.port) return;
          this.touch(client, session);
          this.socket?.send(reply, rinfo.port, rinfo.address);
        });
        for (const m of session.queued.splice(0)) this.send(session, m);
      }, (err: unknown) => {
        this.opts.log.debug('UDP session socket failed', { service: this.where(), err });
        this.end(client, session);
      });
    }
    this.touch(client, s);
    if (s.socket) this.send(s, msg);
    else if (s.queued.length < 64) s.queued.push(msg);
  }

  private send(s: Session, msg: Buffer): void {
    s.socket!.send(msg, s.port, s.ip, (err) => { if (err) this.opts.log.debug('UDP send failed', { service: this.where(), err }); });
  }

  private touch(client: string, s: Session): void {
    clearTimeout(s.timer);
    s.timer = setTimeout(() => this.end(client, s), this.opts.idleTimeoutMs);
    s.timer.unref();
  }

  private end(client: string, s: Session): void {
    clearTimeout(s.timer);
    if (this.sessions.get(client) !== s) return;
    this.sessions.delete(client);
    try { s.socket?.close(); } catch { /* already closed */ }
  }
}
