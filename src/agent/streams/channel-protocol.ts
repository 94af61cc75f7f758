// The channel protocols of k8s.io/apimachinery wsstream that exec, attach and (for the Python and
// JS clients) port-forward speak over WebSocket: every message carries one channel's bytes,
// prefixed by the channel number — a byte in binary protocols, an ASCII digit followed by base64
// in the base64 ones. v5 adds channel 255, `[255, n]`, to half-close channel n (kubectl cp and
// piped stdin need it); v4 made the error channel a JSON Status; the v1 family carries plain text
// there. Subprotocols are chosen in the client's order of preference, as wsstream does.
import type { WebSocket } from 'ws';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export type ChannelProtocolName =
  | 'v5.channel.k8s.io' | 'v4.channel.k8s.io' | 'v4.base64.channel.k8s.io'
  | 'v3.channel.k8s.io' | 'v2.channel.k8s.io' | 'channel.k8s.io' | 'base64.channel.k8s.io'
  | 'portforward.k8s.io' | 'v4.base64.portforward.k8s.io' | 'base64.portforward.k8s.io';

interface ProtocolTraits { base64: boolean; statusErrors: boolean; streamClose: boolean }

const traits: Record<ChannelProtocolName, ProtocolTraits> = {
  'v5.channel.k8s.io': { base64: false, statusErrors: true, streamClose: true },
  'v4.channel.k8s.io': { base64: false, statusErrors: true, streamClose: false },
  'v4.base64.channel.k8s.io': { base64: true, statusErrors: true, streamClose: false },
  'v3.channel.k8s.io': { base64: false, statusErrors: false, streamClose: false },
  'v2.channel.k8s.io': { base64: false, statusErrors: false, streamClose: false },
  'channel.k8s.io': { base64: false, statusErrors: false, streamClose: false },
  'base64.channel.k8s.io': { base64: true, statusErrors: false, streamClose: false },
  'portforward.k8s.io': { base64: false, statusErrors: false, streamClose: false },
  'v4.base64.portforward.k8s.io': { base64: true, statusErrors: false, streamClose: false },
  'base64.portforward.k8s.io': { base64: true, statusErrors: false, streamClose: false },
};

export const execProtocols: ChannelProtocolName[] = [
  'v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'v3.channel.k8s.io',
  'v2.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io',
];

/** Port-forward over channels: the v4 names (the JS and Python clients) and the bare ones. */
export const portForwardChannelProtocols: ChannelProtocolName[] = [
  'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'portforward.k8s.io', 'v4.base64.portforward.k8s.io', 'base64.portforward.k8s.io',
];

/** The first protocol the client offers that the server supports; '' (binary v1) when none was offered. */
export function selectProtocol<T extends string>(offered: Iterable<string>, supported: readonly T[]): T | '' | undefined {
  const list = [...offered];
  if (list.length === 0) return '';
  return list.find((p): p is T => (supported as readonly string[]).includes(p));
}

export interface ChannelHandlers {
  onData(channel: number, data: Buffer): void;
  /** A v5 `[255, n]` half-close. */
  onChannelClose?(channel: number): void;
  onConnectionClose(): void;
}

/** One WebSocket connection speaking a channel protocol. */
export class ChannelConnection {
  private readonly t: ProtocolTraits;
  closed = false;

  constructor(private readonly ws: WebSocket, readonly protocol: ChannelProtocolName | '', handlers: ChannelHandlers) {
    this.t = protocol ? traits[protocol] : traits['channel.k8s.io'];
    // Binary protocols take text messages as raw bytes too (the Python client sends str data as
    // text frames: the channel as a character, then the text), as wsstream does.
    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const buf = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      if (buf.length === 0) return;
      let channel: number;
      let data: Buffer;
      if (this.t.base64) {
        const text = buf.toString('utf8');
        channel = text.charCodeAt(0) - 48;
        data = Buffer.from(text.slice(1), 'base64');
      } else {
        channel = buf[0]!;
        data = buf.subarray(1);
      }
      if (channel === CLOSE && this.t.streamClose) {
        if (data.length > 0) handlers.onChannelClose?.(data[0]!);
        return;
      }
      handlers.onData(channel, data);
    });
    ws.on('close', () => {
      this.closed = true;
      handlers.onConnectionClose();
    });
    ws.on('error', () => {
      // a reset connection ends in 'close' as well
    });
  }

  get statusErrors(): boolean {
    return this.t.statusErrors;
  }

  get supportsStreamClose(): boolean {
    return this.t.streamClose;
  }

  send(channel: number, data: Buffer | string): Promise<void> {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return Promise.resolve();
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const frame = this.t.base64
      ? String.fromCharCode(48 + channel) + bytes.toString('base64')
      : Buffer.concat([Buffer.from([channel]), bytes]);
    return new Promise((resolve) => this.ws.send(frame, { binary: !this.t.base64 }, () => resolve()));
  }

  /** v5 only: tells the client that nothing more comes on `channel`. */
  sendChannelClose(channel: number): Promise<void> {
    if (!this.t.streamClose) return Promise.resolve();
    return this.send(CLOSE, Buffer.from([channel]));
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }
}
