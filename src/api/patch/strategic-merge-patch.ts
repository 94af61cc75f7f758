// Strategic merge patch as the apiserver applies it (apimachinery strategicpatch, server-side
// options: parallel lists are merged, unmatched nulls are ignored). Maps merge key by key and
// `null` deletes; lists follow their field's patchStrategy — `merge` lists of maps match elements
// by patchMergeKey, `merge` lists of primitives are unioned, all other lists are replaced.
// Directives: `$patch: replace | delete` on maps, `$patch: delete | replace` list elements,
// `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
// Without a schema (unknown fields, free-form JSON) it behaves like a JSON merge patch.

import type { SchemaNode } from '../schema/types.js';
import { StatusError, errors } from '../errors.js';
import { cloneJson, isJsonObject, type JsonObject } from './json-value.js';
import { patchLookupFor, splitRetainKeys, type PatchLookup } from './patch-meta.js';
import { smpErrors, smpMessages } from './strategic-merge-errors.js';
import {
  directiveMarker, extractToDeleteItems, findByMergeKey, mergeSliceHandler, mergeSliceHandlerWithView, normalizeElementOrder, partitionByPresence, sliceElementKind,
} from './strategic-merge-list.js';

const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';
const setElementOrderPrefix = '$setElementOrder';
const retainKeysDirective = '$retainKeys';

/**
 * Applies a strategic merge patch to a copy of `original`. `schema` is the root node of the
 * object's type; `undefined` means no patch metadata anywhere (merge-patch-like behaviour).
 * Throws StatusErrors with the code and message upstream answers for each failure.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: SchemaNode | undefined): unknown {
  if (!isJsonObject(patch)) {
    throw errors.badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : patch === null ? 'null' : typeof patch} into Go value of type map[string]interface {}`);
  }
  const base = isJsonObject(original) ? cloneJson(original) : {};
  const lookup = patchLookupFor(schema);
  try {
    return mergeMap(base, cloneJson(patch), lookup);
  } catch (e) {
    // Lookups of malformed strategies throw plain errors; upstream returns them unwrapped (500).
    if (e instanceof Error && !(e instanceof StatusError)) throw smpErrors.failed(e.message);
    throw e;
  }
}

/** Merges `patch` into `original` (both owned by us: mutated freely) and returns the result. */
export function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchLookup | undefined): JsonObject {
  if (Object.prototype.hasOwnProperty.call(patch, directiveMarker)) return mapDirective(patch[directiveMarker], patch);

  applyRetainKeys(original, patch);
  mergeSetElementOrderLists(original, patch, schema);

  for (const key of Object.keys(patch)) {
    const patchV = patch[key];
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(deleteFromPrimitiveListPrefix)) {
      k = extractKey(key, deleteFromPrimitiveListPrefix);
      isDeleteList = true;
    }

    if (patchV === null) {
      delete original[k];
      continue;
    }

    const has = Object.prototype.hasOwnProperty.call(original, k);
    const originalV = has ? original[k] : undefined;
    if (!has || kindOf(originalV) !== kindOf(patchV)) {
      if (!isDeleteList) setFromPatch(original, k, patchV, schema);
      continue;
    }

    const { meta, sub } = schema ? schema.lookup(k) : { meta: { strategies: [], mergeKey: '' }, sub: undefined };
    if (isJsonObject(patchV)) {
      const { strategy } = splitRetainKeys(meta.strategies);
      original[k] = strategy === 'replace' ? patchV : mergeMap(originalV as JsonObject, patchV, sub);
    } else if (Array.isArray(patchV)) {
      const { strategy } = splitRetainKeys(meta.strategies);
      original[k] = mergeSliceHandler(originalV, patchV, sub, strategy, meta.mergeKey, isDeleteList, mergeMap);
    } else {
      setFromPatch(original, k, patchV, schema);
    }
  }
  return original;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (isJsonObject(v)) return 'map';
  return typeof v === 'number' ? (Number.isInteger(v) ? 'int64' : 'float64') : typeof v;
}

/**
 * Takes a patch value for a key the original lacks (or holds with another type). Upstream copies
 * it with nulls and `$patch` maps dropped; for a plain map we merge it into an empty map instead,
 * which gives the same result but also consumes nested `$retainKeys`/`$setElementOrder` directives
 * (upstream sees an empty struct there for non-pointer fields; our stored objects may omit it).
 */
function setFromPatch(original: JsonObject, k: string, patchV: unknown, schema: PatchLookup | undefined): void {
  if (isJsonObject(patchV) && !Object.prototype.hasOwnProperty.call(patchV, directiveMarker)) {
    const sub = schema?.lookup(k).sub;
    original[k] = mergeMap({}, patchV, sub);
    return;
  }
  discardNulls(patchV);
  const [v, keep] = removeDirectives(patchV);
  if (keep) original[k] = v;
  else delete original[k];
}

