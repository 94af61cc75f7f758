// Server-side apply of one object (PATCH application/apply-patch+yaml), following upstream's
// apply chain (k8s.io/apimachinery/pkg/util/managedfields/internal) over structured-merge-diff's
// updater:
//   versionCheck → lastApplied (kubectl only) → before-first-apply → merge, prune, conflicts
//   → strip identity metadata from the applier's set → timestamp → cap Update managers.
// The result is the merged object carrying the new managedFields; a conflict is a 409.

import type { KubeObject } from '../types.js';
import type { SchemaNode } from '../schema/types.js';
import { StatusError, errors } from '../errors.js';
import { cloneJson, jsonEqual } from '../patch/json-value.js';
import {
  PathSet, capUpdateManagers, compareObjects, decodeManagedFields, encodeManagedFields, fieldSetOf, managerIdentity,
  rootTypeInfo, setManagedFields, strippedFields, toMetaTime, updateManagedFields, wellKnownManagers,
  type Managed, type TypeInfo,
} from '../fieldmanager/index.js';
import { applyConflictError, type Conflict } from './conflicts.js';
import { fillKeyDefaults } from './key-defaults.js';
import { allowedConflictsFromLastApplied, kubectlApplyManager, syncLastApplied } from './last-applied.js';
import { mergeApplied } from './merge.js';
import { ensureNamedFieldsAreMembers, removeItems } from './remove.js';
import { findListProblem } from './validate.js';

export interface ApplyInput {
  /** The stored object, or undefined (or a placeholder without metadata.uid) when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the decoded YAML body). */
  applied: KubeObject;
  /** The field manager (required for apply; the caller validates it). */
  manager: string;
  /** The `force` query parameter. */
  force: boolean;
  /** The request's group/version, e.g. "apps/v1" or "v1"; the applied object must use it. */
  apiVersion: string;
  /** The kind served at the URL; the applied object must use it (defaults to the live object's kind). */
  kind?: string;
  /** The request time (ISO 8601); stored in whole seconds. */
  now: string;
  /** The kind's root schema node; undefined for schema-less data (every object granular, lists atomic). */
  schema: SchemaNode | undefined;
  /** '' or undefined for the main resource, e.g. 'status' for /status. */
  subresource?: string;
  /** Fields this write may not own (see defaultResetFields); the caller's strategy resets their values. */
  ignoredFields?: PathSet;
}

/** Conflicts found while applying without force. */
class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super('apply conflicts');
  }
}

function gvkString(apiVersion: string | undefined, kind: string | undefined): string {
  const av = apiVersion ?? '';
  const slash = av.indexOf('/');
  const [group, version] = slash >= 0 ? [av.slice(0, slash), av.slice(slash + 1)] : ['', av];
  return `${group}/${version}, Kind=${kind ?? ''}`;
}

/** `managedFields: null` is allowed in the configuration (it is nil to upstream) and means nothing. */
function withoutNullManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields !== null) return obj;
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const o = cloneJson(obj);
  if (o.metadata) delete o.metadata.managedFields;
  return o;
}

interface Context {
  info: TypeInfo;
  ignored: PathSet;
  me: Managed;
  now: string;
}

/**
 * Applies `input.applied` on `input.live` for `input.manager`. Returns the object to store, with
 * metadata.managedFields updated; throws a StatusError (400 for a malformed request, 409 with
 * FieldManagerConflict causes for conflicts, 500 for malformed list elements such as duplicate keys, like upstream).
 */
