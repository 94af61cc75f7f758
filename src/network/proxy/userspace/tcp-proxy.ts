// One TCP listening socket of the userspace proxy (a ClusterIP, node port, load-balancer or
// external IP address:port). Each accepted connection is spliced to an endpoint. As the old
// userspace kube-proxy: the dial has a timeout that grows with each attempt and a failed dial
// moves on to the next endpoint; with no endpoint the client connection is closed at once.
import net from 'node:net';
import type { Logger } from '../../../api/log.js';
import { backendKey, type RoundRobinBalancer } from './load-balancer.js';
import type { SocketFactory } from './sockets.js';

/** Upstream's endpointDialTimeout: one attempt per entry. */
export const endpointDialTimeoutsMs = [250, 500, 1000, 2000];

export interface ProxySocketOptions {
  sockets: SocketFactory;
  address: string;
  port: number;
  balancer: () => RoundRobinBalancer;
  log: Logger;
  dialTimeoutsMs?: number[];
}

interface Spliced {
  client: net.Socket;
  upstream: net.Socket;
  backend: string;
}

export class TcpProxySocket {
  private server?: net.Server;
  private readonly conns = new Set<Spliced>();

  constructor(private readonly opts: ProxySocketOptions) {}

  async listen(): Promise<void> {
    const server = await this.opts.sockets.listenTcp(this.opts.address, this.opts.port);
    server.on('connection', (c: net.Socket) => { c.pause(); void this.accept(c); });
    server.on('error', (err) => this.opts.log.warn('proxy listener failed', { address: this.where(), err }));
    this.server = server;
  }

  /** Closes connections whose endpoint `keep` no longer accepts. */
  closeConnections(keep: (backend: string) => boolean): void {
    for (const c of this.conns) {
      if (!keep(c.backend)) {
        c.client.destroy();
        c.upstream.destroy();
      }
    }
  }

  /** Stops listening; open connections whose endpoint `keep` accepts stay up. */
  async close(keep: (backend: string) => boolean = () => false): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.closeConnections(keep);
    // net.Server.close() reports only once every connection has ended; the listening socket itself
    // is closed at once, which is all a sync needs (kept connections finish on their own).
    s?.close();
  }

  private where(): string {
    return `${this.opts.address}:${this.opts.port}/TCP`;
  }

  private async accept(client: net.Socket): Promise<void> {
    client.on('error', () => {});
    const clientIP = client.remoteAddress ?? '';
    const timeouts = this.opts.dialTimeoutsMs ?? endpointDialTimeoutsMs;
    for (let attempt = 0; attempt < timeouts.length; attempt++) {
      if (client.destroyed) return;
      const backend = this.opts.balancer().next(clientIP, attempt > 0);
      if (!backend) break;
      const upstream = await this.opts.sockets.connectTcp(backend.ip, backend.port, timeouts[attempt]!);
      if (!upstream) {
        this.opts.log.debug('endpoint dial failed; trying the next one', { service: this.where(), endpoint: backendKey(backend), attempt });
        continue;
      }
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      this.splice(client, upstream, backendKey(backend));
      return;
    }
    this.opts.log.debug('no endpoint reachable; closing the connection', { service: this.where() });
    client.destroy();
  }

  private splice(client: net.Socket, upstream: net.Socket, backend: string): void {
    const entry: Spliced = { client, upstream, backend };
    this.conns.add(entry);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    // A half-close passes through (pipe ends the other side's writable on 'end').
    client.pipe(upstream);
    upstream.pipe(client);
    const done = () => {
      if (client.destroyed && upstream.destroyed) this.conns.delete(entry);
    };
    client.on('close', () => { upstream.destroy(); done(); });
    upstream.on('close', () => { client.destroy(); done(); });
    upstream.setNoDelay(true);
    client.resume();
    upstream.resume();
  }
}