/** `$patch` on a map: replace takes the patch as is, delete empties the map. */
function mapDirective(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === 'delete') return {};
  throw smpErrors.badPatchType(directive, patch);
}

/** `$deleteFromPrimitiveList/<field>` → `<field>`; malformed keys are 400s as upstream. */
function extractKey(key: string, prefix: string): string {
  const i = key.indexOf('/');
  if (i < 0 || key.slice(0, i) !== prefix) {
    throw smpErrors.badRequest(prefix === setElementOrderPrefix ? smpMessages.badPatchFormatForSetElementOrderList : smpMessages.badPatchFormatForPrimitiveList);
  }
  return key.slice(i + 1);
}

/** Removes maps carrying `$patch` (and list elements that are such maps). Returns [value, keep]. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (isJsonObject(v)) {
    if (Object.prototype.hasOwnProperty.call(v, directiveMarker)) return [undefined, false];
    for (const k of Object.keys(v)) {
      const [x, keep] = removeDirectives(v[k]);
      if (keep) v[k] = x;
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const [y, keep] = removeDirectives(x);
      if (keep) out.push(y);
    }
    return [out, true];
  }
  return [v, true];
}

function discardNulls(v: unknown): void {
  if (isJsonObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]);
    }
  } else if (Array.isArray(v)) {
    for (const x of v) discardNulls(x);
  }
}

/**
 * `$retainKeys: [..]` clears every key of the original not listed; every non-null key of the
 * patch must be listed (else 400 "invalid patch format of retainKeys").
 */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.prototype.hasOwnProperty.call(patch, retainKeysDirective)) return;
  const list = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(list)) throw smpErrors.badRequest(smpMessages.badPatchFormatForRetainKeys);
  const retained = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix)) continue;
    if (!retained.has(k)) throw smpErrors.badRequest(smpMessages.badPatchFormatForRetainKeys);
  }
  for (const k of Object.keys(original)) if (!retained.has(k)) delete original[k];
}

/**
 * Handles each `$setElementOrder/<field>` with its list: merges the list per its strategy, then
 * orders it — listed items in the directive's order, the others (server-only) in live order,
 * interleaved by the live order. The list is then removed from the patch.
 */
function mergeSetElementOrderLists(original: JsonObject, patch: JsonObject, schema: PatchLookup | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw smpErrors.badArgType('slice', order);
    const field = extractKey(key, setElementOrderPrefix);

    const foundOriginal = Object.prototype.hasOwnProperty.call(original, field);
    const foundPatch = Object.prototype.hasOwnProperty.call(patch, field);
    const originalList = foundOriginal ? original[field] : undefined;
    const patchList = foundPatch ? patch[field] : undefined;
    if (foundOriginal && !Array.isArray(originalList)) throw smpErrors.badArgType('slice', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw smpErrors.badArgType('slice', patchList);
    const originalItems = (originalList ?? []) as unknown[];
    const patchItems = (patchList ?? []) as unknown[];

    const { meta, sub } = schema ? schema.lookup(field) : { meta: { strategies: [], mergeKey: '' }, sub: undefined };
    const { strategy } = splitRetainKeys(meta.strategies);
    validatePatchWithSetOrderList(patchItems, order, meta.mergeKey);

    let merged: unknown[];
    // The live order used below is the live list as upstream's in-place merge left it.
    let liveOrder = originalItems;
    if (foundOriginal && !foundPatch) merged = originalItems;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchItems)[0] as unknown[];
    else if (foundOriginal && foundPatch) {
      const r = mergeSliceHandlerWithView(originalItems, patchItems, sub, strategy, meta.mergeKey, false, mergeMap);
      merged = r.merged;
      liveOrder = r.originalView;
    } else continue;

    const parts = partitionByPresence(merged, order, meta.mergeKey);
    const kind = sliceElementKind(liveOrder, patchItems);
    original[field] = normalizeElementOrder(parts.inPatch, parts.serverOnly, order, liveOrder, meta.mergeKey, kind);
    delete patch[field];
  }
}

/** The patch list's items (deletions aside) must appear in the directive, in the same relative order. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? extractToDeleteItems(patchList).keep : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isJsonObject(item) && Object.prototype.hasOwnProperty.call(item, directiveMarker)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw smpErrors.failed(`The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${JSON.stringify(order)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isJsonObject(left)) throw smpErrors.badArgType('map', left);
  if (!isJsonObject(right)) throw smpErrors.badArgType('map', right);
  if (!Object.prototype.hasOwnProperty.call(left, mergeKey)) throw smpErrors.noMergeKey(left, mergeKey);
  if (!Object.prototype.hasOwnProperty.call(right, mergeKey)) throw smpErrors.noMergeKey(right, mergeKey);
  return findByMergeKey([left], mergeKey, right[mergeKey]) === 0;
}
