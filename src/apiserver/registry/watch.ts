// WATCH: turns store events under a prefix into API watch events, with selector transitions
// (an object that stops matching is DELETED for this watcher, one that starts matching is ADDED),
// bookmarks, initial events, and a too-old revision reported as an ERROR event (410 Expired).
import { StoreCompactedError, type Store, type StoreEvent, type Watcher } from '../../storage/store.js';
import type { StoredObject, WatchEvent } from '../../api/types.js';
import { errors } from '../../api/errors.js';
import { decodeObject } from './codec.js';
import { listPage } from './list.js';

export interface WatchRequest {
  prefix: string;
  resourcePrefix: string;
  filter?: (obj: StoredObject) => boolean;
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
  /** apiVersion/kind for bookmark objects. */
  apiVersion: string;
  kind: string;
  /** Stored form → served form. */
  convert?: (obj: StoredObject) => StoredObject;
}

export interface WatchSink {
  send(ev: WatchEvent<unknown>): void;
  /** The watch ended from the server side (error already sent as an event when relevant). */
  end(): void;
}

export async function startWatch(store: Store, req: WatchRequest, sink: WatchSink): Promise<Watcher> {
  const matches = (o: StoredObject) => !req.filter || req.filter(o);
  const bookmark = (rv: number | string, annotations?: Record<string, string>) => sink.send({
    type: 'BOOKMARK',
    object: { kind: req.kind, apiVersion: req.apiVersion, metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) } },
  });
  let after: number;
  const rv = req.resourceVersion ?? '';
  // Unset or "0" (and sendInitialEvents): the current state first, as ADDED events.
  if (rv === '' || rv === '0' || req.sendInitialEvents) {
    let page = await listPage(store, { convert: req.convert, prefix: req.prefix, resourcePrefix: req.resourcePrefix, filter: req.filter, resourceVersion: rv === '' || rv === '0' ? undefined : rv, resourceVersionMatch: rv === '' || rv === '0' ? undefined : 'NotOlderThan', limit: 500 });
    for (;;) {
      for (const o of page.items) sink.send({ type: 'ADDED', object: o });
      if (!page.continueToken) break;
      page = await listPage(store, { convert: req.convert, prefix: req.prefix, resourcePrefix: req.resourcePrefix, filter: req.filter, continueToken: page.continueToken, limit: 500 });
    }
    after = Number(page.resourceVersion);
    if (req.sendInitialEvents && req.allowWatchBookmarks) bookmark(after, { 'k8s.io/initial-events-end': 'true' });
  } else {
    after = Number(rv);
    if (!Number.isInteger(after) || after < 0) throw errors.badRequest(`invalid resource version: ${rv}`);
  }
  const expired = (requested: number, compacted: number) => {
    sink.send({ type: 'ERROR', object: errors.expired(`too old resource version: ${requested} (${compacted + 1})`).toStatus() });
    sink.end();
  };
  try {
    return store.watch(req.prefix, {
      afterRevision: after,
      onEvent: (ev) => {
        const out = translate(ev, matches, req.convert ?? ((o) => o));
        if (out) sink.send(out);
      },
      onError: (err) => {
        if (err instanceof StoreCompactedError) expired(err.requested, err.compacted);
        else sink.end();
      },
      onProgress: req.allowWatchBookmarks ? (rev) => bookmark(rev) : undefined,
    });
  } catch (e) {
    if (e instanceof StoreCompactedError) {
      expired(after, e.compacted);
      return { close() {} };
    }
    throw e;
  }
}

function translate(ev: StoreEvent, matches: (o: StoredObject) => boolean, convert: (o: StoredObject) => StoredObject): WatchEvent<StoredObject> | undefined {
  if (ev.type === 'DELETE') {
    if (!ev.prevKv) return undefined;
    const last = convert(decodeObject(ev.prevKv, ev.kv.modRevision));
    return matches(last) ? { type: 'DELETED', object: last } : undefined;
  }
  const cur = convert(decodeObject(ev.kv));
  if (!ev.prevKv) return matches(cur) ? { type: 'ADDED', object: cur } : undefined;
  const now = matches(cur);
  const before = matches(convert(decodeObject(ev.prevKv)));
  if (now && before) return { type: 'MODIFIED', object: cur };
  if (now) return { type: 'ADDED', object: cur };
  if (before) return { type: 'DELETED', object: cur };
  return undefined;
}