export function applyObject(input: ApplyInput): KubeObject {
  if (typeof input.applied !== 'object' || input.applied === null || Array.isArray(input.applied)) {
    throw errors.badRequest('error decoding YAML: the applied configuration must be an object');
  }
  // A placeholder without a uid (an object yet to be created) is no live object.
  const live = input.live?.metadata?.uid ? input.live : undefined;
  const applied = withoutNullManagedFields(input.applied);
  const kind = input.kind ?? live?.kind;
  if (applied.apiVersion !== input.apiVersion || (kind !== undefined && applied.kind !== kind)) {
    throw errors.badRequest(`invalid object type: ${gvkString(applied.apiVersion, applied.kind)}`);
  }
  if (applied.metadata?.managedFields !== undefined && applied.metadata?.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  const info = rootTypeInfo(input.schema);
  const listProblem = findListProblem(applied, info);
  if (listProblem) {
    const ns = applied.metadata?.namespace ?? '';
    const nn = `${ns}/${applied.metadata?.name ?? ''}`;
    // A plain error upstream, which the API server reports as a 500 without a reason.
    throw new StatusError(500, '', `failed to create typed patch object (${gvkString(applied.apiVersion, applied.kind)}; ${nn}): ${listProblem}`);
  }

  const liveObj = live ? withoutManagedFields(live) : {};
  let managed = decodeManagedFields(live?.metadata?.managedFields) ?? new Map<string, Managed>();
  // Upstream's skipNonApplied step: an object nobody tracks yet gets its current fields recorded
  // as an Update by "before-first-apply", so applying a different value to them conflicts.
  if (managed.size === 0) {
    const entries = updateManagedFields(undefined, liveObj, wellKnownManagers.beforeFirstApply, 'Update', input.apiVersion, input.now, input.subresource, input.schema, { ignoredFields: input.ignoredFields });
    managed = decodeManagedFields(entries) ?? new Map();
  }

  const me: Managed = { manager: input.manager, operation: 'Apply', apiVersion: input.apiVersion, set: new PathSet() };
  if (input.subresource) me.subresource = input.subresource;
  const ctx: Context = { info, ignored: input.ignoredFields ?? new PathSet(), me, now: input.now };

  let outcome: { object: KubeObject; managed: Map<string, Managed> };
  try {
    outcome = structuredApply(ctx, liveObj, applied, managed, input.force);
  } catch (e) {
    if (!(e instanceof ApplyConflicts)) throw e;
    let remaining = e.conflicts;
    // Moving from client-side apply: kubectl's own earlier (client-side) fields are not conflicts.
    if (input.manager === kubectlApplyManager && live) {
      const allowed = allowedConflictsFromLastApplied(liveObj, input.apiVersion, info);
      if (allowed) remaining = remaining.filter((c) => !allowed.has(c.path));
      if (allowed && remaining.length === 0) {
        outcome = structuredApply(ctx, liveObj, applied, managed, true);
        return finish({ ...input, applied }, outcome);
      }
    }
    throw applyConflictError(remaining);
  }
  return finish({ ...input, applied }, outcome);
}

function finish(input: ApplyInput, outcome: { object: KubeObject; managed: Map<string, Managed> }): KubeObject {
  const object = outcome.object;
  if (input.manager === kubectlApplyManager) syncLastApplied(object, input.applied);
  return setManagedFields(object, encodeManagedFields(outcome.managed));
}

/** structured-merge-diff's Updater.Apply plus the per-manager bookkeeping around it. */
function structuredApply(
  ctx: Context, liveObj: KubeObject, applied: KubeObject, managedIn: Map<string, Managed>, force: boolean,
): { object: KubeObject; managed: Map<string, Managed> } {
  const { info, ignored } = ctx;
  const managed = new Map(managedIn);
  const { config, filled } = fillKeyDefaults(applied, info);
  let merged = mergeApplied(liveObj, config, info) as KubeObject;

  const myId = managerIdentity(ctx.me);
  const previous = managed.get(myId);
  let set = fieldSetOf(config, info);
  if (filled.length > 0) set = set.difference(PathSet.of(...filled));
  set = set.recursiveDifference(ignored);
  managed.set(myId, { ...ctx.me, ...(previous?.time ? { time: previous.time } : {}), set });

  // Prune: what this manager applied last time and no longer applies, unless someone owns it.
  if (previous && !previous.set.empty()) {
    let owned = new PathSet();
    for (const m of managed.values()) owned = owned.union(m.set);
    // Identity metadata (metadata itself, name, namespace, …) is nobody's and never pruned.
    const toRemove = ensureNamedFieldsAreMembers(previous.set, info).difference(ensureNamedFieldsAreMembers(owned, info)).difference(strippedFields);
    merged = removeItems(merged, toRemove, info) as KubeObject;
  }

  // Ownership: changed fields owned by others conflict (or move to us with force); removed
  // fields leave their owners.
  const cmp = compareObjects(liveObj, merged, info);
  const changed = cmp.modified.union(cmp.added).recursiveDifference(ignored);
  const removed = cmp.removed.recursiveDifference(ignored);
  const conflicts: Conflict[] = [];
  for (const [id, m] of managed) {
    if (id === myId) continue;
    const c = m.set.intersection(changed);
    for (const path of c.paths()) conflicts.push({ manager: m, path });
  }
  if (conflicts.length > 0 && !force) throw new ApplyConflicts(conflicts);
  for (const [id, m] of managed) {
    if (id === myId) continue;
    const rest = m.set.difference(changed).difference(removed);
    if (rest.empty()) managed.delete(id);
    else managed.set(id, { ...m, set: rest });
  }

  // Identity metadata is never owned (upstream stripMeta, on the applier's entry).
  const mine = managed.get(myId)!;
  const stripped = mine.set.difference(strippedFields);
  const objectChanged = !jsonEqual(liveObj, merged);
  if (stripped.empty()) managed.delete(myId);
  else managed.set(myId, { ...mine, set: stripped, ...(objectChanged ? { time: toMetaTime(ctx.now) } : {}) });

  capUpdateManagers(managed);
  return { object: objectChanged ? merged : cloneJson(liveObj), managed };
}
