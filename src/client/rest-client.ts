// A typed client for one API resource over any RestTransport (HTTPS or in-process). Every
// controller, the scheduler and the node agent talk to the API server through this.
import type { KubeList, KubeObject, StoredObject, WatchEvent } from '../api/types.js';
import type { Status } from '../api/errors.js';
import type { RestRequest, RestResponse, RestTransport } from './transport.js';
import { realClock, sleep, type Clock } from './clock.js';
import { resourcePath, type ResourceRef } from './paths.js';
import { isSuccess, statusErrorFromResponse } from './status.js';
import { decodeWatchEvents } from './watch-decoder.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Content types of the four patch flavours the API server accepts. */
export const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  signal?: AbortSignal;
}

export interface WatchOptions {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  labelSelector?: string;
  fieldSelector?: string;
  sendInitialEvents?: boolean;
  signal?: AbortSignal;
}

export interface WriteOptions {
  /** Server-side dry run: validated and admitted, never stored. */
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
  signal?: AbortSignal;
}

export interface PatchOptions extends WriteOptions {
  subresource?: string;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** Default fieldManager for writes (upstream clients default to the program name). */
  fieldManager?: string;
  /**
   * How often to retry a request the server turned away with Retry-After (429, or 5xx with the
   * header), as client-go does; default 10. The server did not act on such a request, so even a
   * POST is safe to repeat.
   */
  maxRetries?: number;
  /** For the Retry-After waits (tests inject a fake). */
  clock?: Clock;
}

