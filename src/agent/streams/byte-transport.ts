// The byte pipe a SPDY connection runs over: the binary messages of a WebSocket (kubectl's
// SPDY-in-WebSocket tunnel) or a raw socket after an `Upgrade: SPDY/3.1` handshake.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export interface ByteTransport {
  /** Settles once the bytes are handed to the socket (or dropped because it closed). */
  write(bytes: Buffer): Promise<void>;
  onData(fn: (bytes: Buffer) => void): void;
  onClose(fn: () => void): void;
  close(): void;
  readonly open: boolean;
}

export function webSocketTransport(ws: WebSocket): ByteTransport {
  ws.on('error', () => {});
  return {
    write: (bytes) => new Promise((resolve) => {
      if (ws.readyState !== ws.OPEN) return resolve();
      ws.send(bytes, { binary: true }, () => resolve());
    }),
    onData: (fn) => ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => fn(Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw))),
    onClose: (fn) => ws.once('close', fn),
    close: () => ws.close(1000),
    get open() {
      return ws.readyState === ws.OPEN;
    },
  };
}

export function socketTransport(socket: Duplex): ByteTransport {
  socket.on('error', () => {});
  return {
    write: (bytes) => new Promise((resolve) => {
      if (socket.destroyed || socket.writableEnded) return resolve();
      socket.write(bytes, () => resolve());
    }),
    onData: (fn) => socket.on('data', fn),
    onClose: (fn) => socket.once('close', fn),
    close: () => {
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    },
    get open() {
      return !socket.destroyed && !socket.writableEnded;
    },
  };
}
