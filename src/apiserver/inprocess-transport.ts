// The in-process client transport: components in the server process call the handlers directly,
// with the same semantics (validation, admission, concurrency, watch) as over HTTPS, minus TLS.
import type { RestRequest, RestResponse, RestTransport } from '../client/transport.js';
import type { StatusError } from '../api/errors.js';
import type { ApiRequest, ApiResponder, StreamWriter, UserInfo } from './http/api-request.js';

type Dispatch = (req: ApiRequest, res: ApiResponder) => Promise<void>;

function toApiRequest(r: RestRequest, user: UserInfo, signal: AbortSignal): ApiRequest {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined) query.append(k, v);
  let body: Buffer;
  let contentType = r.contentType;
  if (r.body === undefined) body = Buffer.alloc(0);
  else if (Buffer.isBuffer(r.body)) body = r.body;
  else if (r.body instanceof Uint8Array) body = Buffer.from(r.body);
  else if (typeof r.body === 'string') body = Buffer.from(r.body);
  else { body = Buffer.from(JSON.stringify(r.body)); contentType ??= 'application/json'; }
  const headers: Record<string, string | undefined> = { 'user-agent': 'kites-in-process', accept: 'application/json' };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  if (contentType) headers['content-type'] = contentType;
  return { method: r.method, path: r.path, query, headers, body: async () => body, user, signal };
}

class CollectingResponder implements ApiResponder {
  sent = false;
  result?: RestResponse;
  private warningList: string[] = [];
  private chunks?: { push(c: Uint8Array | null): void };

  constructor(private readonly onStream?: (code: number) => { push(c: Uint8Array | null): void }) {}

  object(code: number, body: unknown): void {
    this.sent = true;
    this.result = { status: code, headers: this.headers('application/json'), body: JSON.parse(JSON.stringify(body)) };
  }
  raw(code: number, contentType: string, body: string | Buffer): void {
    this.sent = true;
    this.result = { status: code, headers: this.headers(contentType), body: contentType.includes('json') ? JSON.parse(body.toString()) : body.toString() };
  }
  error(err: StatusError): void {
    this.object(err.code, err.toStatus());
  }
  warnings(list: string[]): void {
    this.warningList.push(...list);
  }
  stream(code: number, contentType: string): StreamWriter {
    this.sent = true;
    this.result = { status: code, headers: this.headers(contentType), body: undefined };
    this.chunks = this.onStream?.(code);
    const enc = new TextEncoder();
    let ended = false;
    return {
      write: (c) => { if (ended) return false; this.chunks?.push(typeof c === 'string' ? enc.encode(c) : c); return true; },
      end: () => { if (!ended) { ended = true; this.chunks?.push(null); } },
    };
  }
  private headers(contentType: string): Record<string, string> {
    const h: Record<string, string> = { 'content-type': contentType };
    if (this.warningList.length) h.warning = this.warningList.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
    return h;
  }
}

export class InProcessTransport implements RestTransport {
  constructor(private readonly dispatch: Dispatch, private readonly user: UserInfo) {}

  async request(req: RestRequest): Promise<RestResponse> {
    const res = new CollectingResponder();
    const signal = req.signal ?? new AbortController().signal;
    await this.dispatch(toApiRequest(req, this.user, signal), res);
    return res.result ?? { status: 500, headers: {}, body: { kind: 'Status', status: 'Failure', message: 'no response', code: 500 } };
  }

  async *stream(req: RestRequest): AsyncIterable<Uint8Array> {
    const queue: Array<Uint8Array | null> = [];
    let wake: (() => void) | undefined;
    const push = (c: Uint8Array | null) => { queue.push(c); wake?.(); };
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const res = new CollectingResponder(() => ({ push }));
    const done = this.dispatch(toApiRequest(req, this.user, abort.signal), res).then(() => {
      // A non-stream answer (an error Status) becomes the only chunk.
      if (res.result && res.result.body !== undefined) push(new TextEncoder().encode(JSON.stringify(res.result.body)));
      if (res.result?.body !== undefined) push(null);
    });
    // One abort listener for the whole stream (not one per wait: long watches would leak them).
    abort.signal.addEventListener('abort', () => wake?.(), { once: true });
    try {
      for (;;) {
        if (abort.signal.aborted) return;
        const next = queue.shift();
        if (next === undefined) {
          await new Promise<void>((r) => { wake = r; });
          wake = undefined;
          continue;
        }
        if (next === null) return;
        yield next;
      }
    } finally {
      abort.abort();
      req.signal?.removeEventListener('abort', onAbort);
      await done.catch(() => {});
    }
  }
}