/** The wait a refused response asks for, if it is one client-go would retry. */
function retryAfterMs(res: RestResponse): number | undefined {
  if (res.status !== 429 && (res.status < 500 || res.status > 599)) return undefined;
  const header = res.headers['retry-after'] ?? res.headers['Retry-After'];
  let seconds = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
  if (seconds === undefined && res.status === 429) {
    const details = (res.body as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details;
    if (typeof details?.retryAfterSeconds === 'number') seconds = details.retryAfterSeconds;
  }
  return seconds === undefined ? undefined : Math.max(1, seconds) * 1000;
}

export class RestClient {
  constructor(readonly transport: RestTransport, readonly options: ClientOptions = {}) {}

  resource<T extends KubeObject = StoredObject>(ref: ResourceRef): ResourceClient<T> {
    return new ResourceClient<T>(this.transport, ref, this.options);
  }

  /** Raw request that throws StatusError on failure; for paths outside the resource model (/version, /healthz). */
  async requestJson<R = unknown>(req: RestRequest): Promise<R> {
    const res = await this.transport.request(req);
    if (!isSuccess(res.status)) throw statusErrorFromResponse(res);
    return res.body as R;
  }
}

function writeQuery(opts: WriteOptions | undefined, defaults: ClientOptions): Record<string, string | undefined> {
  return {
    dryRun: opts?.dryRun ? 'All' : undefined,
    fieldManager: opts?.fieldManager ?? defaults.fieldManager,
    fieldValidation: opts?.fieldValidation,
  };
}

function listQuery(opts: ListOptions | WatchOptions | undefined): Record<string, string | undefined> {
  const o = (opts ?? {}) as ListOptions & WatchOptions;
  return {
    labelSelector: o.labelSelector || undefined,
    fieldSelector: o.fieldSelector || undefined,
    limit: o.limit !== undefined ? String(o.limit) : undefined,
    continue: o.continue || undefined,
    resourceVersion: o.resourceVersion,
    resourceVersionMatch: o.resourceVersionMatch,
    allowWatchBookmarks: o.allowWatchBookmarks ? 'true' : undefined,
    timeoutSeconds: o.timeoutSeconds !== undefined ? String(o.timeoutSeconds) : undefined,
    sendInitialEvents: o.sendInitialEvents !== undefined ? String(o.sendInitialEvents) : undefined,
  };
}

function deleteBody(opts: DeleteOptions | undefined): Record<string, unknown> | undefined {
  if (!opts) return undefined;
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  let any = false;
  if (opts.gracePeriodSeconds !== undefined) { body.gracePeriodSeconds = opts.gracePeriodSeconds; any = true; }
  if (opts.propagationPolicy) { body.propagationPolicy = opts.propagationPolicy; any = true; }
  if (opts.preconditions) { body.preconditions = opts.preconditions; any = true; }
  if (opts.dryRun) { body.dryRun = ['All']; any = true; }
  return any ? body : undefined;
}

function compact(q: Record<string, string | undefined>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

export class ResourceClient<T extends KubeObject = StoredObject> {
  constructor(
    private readonly transport: RestTransport,
    readonly ref: ResourceRef,
    private readonly defaults: ClientOptions = {},
  ) {}

  path(namespace?: string, name?: string, subresource?: string): string {
    return resourcePath(this.ref, namespace, name, subresource);
  }

  private async call<R>(req: RestRequest): Promise<R> {
    const q = req.query ? compact(req.query) : undefined;
    const maxRetries = this.defaults.maxRetries ?? 10;
    for (let attempt = 0; ; attempt++) {
      const res = await this.transport.request({ ...req, query: q });
      if (isSuccess(res.status)) return res.body as R;
      const wait = retryAfterMs(res);
      if (wait === undefined || attempt >= maxRetries || req.signal?.aborted) throw statusErrorFromResponse(res);
      if (!(await sleep(this.defaults.clock ?? realClock, wait, req.signal))) throw statusErrorFromResponse(res);
    }
  }

  get(namespace: string | undefined, name: string, opts: { resourceVersion?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.call<T>({ method: 'GET', path: this.path(namespace, name), query: { resourceVersion: opts.resourceVersion }, signal: opts.signal });
  }

  list(namespace?: string, opts?: ListOptions): Promise<KubeList<T>> {
    return this.call<KubeList<T>>({ method: 'GET', path: this.path(namespace), query: listQuery(opts), signal: opts?.signal });
  }

  /** Lists every page (following `continue`), returning all items and the resourceVersion of the first page. */
  async listAll(namespace?: string, opts: ListOptions = {}): Promise<KubeList<T>> {
    const first = await this.list(namespace, opts);
    const items = [...first.items];
    let cont = first.metadata?.continue;
    while (cont) {
      const page = await this.list(namespace, { ...opts, continue: cont, resourceVersion: undefined, resourceVersionMatch: undefined });
      items.push(...page.items);
      cont = page.metadata?.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata?.resourceVersion }, items };
  }

  /**
   * Streams watch events until the server ends the watch or `signal` aborts. A failed request
   * surfaces as a thrown StatusError; a watch the server rejects mid-way arrives as an ERROR event.
   */
  watch(namespace?: string, opts: WatchOptions = {}): AsyncIterable<WatchEvent<T>> {
    const query = compact({ ...listQuery(opts), watch: 'true' });
    const chunks = this.transport.stream({ method: 'GET', path: this.path(namespace), query, signal: opts.signal });
    return decodeWatchEvents<T>(chunks);
  }

  /** Objects to write may lack server-set fields, so writes take any KubeObject and return the stored T. */
  create(namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<T> {
    return this.call<T>({ method: 'POST', path: this.path(namespace), body: obj, query: writeQuery(opts, this.defaults), signal: opts?.signal });
  }

  update(namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<T> {
    return this.call<T>({ method: 'PUT', path: this.path(namespace, nameOf(obj)), body: obj, query: writeQuery(opts, this.defaults), signal: opts?.signal });
  }

  updateStatus(namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<T> {
    return this.call<T>({ method: 'PUT', path: this.path(namespace, nameOf(obj), 'status'), body: obj, query: writeQuery(opts, this.defaults), signal: opts?.signal });
  }

  /** PATCH with one of the four patch types; `apply` needs a fieldManager (server-side apply). */
  patch(namespace: string | undefined, name: string, type: PatchType, body: unknown, opts: PatchOptions = {}): Promise<T> {
    const query = writeQuery(opts, this.defaults);
    if (opts.force !== undefined) query.force = String(opts.force);
    // JSON is YAML, so an apply patch may travel as a JSON document.
    const payload = type === 'apply' && typeof body !== 'string' ? JSON.stringify(body) : body;
    return this.call<T>({
      method: 'PATCH', path: this.path(namespace, name, opts.subresource), body: payload,
      contentType: patchContentTypes[type], query, signal: opts.signal,
    });
  }

  /** Deletes one object; the server answers with the object (graceful/finalizers) or a Success Status. */
  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status> {
    return this.call<T | Status>({
      method: 'DELETE', path: this.path(namespace, name), body: deleteBody(opts),
      query: { dryRun: opts?.dryRun ? 'All' : undefined }, signal: opts?.signal,
    });
  }

  deleteCollection(namespace: string | undefined, opts: ListOptions & DeleteOptions = {}): Promise<KubeList<T> | Status> {
    return this.call<KubeList<T> | Status>({
      method: 'DELETE', path: this.path(namespace), body: deleteBody(opts),
      query: { ...listQuery(opts), dryRun: opts.dryRun ? 'All' : undefined }, signal: opts.signal,
    });
  }

  /** GET a subresource, e.g. "scale" or "status". */
  getSubresource<R = unknown>(namespace: string | undefined, name: string, subresource: string, opts: { signal?: AbortSignal } = {}): Promise<R> {
    return this.call<R>({ method: 'GET', path: this.path(namespace, name, subresource), signal: opts.signal });
  }

  /** PUT a subresource, e.g. "scale" or "status". */
  updateSubresource<R = unknown>(namespace: string | undefined, name: string, subresource: string, body: unknown, opts?: WriteOptions): Promise<R> {
    return this.call<R>({ method: 'PUT', path: this.path(namespace, name, subresource), body, query: writeQuery(opts, this.defaults), signal: opts?.signal });
  }

  /** POST to a subresource: pods/eviction, pods/binding, serviceaccounts/token. */
  createSubresource<R = unknown>(namespace: string | undefined, name: string, subresource: string, body: unknown, opts?: WriteOptions): Promise<R> {
    return this.call<R>({ method: 'POST', path: this.path(namespace, name, subresource), body, query: writeQuery(opts, this.defaults), signal: opts?.signal });
  }
}

function nameOf(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error('object has no metadata.name');
  return name;
}
