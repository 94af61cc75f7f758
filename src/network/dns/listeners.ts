// DNS over UDP and TCP on one address: a UDP socket and a TCP server on the same port (port 0
// picks a free one for both). TCP carries length-prefixed messages, pipelined, answered as they
// complete (RFC 7766), with CoreDNS's idle timeout.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../api/log.js';
import type { ServerMetrics } from './metrics.js';
import type { QueryHandler } from './query-handler.js';

export interface ListenAddress { address: string; port: number }

export interface DnsListener {
  address: ListenAddress;
  close(): Promise<void>;
}

const tcpIdleMs = 10_000;

/**
 * Replies always go to the literal address a query came from, so the name lookup dgram does
 * before every send (dns.lookup, which defers to the next tick even for literals) is skipped:
 * the send happens at once, which is most of a reply's cost.
 */
function literalLookup(family: 4 | 6) {
  return (address: string, _family: unknown, callback: (err: Error | null, address: string, family: number) => void): void => callback(null, address, family);
}
const maxTcpConnections = 1000;

export async function listenDns(at: ListenAddress, handler: QueryHandler, metricsFor: (server: string) => ServerMetrics, log: Logger): Promise<DnsListener> {
  const family: 4 | 6 = net.isIPv6(at.address) ? 6 : 4;
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr: false, lookup: literalLookup(family) });
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(at.port, at.address, () => { udp.off('error', reject); resolve(udp.address().port); });
    });
    const tcp = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ port, host: at.address, exclusive: true }, () => { tcp.off('error', reject); resolve(); });
      });
    } catch (e) {
      udp.close();
      // With port 0 the TCP side of a random UDP port may be taken: pick another.
      if (at.port === 0 && attempt < 10 && (e as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw e;
    }
    const server = `dns://${family === 6 ? `[${at.address}]` : at.address}:${port}`;
    const m = metricsFor(server);
    serveUdp(udp, handler, m, family, log);
    const conns = serveTcp(tcp, handler, m, family, log);
    return {
      address: { address: at.address, port },
      close: async () => {
        await new Promise<void>((r) => udp.close(() => r()));
        for (const c of conns) c.destroy();
        await new Promise<void>((r) => tcp.close(() => r()));
      },
    };
  }
}

function serveUdp(udp: dgram.Socket, handler: QueryHandler, m: ServerMetrics, family: 4 | 6, log: Logger): void {
  try { udp.setRecvBufferSize(4 * 1024 * 1024); } catch { /* the kernel caps it; fine */ }
  udp.on('error', (e) => log.warn('dns udp socket error', { err: e }));
  udp.on('message', (msg, rinfo) => {
    let r: Buffer | Promise<Buffer> | undefined;
    try {
      r = handler.handle(msg, 'udp', family, m);
    } catch (e) {
      log.warn('dns query failed', { err: e });
      return;
    }
    if (r === undefined) return;
    if (Buffer.isBuffer(r)) udp.send(r, rinfo.port, rinfo.address);
    else r.then((b) => udp.send(b, rinfo.port, rinfo.address), (e) => log.warn('dns query failed', { err: e }));
  });
}

function serveTcp(tcp: net.Server, handler: QueryHandler, m: ServerMetrics, family: 4 | 6, log: Logger): Set<net.Socket> {
  const conns = new Set<net.Socket>();
  tcp.on('error', (e) => log.warn('dns tcp server error', { err: e }));
  tcp.on('connection', (sock) => {
    if (conns.size >= maxTcpConnections) { sock.destroy(); return; }
    conns.add(sock);
    sock.setNoDelay(true);
    sock.setTimeout(tcpIdleMs, () => sock.destroy());
    let buf: Buffer = Buffer.alloc(0);
    const send = (reply: Buffer) => {
      if (sock.destroyed) return;
      const len = Buffer.allocUnsafe(2);
      len.writeUInt16BE(reply.length);
      sock.write(Buffer.concat([len, reply]));
    };
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        try {
          const r = handler.handle(msg, 'tcp', family, m);
          if (r === undefined) continue;
          if (Buffer.isBuffer(r)) send(r);
          else r.then(send, (e) => log.warn('dns query failed', { err: e }));
        } catch (e) {
          log.warn('dns query failed', { err: e });
        }
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => conns.delete(sock));
  });
  return conns;
}
