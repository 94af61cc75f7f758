// RestTransport over HTTPS (node:https with a keep-alive agent): TLS client certificates or a
// bearer token, the CA to trust, JSON bodies and patch content types, streaming for watches and
// log follows, abort through AbortSignal, and timeouts. Plain http:// servers work too (tests,
// local proxies such as `kubectl proxy`).
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import type { RestRequest, RestResponse, RestTransport } from './transport.js';
import { isSuccess, statusErrorFromResponse } from './status.js';

export interface HttpTransportOptions {
  /** Base URL of the API server, e.g. https://127.0.0.1:6443 */
  server: string;
  /** PEM CA bundle that signs the serving certificate (omit to use the system roots). */
  ca?: string | Buffer;
  /** PEM client certificate and key (x509 authentication). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Bearer token; a function is called per request (rotating service account tokens). */
  token?: string | (() => string);
  /** Basic authentication, as kubeconfig users may carry it. */
  username?: string;
  password?: string;
  insecureSkipTlsVerify?: boolean;
  /** SNI / verification name when it differs from the server host. */
  tlsServerName?: string;
  /** Time allowed for a plain request, and for a stream to get its response headers. Default 60 s. */
  timeoutMs?: number;
  userAgent?: string;
  /**
   * Sockets per server. Unlimited by default: every open watch holds a socket (HTTP/1.1 has no
   * multiplexing), and a cap would queue plain requests behind long-lived watches.
   */
  maxSockets?: number;
}

/** Content types whose bodies are JSON documents the transport serialises. */
const jsonish = /^application\/(json|json-patch\+json|merge-patch\+json|strategic-merge-patch\+json)\b/;

export class HttpTransport implements RestTransport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(readonly options: HttpTransportOptions) {
    this.base = new URL(options.server);
    this.secure = this.base.protocol === 'https:';
    if (!this.secure && this.base.protocol !== 'http:') throw new Error(`unsupported server URL ${options.server}`);
    this.agent = this.secure
      ? new https.Agent({
        keepAlive: true, maxSockets: options.maxSockets ?? Infinity,
        ca: options.ca, cert: options.cert, key: options.key,
        rejectUnauthorized: !options.insecureSkipTlsVerify,
        servername: options.tlsServerName,
      })
      : new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? Infinity });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  async request(req: RestRequest): Promise<RestResponse> {
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const { res, cancel } = await this.send(req, timeoutMs);
    try {
      const raw = await readAll(res);
      return { status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: decodeBody(raw, res.headers['content-type']) };
    } finally {
      cancel();
    }
  }

  async *stream(req: RestRequest): AsyncIterable<Uint8Array> {
    let sent: Awaited<ReturnType<HttpTransport['send']>>;
    try {
      sent = await this.send(req, this.options.timeoutMs ?? 60_000, true);
    } catch (e) {
      if (req.signal?.aborted) return;
      throw e;
    }
    const { res, cancel, request } = sent;
    try {
      if (!isSuccess(res.statusCode ?? 0)) {
        const raw = await readAll(res);
        throw statusErrorFromResponse({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: decodeBody(raw, res.headers['content-type']) });
      }
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      } catch (e) {
        // An abort from our caller ends the stream quietly; anything else is a broken connection.
        if (req.signal?.aborted) return;
        throw e;
      }
    } finally {
      cancel();
      // The consumer may stop early (break): drop the connection rather than drain a watch forever.
      if (!res.complete) request.destroy();
    }
  }

  /** Sends the request; resolves with the response once headers arrive. */
  private send(req: RestRequest, timeoutMs: number, streaming = false): Promise<{ res: http.IncomingMessage; request: http.ClientRequest; cancel: () => void }> {
    const url = new URL(req.path, this.base);
    // Keep a base path (e.g. a server URL of https://host/prefix) in front of the API path.
    if (this.base.pathname !== '/' && this.base.pathname !== '') url.pathname = this.base.pathname.replace(/\/$/, '') + req.path;
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);

    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (this.options.userAgent) headers['User-Agent'] = this.options.userAgent;
    const token = typeof this.options.token === 'function' ? this.options.token() : this.options.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (this.options.username !== undefined) headers.Authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64')}`;
    const payload = encodeBody(req);
    if (payload) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.byteLength);
    }

    return new Promise((resolve, reject) => {
      const mod = this.secure ? https : http;
      const request = mod.request(url, { method: req.method, headers, agent: this.agent, signal: req.signal });
      let settled = false;
      // Plain requests get the whole timeout; streams only until their response starts.
      const timer = setTimeout(() => {
        request.destroy(new Error(`request to ${req.method} ${req.path} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const cancel = () => clearTimeout(timer);
      request.on('response', (res) => {
        settled = true;
        if (streaming) cancel();
        resolve({ res, request, cancel });
      });
      request.on('error', (e) => {
        cancel();
        if (!settled) reject(e);
      });
      if (payload) request.end(payload);
      else request.end();
    });
  }
}

function encodeBody(req: RestRequest): Buffer | undefined {
  const b = req.body;
  if (b === undefined || b === null) return undefined;
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  if (b instanceof Uint8Array) return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (req.contentType && !jsonish.test(req.contentType) && !req.contentType.startsWith('application/apply-patch+yaml')) {
    throw new Error(`cannot encode an object body as ${req.contentType}`);
  }
  return Buffer.from(JSON.stringify(b), 'utf8');
}

function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

async function readAll(res: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of res as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Reads a PEM file, for callers holding paths. */
export function readPem(path: string): Buffer {
  return readFileSync(path);
}
