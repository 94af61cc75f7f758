// An in-memory API server behind the RestTransport interface, for unit tests of the client kit
// and of controllers: CRUD with resourceVersion increments and 409 conflicts, lists that carry a
// resourceVersion, watches (replay from a resourceVersion, bookmarks, 410 once history is
// compacted), selectors and paging. It is a test double, not the API server: no validation,
// defaulting, admission or strategic merge (strategic and apply patches act as merge patches).
import type { KubeObject, StoredObject, WatchEvent, WatchEventType } from '../../api/types.js';
import { StatusError, errors } from '../../api/errors.js';
import type { RestRequest, RestResponse, RestTransport } from '../transport.js';
import { parseFieldSelector, parseSelector } from '../label-selector.js';
import { parseRequestPath, type ParsedPath } from './fake-api-path.js';
import { mergePatch, applyJsonPatch } from './fake-api-patch.js';

interface HistoryEntry { rv: number; collection: string; type: WatchEventType; object: StoredObject }

interface Watcher {
  collection: string;
  namespace?: string;
  match: (o: StoredObject) => boolean;
  bookmarks: boolean;
  push(ev: WatchEvent<unknown>): void;
  close(): void;
}

export interface FakeApiOptions {
  /** Splits every watch event across two chunks and glues neighbours, to exercise decoders. */
  splitChunks?: boolean;
  /** Creation timestamps come from here (default: Date.now). */
  now?: () => number;
}

export interface RecordedRequest { method: string; path: string; query: Record<string, string>; watch: boolean; body?: unknown }

export type RequestMatcher = (r: RecordedRequest) => boolean;

export class FakeApi implements RestTransport {
  private rv = 0;
  private uid = 0;
  private compactedRV = 0;
  private readonly collections = new Map<string, Map<string, StoredObject>>();
  private history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private faults: Array<{ match: RequestMatcher; error: StatusError | Error; times: number }> = [];
  /** Every request seen, in order (watches included). */
  readonly requests: RecordedRequest[] = [];

  constructor(private readonly options: FakeApiOptions = {}) {}

  /** The latest resourceVersion handed out. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Open watch streams. */
  get watchCount(): number {
    return this.watchers.size;
  }

  /** Makes the next `times` requests matching `match` fail with `error` (a StatusError answers with its Status). */
  failNext(match: RequestMatcher, error: StatusError | Error, times = 1): void {
    this.faults.push({ match, error, times });
  }

  /** Forgets watch history up to now: a watch from an older resourceVersion gets 410 Expired. */
  compact(): void {
    this.compactedRV = this.rv;
    this.history = [];
  }

  /** Ends every open watch, as a server's timeout or restart would. */
  closeWatches(): void {
    for (const w of [...this.watchers]) w.close();
  }

