// Port-forward as kubectl ≥ 1.31 does it: a WebSocket with subprotocol
// `SPDY/3.1+portforward.k8s.io` whose binary messages carry a SPDY/3.1 connection. For every
// forwarded TCP connection the client opens an error stream and a data stream, both with headers
// `streamtype` (error|data), `port` and `requestid`; once both of one request are there, the data
// stream is joined to the port, and a failure is written as text on the error stream (the
// kubelet's "error forwarding port …" message) before both are closed. spdystream does no flow
// control, so WINDOW_UPDATE and SETTINGS are accepted and ignored; PINGs are echoed.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../api/log.js';
import { protocolDuplex } from './duplex-pipe.js';
import {
  FLAG_FIN, FrameReader, FrameType, HeaderCodec, RstStatus, controlFrame, dataFrame, u32,
  type Frame, type HeaderBlock,
} from './spdy-frames.js';

export const SPDY_PORTFORWARD_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/** What a forwarded connection is joined to. */
export type PortForwarder = (port: number, stream: Duplex) => Promise<void>;

interface SpdyStream {
  id: number;
  headers: HeaderBlock;
  /** Our side sent FIN. */
  localFin: boolean;
  /** The client's bytes go here (data streams). */
  sink?: Duplex;
  /** Data that came before the stream was joined. */
  early: Buffer[];
  remoteFin: boolean;
}

interface Pair { error?: SpdyStream; data?: SpdyStream; timer?: NodeJS.Timeout; started: boolean }

const MAX_DATA = 32 * 1024;

export interface SpdyPortForwardOptions {
  forward: PortForwarder;
  /** For messages: what the kubelet prints as the pod. */
  podDescription: string;
  log: Logger;
  /** How long an error stream waits for its data stream (the kubelet's stream creation timeout). */
  pairTimeoutMs?: number;
}

