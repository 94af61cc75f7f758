// managedFields bookkeeping for non-apply writes (create, update, patch), as upstream's field
// manager chain does it for operation "Update":
//  - the base is the live object's managedFields, or the ones the request carries (if valid and
//    not a subresource write); `managedFields: []` (or `[{}]`) in the request resets them;
//  - an existing object without managedFields is not started being tracked by an update;
//  - the writer gets every field it added or changed; every other manager loses those fields and
//    all removed ones; managers left with nothing are dropped;
//  - identity and system metadata (name, uid, resourceVersion, …) are never owned;
//  - only the writer's entry gets a new timestamp, and only if it owns something;
//  - more than 10 Update entries are folded, oldest first, into "ancient-changes".

import type { KubeObject, ManagedFieldsEntry } from '../types.js';
import type { SchemaNode } from '../schema/types.js';
import { cloneJson, jsonEqual } from '../patch/json-value.js';
import { compareObjects } from './compare.js';
import { PathSet, fieldElement, type Path } from './fieldpath.js';
import { rootTypeInfo } from './type-info.js';

/** Upstream's DefaultMaxUpdateManagers. */
export const maxUpdateManagers = 10;
export const ancientChangesManager = 'ancient-changes';

/** Paths no manager owns (upstream stripMeta): exact paths, not their children. */
export const strippedFields: PathSet = PathSet.of(
  ...([
    ['apiVersion'], ['kind'], ['metadata'], ['metadata', 'name'], ['metadata', 'namespace'], ['metadata', 'creationTimestamp'],
    ['metadata', 'selfLink'], ['metadata', 'uid'], ['metadata', 'clusterName'], ['metadata', 'generation'],
    ['metadata', 'managedFields'], ['metadata', 'resourceVersion'],
  ].map((p): Path => p.map(fieldElement))),
);

export interface UpdateManagedFieldsOptions {
  /**
   * Fields the write may not own, e.g. `status` on the main resource or `spec` on /status
   * (upstream's per-strategy reset fields). Removed recursively from the writer's set and
   * ignored when taking fields from others.
   */
  ignoredFields?: PathSet;
}

/** One manager's entry while computing: its identity, set and time. */
export interface Managed {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: PathSet;
}

/** Upstream identifies an entry by manager, operation, subresource and (for Update) apiVersion. */
export function managerIdentity(m: { manager?: string; operation?: string; apiVersion?: string; subresource?: string }): string {
  return JSON.stringify([m.manager ?? '', m.operation ?? '', m.operation === 'Apply' ? '' : m.apiVersion ?? '', m.subresource ?? '']);
}

