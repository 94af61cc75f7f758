// The server's view of one request and its response, independent of transport: the HTTPS
// server and the in-process client both drive the same handlers through these.
import type { StatusError } from '../../api/errors.js';

export interface UserInfo { username: string; uid?: string; groups: string[] }

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** Reads the (size-limited) body once. */
  body(): Promise<Buffer>;
  user: UserInfo;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface StreamWriter {
  /** Writes one chunk (a watch event line, log bytes); false when the client is gone. */
  write(chunk: string | Uint8Array): boolean;
  end(): void;
}

export interface ApiResponder {
  /** A JSON (or YAML, when the client asked for it first) object response. */
  object(code: number, body: unknown, contentType?: string): void;
  raw(code: number, contentType: string, body: string | Buffer, headers?: Record<string, string>): void;
  error(err: StatusError): void;
  warnings(list: string[]): void;
  stream(code: number, contentType: string): StreamWriter;
  readonly sent: boolean;
}
