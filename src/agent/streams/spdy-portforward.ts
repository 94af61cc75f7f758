// Port-forward over SPDY/3.1 — tunnelled in a WebSocket with subprotocol
// `SPDY/3.1+portforward.k8s.io` (kubectl ≥ 1.31) or on the raw socket after an
// `Upgrade: SPDY/3.1` handshake (older clients, kubectl's fallback). For every forwarded TCP
// connection the client opens an error stream and a data stream, both with headers `streamtype`
// (error|data), `port` and `requestid`; once both of one request are there, the data stream is
// joined to the port, and a failure is written as text on the error stream (the kubelet's
// "error forwarding port …" message) before both are closed.
import type { Duplex } from 'node:stream';
import type { Logger } from '../../api/log.js';
import type { ByteTransport } from './byte-transport.js';
import { protocolDuplex } from './duplex-pipe.js';
import { SpdyConnection, type SpdyStream } from './spdy-connection.js';
import { RstStatus } from './spdy-frames.js';

export const SPDY_PORTFORWARD_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/** What a forwarded connection is joined to. */
export type PortForwarder = (port: number, stream: Duplex) => Promise<void>;

interface Pair { error?: SpdyStream; data?: SpdyStream; timer?: NodeJS.Timeout; started: boolean }

export interface SpdyPortForwardOptions {
  forward: PortForwarder;
  /** For messages: what the kubelet prints as the pod. */
  podDescription: string;
  log: Logger;
  /** How long an error stream waits for its data stream (the kubelet's stream creation timeout). */
  pairTimeoutMs?: number;
}

export function serveSpdyPortForward(transport: ByteTransport, opts: SpdyPortForwardOptions): Promise<void> {
  const pairs = new Map<string, Pair>();

  const startPair = (key: string, pair: Pair) => {
    pair.started = true;
    if (pair.timer) clearTimeout(pair.timer);
    const errorStream = pair.error!;
    const data = pair.data!;
    const portText = data.headers.get('port') ?? '';
    const port = Number(portText);
    const fail = (message: string) => {
      void errorStream.write(message);
      void errorStream.end();
      void data.end();
    };
    if (!/^\d+$/.test(portText) || port <= 0 || port > 65535) {
      fail(`invalid port: ${portText}`);
      pairs.delete(key);
      return;
    }
    const sink = protocolDuplex((chunk) => data.write(chunk), () => void data.end());
    data.attach({ data: (b) => sink.push(b), end: () => sink.push(null), abort: () => sink.destroy() });
    opts.forward(port, sink).then(
      () => {
        void data.end();
        void errorStream.end();
      },
      (e: unknown) => {
        opts.log.debug('port-forward failed', { port, err: (e as Error).message });
        fail(`error forwarding port ${port} to pod ${opts.podDescription}, uid : ${(e as Error).message}`);
      },
    ).finally(() => {
      pairs.delete(key);
      sink.destroy();
    });
  };

  const conn = new SpdyConnection(transport, opts.log, (s) => {
    const type = s.headers.get('streamtype');
    if (type !== 'error' && type !== 'data') {
      conn.reset(s, RstStatus.ProtocolError);
      return;
    }
    const key = `${s.headers.get('requestid') ?? ''}/${s.headers.get('port') ?? ''}`;
    let pair = pairs.get(key);
    if (!pair) {
      const p: Pair = { started: false };
      pairs.set(key, p);
      p.timer = setTimeout(() => {
        if (p.started) return;
        pairs.delete(key);
        if (p.error) {
          void p.error.write('timed out waiting for the data stream');
          void p.error.end();
        }
        if (p.data) void p.data.end();
      }, opts.pairTimeoutMs ?? 30_000);
      pair = p;
    }
    if (pair[type]) {
      conn.reset(s, RstStatus.ProtocolError);
      return;
    }
    pair[type] = s;
    if (pair.error && pair.data && !pair.started) startPair(key, pair);
  });

  return conn.closed.then(() => {
    for (const p of pairs.values()) if (p.timer) clearTimeout(p.timer);
    pairs.clear();
  });
}