  /** Compacts and ends every open watch with an ERROR 410 event, as an apiserver whose watch cache fell behind. */
  expireWatches(): void {
    this.compact();
    for (const w of [...this.watchers]) {
      w.push({ type: 'ERROR', object: expiredStatus(0, this.compactedRV) });
      w.close();
    }
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches that allow bookmarks. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (w.bookmarks) w.push({ type: 'BOOKMARK', object: { kind: 'Bookmark', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } } });
    }
  }

  /** Direct read of the stored object, for assertions. */
  peek(group: string, resource: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const o = this.collections.get(`${group}/${resource}`)?.get(namespace ? `${namespace}/${name}` : name);
    return o ? structuredClone(o) : undefined;
  }

  private record(req: RestRequest, watch: boolean): RecordedRequest {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query[k] = v;
    const r: RecordedRequest = { method: req.method, path: req.path, query, watch, body: req.body };
    this.requests.push(r);
    return r;
  }

  private takeFault(r: RecordedRequest): StatusError | Error | undefined {
    const f = this.faults.find((x) => x.match(r));
    if (!f) return undefined;
    if (--f.times <= 0) this.faults.splice(this.faults.indexOf(f), 1);
    return f.error;
  }

  async request(req: RestRequest): Promise<RestResponse> {
    const r = this.record(req, false);
    try {
      const fault = this.takeFault(r);
      if (fault) throw fault;
      const p = parseRequestPath(req.path);
      const body = this.handle(req, p, r.query);
      return { status: body.status, headers: { 'content-type': 'application/json' }, body: structuredClone(body.body) };
    } catch (e) {
      if (e instanceof StatusError) return { status: e.code, headers: { 'content-type': 'application/json' }, body: e.toStatus() };
      throw e;
    }
  }

  private handle(req: RestRequest, p: ParsedPath, q: Record<string, string>): { status: number; body: unknown } {
    const coll = this.collection(p);
    const key = p.name ? (p.namespace ? `${p.namespace}/${p.name}` : p.name) : '';
    const notFound = () => errors.notFound(p.group, p.resource, p.name ?? '');
    const dryRun = q.dryRun === 'All';
    switch (req.method) {
      case 'GET': {
        if (!p.name) return { status: 200, body: this.list(p, q) };
        const obj = coll.get(key);
        if (!obj) throw notFound();
        if (p.subresource && p.subresource !== 'status') throw notFound();
        return { status: 200, body: obj };
      }
      case 'POST': {
        if (p.name) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
        const obj = structuredClone(req.body as KubeObject);
        const meta = (obj.metadata ??= {});
        if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${(++this.uid).toString(36).padStart(5, 'x')}`;
        if (!meta.name) throw errors.invalid(p.group, obj.kind ?? p.resource, '', []);
        if (p.namespace) meta.namespace = p.namespace;
        const k = meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
        if (coll.has(k)) throw errors.alreadyExists(p.group, p.resource, meta.name);
        meta.uid = `uid-${++this.uid}`;
        meta.creationTimestamp = new Date(this.options.now?.() ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
        meta.generation = 1;
        if (dryRun) return { status: 201, body: { ...obj, metadata: { ...meta, resourceVersion: '' } } };
        return { status: 201, body: this.write(p, k, obj as StoredObject, 'ADDED') };
      }
      case 'PUT': {
        const old = coll.get(key);
        if (!old) throw notFound();
        const incoming = structuredClone(req.body as KubeObject);
        const wantRV = incoming.metadata?.resourceVersion;
        if (wantRV && wantRV !== old.metadata.resourceVersion) throw errors.resourceVersionConflict(p.group, p.resource, p.name!);
        let next: StoredObject;
        if (p.subresource === 'status') next = { ...old, status: incoming.status };
        else if (p.subresource) throw notFound();
        else next = { ...(incoming as StoredObject), metadata: { ...incoming.metadata, name: old.metadata.name, namespace: old.metadata.namespace, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: old.metadata.resourceVersion } };
        if (dryRun) return { status: 200, body: next };
        return { status: 200, body: this.write(p, key, next, 'MODIFIED') };
      }
      case 'PATCH': {
        const old = coll.get(key);
        if (!old) throw notFound();
        const type = req.contentType ?? '';
        const patch = typeof req.body === 'string' ? JSON.parse(req.body) : req.body;
        let next: StoredObject;
        try {
          next = (type === 'application/json-patch+json' ? applyJsonPatch(old, patch) : mergePatch(old, patch)) as StoredObject;
        } catch (e) {
          throw errors.badRequest(`the patch could not be applied: ${(e as Error).message}`);
        }
        const wantRV = (patch as KubeObject | undefined)?.metadata?.resourceVersion;
        if (type !== 'application/json-patch+json' && wantRV && wantRV !== old.metadata.resourceVersion) {
          throw errors.resourceVersionConflict(p.group, p.resource, p.name!);
        }
        next.metadata = { ...next.metadata, name: old.metadata.name, uid: old.metadata.uid, resourceVersion: old.metadata.resourceVersion };
        if (dryRun) return { status: 200, body: next };
        return { status: 200, body: this.write(p, key, next, 'MODIFIED') };
      }
      case 'DELETE': {
        if (!p.name) {
          const list = this.list(p, q);
          if (!dryRun) for (const o of list.items) this.remove(p, o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
          return { status: 200, body: list };
        }
        const old = coll.get(key);
        if (!old) throw notFound();
        const pre = (req.body as { preconditions?: { uid?: string; resourceVersion?: string } } | undefined)?.preconditions;
        if (pre?.uid && pre.uid !== old.metadata.uid) throw errors.conflict(p.group, p.resource, p.name!, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
        if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) throw errors.conflict(p.group, p.resource, p.name!, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
        if (dryRun) return { status: 200, body: old };
        return { status: 200, body: this.remove(p, key) };
      }
    }
  }

  private collection(p: ParsedPath): Map<string, StoredObject> {
    const k = `${p.group}/${p.resource}`;
    let c = this.collections.get(k);
    if (!c) this.collections.set(k, (c = new Map()));
    return c;
  }

  private write(p: ParsedPath, key: string, obj: StoredObject, type: WatchEventType): StoredObject {
    obj.metadata.resourceVersion = String(++this.rv);
    this.collection(p).set(key, obj);
    this.publish(p, type, obj);
    return obj;
  }

  private remove(p: ParsedPath, key: string): StoredObject {
    const c = this.collection(p);
    const old = c.get(key)!;
    c.delete(key);
    const gone = structuredClone(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.publish(p, 'DELETED', gone);
    return gone;
  }

  private publish(p: ParsedPath, type: WatchEventType, obj: StoredObject): void {
    const collection = `${p.group}/${p.resource}`;
    const copy = structuredClone(obj);
    this.history.push({ rv: this.rv, collection, type, object: copy });
    for (const w of this.watchers) {
      if (w.collection !== collection) continue;
      if (w.namespace && copy.metadata.namespace !== w.namespace) continue;
      if (w.match(copy)) w.push({ type, object: structuredClone(copy) });
    }
  }

  private list(p: ParsedPath, q: Record<string, string>): { apiVersion: string; kind: string; metadata: { resourceVersion: string; continue?: string }; items: StoredObject[] } {
    const match = matcher(q);
    const all = [...this.collection(p).values()]
      .filter((o) => !p.namespace || o.metadata.namespace === p.namespace)
      .filter(match)
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    let items = all;
    let cont: string | undefined;
    const start = q.continue ? Number(Buffer.from(q.continue, 'base64').toString('utf8')) : 0;
    const limit = q.limit ? Number(q.limit) : 0;
    if (start || limit) {
      items = all.slice(start, limit ? start + limit : undefined);
      if (limit && start + limit < all.length) cont = Buffer.from(String(start + limit), 'utf8').toString('base64');
    }
    const kind = items[0]?.kind ?? all[0]?.kind;
    return {
      apiVersion: p.group ? `${p.group}/${p.version}` : p.version,
      kind: kind ? `${kind}List` : 'List',
      metadata: cont ? { resourceVersion: String(this.rv), continue: cont } : { resourceVersion: String(this.rv) },
      items: structuredClone(items),
    };
  }

  stream(req: RestRequest): AsyncIterable<Uint8Array> {
    const r = this.record(req, true);
    return this.openWatch(req, r);
  }

  private async *openWatch(req: RestRequest, r: RecordedRequest): AsyncGenerator<Uint8Array> {
    const fault = this.takeFault(r);
    if (fault) throw fault;
    const p = parseRequestPath(req.path);
    const q = r.query;
    const collection = `${p.group}/${p.resource}`;
    const match = matcher(q);
    const pending: WatchEvent<unknown>[] = [];
    let closed = false;
    let wake: (() => void) | undefined;
    const notify = () => { const w = wake; wake = undefined; w?.(); };
    const watcher: Watcher = {
      collection, namespace: p.namespace, match, bookmarks: q.allowWatchBookmarks === 'true',
      push: (ev) => { if (!closed) { pending.push(ev); notify(); } },
      close: () => { closed = true; this.watchers.delete(watcher); notify(); },
    };
    const onAbort = () => watcher.close();
    req.signal?.addEventListener('abort', onAbort, { once: true });

    const from = q.resourceVersion;
    if (from === undefined || from === '' || from === '0') {
      // No starting point: the current state as synthetic ADDED events, then changes.
      for (const o of [...this.collection(p).values()].filter((o) => (!p.namespace || o.metadata.namespace === p.namespace) && match(o))) {
        pending.push({ type: 'ADDED', object: structuredClone(o) });
      }
    } else if (Number(from) < this.compactedRV) {
      // As the apiserver does: the watch is accepted, then ends with an ERROR event carrying 410.
      pending.push({ type: 'ERROR', object: expiredStatus(Number(from), this.compactedRV) });
      closed = true;
    } else {
      for (const h of this.history) {
        if (h.rv > Number(from) && h.collection === collection && (!p.namespace || h.object.metadata.namespace === p.namespace) && match(h.object)) {
          pending.push({ type: h.type, object: structuredClone(h.object) });
        }
      }
    }
    if (!closed && !req.signal?.aborted) this.watchers.add(watcher);
    const encoder = new TextEncoder();
    try {
      for (;;) {
        if (req.signal?.aborted) return;
        if (pending.length === 0) {
          if (closed) break;
          await new Promise<void>((resolve) => { wake = resolve; });
          continue;
        }
        const text = pending.splice(0).map((ev) => JSON.stringify(ev) + '\n').join('');
        if (this.options.splitChunks) {
          // Cut the batch mid-event so a decoder must carry partial lines between chunks.
          const cut = Math.max(1, Math.floor(text.length / 2) + 3);
          yield encoder.encode(text.slice(0, cut));
          if (cut < text.length) yield encoder.encode(text.slice(cut));
        } else {
          yield encoder.encode(text);
        }
      }
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
      watcher.close();
    }
  }
}

function keyOf(o: StoredObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function matcher(q: Record<string, string>): (o: StoredObject) => boolean {
  let labels, fields: (o: unknown) => boolean;
  try {
    labels = parseSelector(q.labelSelector);
    fields = parseFieldSelector(q.fieldSelector);
  } catch (e) {
    throw errors.badRequest((e as Error).message);
  }
  return (o) => labels.matches(o.metadata.labels) && fields(o);
}

function expiredStatus(asked: number, oldest: number) {
  return errors.expired(`too old resource version: ${asked} (${oldest})`).toStatus();
}
