// Correlation of new and old values for ratcheting and transition rules (upstream's
// CorrelatedObject): object fields correlate by name, list-type=map items by their keys,
// list-type=set items by value; items of atomic lists do not correlate.
import { deepEqual, isObj, type JSONSchemaProps } from './schema.js';

/** A correlated old value (boxed so that "no old value" differs from an old null). */
export interface Old { v: unknown }

export function oldField(old: Old | undefined, k: string): Old | undefined {
  if (!old || !isObj(old.v) || !(k in old.v)) return undefined;
  return { v: old.v[k] };
}

/** For an array schema, a lookup of the old item that an item correlates with. */
export function oldItems(old: Old | undefined, s: JSONSchemaProps): ((item: unknown) => Old | undefined) | undefined {
  if (!old || !Array.isArray(old.v)) return undefined;
  const list = old.v;
  const type = s['x-kubernetes-list-type'];
  if (type === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const id = (v: unknown) => (isObj(v) ? JSON.stringify(keys.map((k) => v[k] ?? null)) : '');
    const byId = new Map<string, unknown>();
    for (const o of list) if (isObj(o)) byId.set(id(o), o);
    return (item) => (byId.has(id(item)) ? { v: byId.get(id(item)) } : undefined);
  }
  if (type === 'set') return (item) => (list.some((o) => deepEqual(o, item)) ? { v: item } : undefined);
  return undefined;
}

/** Whether the value is unchanged from its correlated old value (then upstream ratchets its errors). */
export function unchanged(x: unknown, old: Old | undefined): boolean {
  return !!old && deepEqual(x, old.v);
}
