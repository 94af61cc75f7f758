// LIST with limit/continue pinned to a revision, and resourceVersion / resourceVersionMatch,
// as upstream's storage does: selectors filter while paging, so a page may scan more keys than
// it returns; a continue token carries the revision and the next key, and expires with compaction.
import type { Store } from '../../storage/store.js';
import { StoreCompactedError } from '../../storage/store.js';
import type { StoredObject } from '../../api/types.js';
import { errors, StatusError } from '../../api/errors.js';
import { decodeObject } from './codec.js';

export interface ListRequest {
  /** Storage prefix of the resource (optionally of one namespace). */
  prefix: string;
  /** Prefix of the whole resource: continue tokens store keys relative to it. */
  resourcePrefix: string;
  filter?: (obj: StoredObject) => boolean;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Stored form → served form. */
  convert?: (obj: StoredObject) => StoredObject;
}

export interface ListPage {
  items: StoredObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueToken { v: string; rv: number; start: string }

const expiredContinue = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start } satisfies ContinueToken)).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || t.start.startsWith('/') || t.start.includes('..')) throw new Error('bad');
    return t;
  } catch {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export async function listPage(store: Store, req: ListRequest): Promise<ListPage> {
  let revision = 0;
  let startKey: string | undefined;
  if (req.continueToken) {
    if (req.resourceVersion && req.resourceVersion !== '0') {
      throw errors.badRequest('specifying resource version is not allowed when using continue');
    }
    const t = decodeContinue(req.continueToken);
    revision = t.rv;
    startKey = req.resourcePrefix + t.start;
  } else if (req.resourceVersion && req.resourceVersion !== '0') {
    const rv = Number(req.resourceVersion);
    if (!Number.isInteger(rv) || rv < 0) throw errors.badRequest(`invalid resource version: ${req.resourceVersion}`);
    const current = await store.currentRevision();
    if (rv > current) {
      // client-go's reflector recognises this cause and retries after a second.
      throw new StatusError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
    }
    // Exact reads at that revision; NotOlderThan (and unset) are satisfied by the newest data.
    if (req.resourceVersionMatch === 'Exact') revision = rv;
  }
  if (req.resourceVersionMatch && !['Exact', 'NotOlderThan'].includes(req.resourceVersionMatch)) {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${req.resourceVersionMatch}": supported values: "Exact", "NotOlderThan"`);
  }
  const limit = req.limit && req.limit > 0 ? req.limit : 0;
  const items: StoredObject[] = [];
  let nextStart: string | undefined;
  let remaining: number | undefined;
  const batch = limit ? Math.max(limit, 100) : 0;
  for (;;) {
    let res;
    try {
      res = await store.list(req.prefix, { revision: revision || undefined, limit: batch || undefined, startKey });
    } catch (e) {
      if (e instanceof StoreCompactedError) {
        if (req.continueToken) throw errors.expired(expiredContinue);
        throw errors.expired(`too old resource version: ${revision} (${e.compacted + 1})`);
      }
      throw e;
    }
    revision = res.revision;
    let i = 0;
    for (; i < res.items.length; i++) {
      const obj = req.convert ? req.convert(decodeObject(res.items[i])) : decodeObject(res.items[i]);
      if (req.filter && !req.filter(obj)) continue;
      items.push(obj);
      if (limit && items.length >= limit) { i++; break; }
    }
    const leftInBatch = res.items.length - i;
    if (limit && items.length >= limit) {
      if (leftInBatch > 0 || res.more) {
        nextStart = res.items[i - 1].key + '\0';
        if (!req.filter) remaining = leftInBatch + (res.remaining ?? 0);
      }
      break;
    }
    if (!res.more || res.items.length === 0) break;
    startKey = res.items[res.items.length - 1].key + '\0';
  }
  const page: ListPage = { items, resourceVersion: String(revision) };
  if (nextStart !== undefined) {
    page.continueToken = encodeContinue(revision, nextStart.slice(req.resourcePrefix.length));
    if (remaining !== undefined && remaining > 0) page.remainingItemCount = remaining;
  }
  return page;
}