export function serveSpdyPortForward(ws: WebSocket, opts: SpdyPortForwardOptions): Promise<void> {
  const reader = new FrameReader();
  const codec = new HeaderCodec();
  const streams = new Map<number, SpdyStream>();
  const pairs = new Map<string, Pair>();
  let inbound: Promise<void> = Promise.resolve();
  let outbound: Promise<void> = Promise.resolve();
  let closed = false;

  /** Queues a frame; the promise settles once it is written to the socket (or dropped). */
  const sendRaw = (build: () => Promise<Buffer> | Buffer): Promise<void> => {
    outbound = outbound.then(async () => {
      if (closed) return;
      const frame = await build();
      if (ws.readyState !== ws.OPEN) return;
      await new Promise<void>((resolve) => ws.send(frame, { binary: true }, () => resolve()));
    }).catch((e: unknown) => opts.log.debug('spdy send failed', { err: (e as Error).message }));
    return outbound;
  };

  const sendData = (s: SpdyStream, chunk: Buffer): Promise<void> => {
    if (s.localFin) return Promise.resolve();
    let last: Promise<void> = Promise.resolve();
    for (let at = 0; at < chunk.length; at += MAX_DATA) {
      const part = chunk.subarray(at, at + MAX_DATA);
      last = sendRaw(() => dataFrame(s.id, 0, part));
    }
    return last;
  };

  const finish = (s: SpdyStream | undefined) => {
    if (!s || s.localFin) return;
    s.localFin = true;
    void sendRaw(() => dataFrame(s.id, FLAG_FIN, Buffer.alloc(0)));
    forgetIfDone(s);
  };

  const forgetIfDone = (s: SpdyStream) => {
    if (s.localFin && s.remoteFin) streams.delete(s.id);
  };

  const reset = (id: number, status: number) => {
    void sendRaw(() => controlFrame(FrameType.RstStream, 0, u32(id, status)));
  };

  const startPair = (key: string, pair: Pair) => {
    pair.started = true;
    if (pair.timer) clearTimeout(pair.timer);
    const errorStream = pair.error!;
    const data = pair.data!;
    const portText = data.headers.get('port') ?? '';
    const port = Number(portText);
    const fail = (message: string) => {
      void sendData(errorStream, Buffer.from(message));
      finish(errorStream);
      finish(data);
    };
    if (!/^\d+$/.test(portText) || port <= 0 || port > 65535) {
      fail(`invalid port: ${portText}`);
      pairs.delete(key);
      return;
    }
    const sink = protocolDuplex((chunk) => sendData(data, chunk), () => finish(data));
    data.sink = sink;
    for (const b of data.early) sink.push(b);
    data.early = [];
    if (data.remoteFin) sink.push(null);
    opts.forward(port, sink).then(
      () => {
        finish(data);
        finish(errorStream);
      },
      (e: unknown) => {
        const message = `error forwarding port ${port} to pod ${opts.podDescription}, uid : ${(e as Error).message}`;
        opts.log.debug('port-forward failed', { port, err: (e as Error).message });
        fail(message);
      },
    ).finally(() => {
      pairs.delete(key);
      sink.destroy();
    });
  };

  const onSynStream = async (f: Frame & { control: true }) => {
    const id = f.payload.readUInt32BE(0) & 0x7fffffff;
    const headers = await codec.decode(f.payload.subarray(10));
    const s: SpdyStream = { id, headers, localFin: false, early: [], remoteFin: (f.flags & FLAG_FIN) !== 0 };
    streams.set(id, s);
    void sendRaw(async () => controlFrame(FrameType.SynReply, 0, Buffer.concat([u32(id), await codec.encode(new Map())])));
    const type = headers.get('streamtype');
    const key = `${headers.get('requestid') ?? ''}/${headers.get('port') ?? ''}`;
    if (type !== 'error' && type !== 'data') {
      reset(id, RstStatus.ProtocolError);
      streams.delete(id);
      return;
    }
    let pair = pairs.get(key);
    if (!pair) {
      pair = { started: false };
      pairs.set(key, pair);
      const p = pair;
      pair.timer = setTimeout(() => {
        if (p.started) return;
        pairs.delete(key);
        if (p.error) {
          void sendData(p.error, Buffer.from('timed out waiting for the data stream'));
          finish(p.error);
        }
        finish(p.data);
      }, opts.pairTimeoutMs ?? 30_000);
    }
    if (pair[type]) {
      reset(id, RstStatus.ProtocolError);
      return;
    }
    pair[type] = s;
    if (pair.error && pair.data && !pair.started) startPair(key, pair);
  };

  const onData = (f: Frame & { control: false }) => {
    const s = streams.get(f.streamId);
    if (!s) return;
    if (f.payload.length > 0) {
      if (s.sink) s.sink.push(Buffer.from(f.payload));
      else s.early.push(Buffer.from(f.payload));
    }
    if (f.flags & FLAG_FIN) {
      s.remoteFin = true;
      s.sink?.push(null);
      forgetIfDone(s);
    }
  };

  const onFrame = async (f: Frame) => {
    if (!f.control) return onData(f);
    switch (f.type) {
      case FrameType.SynStream:
        return onSynStream(f);
      case FrameType.RstStream: {
        const s = streams.get(f.payload.readUInt32BE(0) & 0x7fffffff);
        if (s) {
          s.localFin = s.remoteFin = true;
          s.sink?.destroy();
          streams.delete(s.id);
        }
        return;
      }
      case FrameType.Ping:
        void sendRaw(() => controlFrame(FrameType.Ping, 0, Buffer.from(f.payload)));
        return;
      case FrameType.GoAway:
        ws.close(1000);
        return;
      case FrameType.Headers:
        // keep the compression state in step even though the headers are not used
        await codec.decode(f.payload.subarray(4));
        return;
      default:
        // SETTINGS, WINDOW_UPDATE: no flow control in spdystream
        return;
    }
  };

  return new Promise((resolve) => {
    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const buf = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      const frames = reader.push(buf);
      inbound = inbound.then(async () => {
        for (const f of frames) await onFrame(f);
      }).catch((e: unknown) => {
        opts.log.debug('spdy protocol error', { err: (e as Error).message });
        void sendRaw(() => controlFrame(FrameType.GoAway, 0, u32(0, 1)));
        ws.close(1002);
      });
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      closed = true;
      for (const s of streams.values()) s.sink?.destroy();
      for (const p of pairs.values()) if (p.timer) clearTimeout(p.timer);
      streams.clear();
      pairs.clear();
      codec.close();
      resolve();
    });
  });
}