/** Decodes managedFields entries; undefined if any entry is malformed (upstream then ignores them all). */
export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined): Map<string, Managed> | undefined {
  const out = new Map<string, Managed>();
  if (!entries) return out;
  for (const e of entries) {
    if (e.operation !== 'Apply' && e.operation !== 'Update') return undefined;
    if (!e.apiVersion) return undefined;
    if (e.fieldsType !== 'FieldsV1') return undefined;
    let set: PathSet;
    try {
      set = PathSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch {
      return undefined;
    }
    const m: Managed = { manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion, set };
    if (e.subresource) m.subresource = e.subresource;
    if (e.time) m.time = e.time;
    out.set(managerIdentity(m), m);
  }
  return out;
}

/** `managedFields: []` or `[{}]` in a request asks to clear them. */
function isReset(entries: ManagedFieldsEntry[] | undefined): boolean {
  if (!entries) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && jsonEqual(entries[0], {});
}

function seconds(time: string | undefined): number {
  if (!time) return 0;
  const t = Date.parse(time);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

/** metav1.Time is serialized as RFC 3339 in whole seconds, UTC. */
export function toMetaTime(now: string): string {
  const t = Date.parse(now);
  return Number.isNaN(t) ? now : new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Entries in upstream's order (operation, time, manager, apiVersion, subresource); empty sets dropped. */
export function encodeManagedFields(managed: Map<string, Managed>): ManagedFieldsEntry[] {
  const list = [...managed.values()].filter((m) => !m.set.empty());
  list.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const d = seconds(p.time) - seconds(q.time);
    if (d !== 0) return d;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0;
  });
  return list.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

function withoutManagedFields(obj: KubeObject | undefined): KubeObject {
  const o = cloneJson(obj ?? {});
  if (o.metadata) delete o.metadata.managedFields;
  return o;
}

/**
 * The managedFields of `next` after an Update-operation write by `manager` (already defaulted from
 * the user agent by the caller, see managerOrUserAgent). `old` is the live object (undefined on
 * create). Returns the entries to store; an empty list means the object carries no managedFields.
 * Both objects should be in their final, defaulted shape (list keys such as ports' protocol
 * are part of field identities).
 */
export function updateManagedFields(
  old: KubeObject | undefined, next: KubeObject, manager: string, operation: 'Update', apiVersion: string, now: string,
  subresource?: string, schema?: SchemaNode, options: UpdateManagedFieldsOptions = {},
): ManagedFieldsEntry[] {
  const live = decodeManagedFields(old?.metadata?.managedFields) ?? new Map<string, Managed>();
  let managed: Map<string, Managed>;
  if (subresource) {
    managed = live;
  } else if (isReset(next.metadata?.managedFields)) {
    managed = new Map();
  } else {
    const fromRequest = decodeManagedFields(next.metadata?.managedFields);
    managed = fromRequest && fromRequest.size > 0 ? fromRequest : live;
  }

  // An object that exists without managedFields is not started being tracked by an update.
  const creating = !old || !old.metadata?.uid;
  if (managed.size === 0 && !creating) return [];

  const ignored = options.ignoredFields ?? new PathSet();
  const cmp = compareObjects(creating ? {} : withoutManagedFields(old), withoutManagedFields(next), rootTypeInfo(schema));
  const changed = cmp.modified.union(cmp.added).recursiveDifference(ignored);
  const removed = cmp.removed.recursiveDifference(ignored);

  for (const [id, m] of managed) {
    const set = m.set.difference(changed).difference(removed);
    if (set.empty()) managed.delete(id);
    else managed.set(id, { ...m, set });
  }

  const own = changed.difference(strippedFields);
  if (!own.empty()) {
    const me: Managed = { manager: manager || 'unknown', operation, apiVersion, set: own };
    if (subresource) me.subresource = subresource;
    const id = managerIdentity(me);
    const previous = managed.get(id);
    managed.set(id, { ...me, time: toMetaTime(now), set: previous ? own.union(previous.set) : own });
  }

  capUpdateManagers(managed);
  return encodeManagedFields(managed);
}

/** Folds the oldest Update entries into per-version "ancient-changes" entries beyond the cap. */
export function capUpdateManagers(managed: Map<string, Managed>): void {
  const updaters = [...managed.entries()].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= maxUpdateManagers) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > maxUpdateManagers; i++) {
    const [id, m] = updaters[i];
    const bucket: Managed = { manager: ancientChangesManager, operation: 'Update', apiVersion: m.apiVersion, set: new PathSet() };
    const bucketId = managerIdentity(bucket);
    const first = firstByVersion.get(m.apiVersion);
    if (first === undefined) {
      firstByVersion.set(m.apiVersion, id);
      continue;
    }
    if (!managed.has(bucketId)) {
      const firstEntry = managed.get(first)!;
      managed.delete(first);
      managed.set(bucketId, { ...firstEntry, manager: ancientChangesManager, subresource: undefined });
    }
    const b = managed.get(bucketId)!;
    managed.set(bucketId, { ...b, set: m.set.union(b.set), time: m.time });
    managed.delete(id);
    length--;
  }
}

/** Stores entries on an object as upstream encodes them: no entries means no managedFields field. */
export function setManagedFields(obj: KubeObject, entries: ManagedFieldsEntry[]): KubeObject {
  const metadata = { ...(obj.metadata ?? {}) };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...obj, metadata };
}
