// Objects live in the store as JSON without resourceVersion: the store's modRevision IS the
// resourceVersion, injected on every read (the write's revision is only known after commit).
import type { KeyValue } from '../../storage/store.js';
import type { StoredObject, KubeObject } from '../../api/types.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeObject(obj: KubeObject): Uint8Array {
  const meta = obj.metadata;
  if (!meta || meta.resourceVersion === undefined) return enc.encode(JSON.stringify(obj));
  const { resourceVersion: _rv, ...rest } = meta;
  return enc.encode(JSON.stringify({ ...obj, metadata: rest }));
}

export function decodeObject(kv: KeyValue, revision = kv.modRevision): StoredObject {
  const obj = JSON.parse(dec.decode(kv.value)) as StoredObject;
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

/** Upstream serializes timestamps in RFC 3339 with second precision. */
export function nowTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined), bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}
