// Port-forward over the channel protocol (the JS and Python clients): `?ports=8080,9090` opens a
// pair of channels per port, 2i for data and 2i+1 for errors. The kubelet first writes the port
// (2 bytes, little-endian) on both channels of each pair; a failure is written as text on the
// error channel; the connection closes when every port's forward has ended.
import type { WebSocket } from 'ws';
import type { Logger } from '../../api/log.js';
import { ChannelConnection, type ChannelProtocolName } from './channel-protocol.js';
import { protocolDuplex } from './duplex-pipe.js';
import type { PortForwarder } from './spdy-portforward.js';

/** Ports from `ports` query values (repeated or comma-separated); throws on a bad one. */
export function parsePorts(q: URLSearchParams): number[] {
  const ports: number[] = [];
  for (const v of q.getAll('ports')) {
    for (const p of v.split(',')) {
      const t = p.trim();
      if (!t) continue;
      const n = Number(t);
      if (!/^\d+$/.test(t) || n <= 0 || n > 65535) throw new Error(`invalid port: "${t}"`);
      ports.push(n);
    }
  }
  return ports;
}

export async function serveChannelPortForward(
  ws: WebSocket, protocol: ChannelProtocolName | '', ports: number[], forward: PortForwarder, podDescription: string, log: Logger,
): Promise<void> {
  const sinks = ports.map(() => undefined as ReturnType<typeof protocolDuplex> | undefined);
  const conn = new ChannelConnection(ws, protocol, {
    onData(channel, data) {
      if (channel % 2 === 0) sinks[channel / 2]?.push(Buffer.from(data));
    },
    onConnectionClose() {
      for (const s of sinks) s?.destroy();
    },
  });
  const portBytes = (p: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(p);
    return b;
  };
  await Promise.all(ports.map(async (port, i) => {
    await conn.send(2 * i, portBytes(port));
    await conn.send(2 * i + 1, portBytes(port));
  }));
  await Promise.all(ports.map(async (port, i) => {
    const sink = protocolDuplex((chunk) => conn.send(2 * i, chunk), () => {});
    sinks[i] = sink;
    try {
      await forward(port, sink);
    } catch (e) {
      log.debug('port-forward failed', { port, err: (e as Error).message });
      await conn.send(2 * i + 1, `error forwarding port ${port} to pod ${podDescription}, uid : ${(e as Error).message}`);
    } finally {
      sink.destroy();
    }
  }));
  conn.close(1000);
}
