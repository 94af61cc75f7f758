// RFC 7386 JSON merge patch, as the apiserver applies it (evanphx/json-patch MergePatch):
// `null` deletes a key, objects merge recursively, everything else (lists included) replaces.
// Values copied in from the patch lose their nested `null`s, since they can delete nothing.

import { errors } from '../errors.js';
import { cloneJson, isJsonObject, type JsonObject } from './json-value.js';

/**
 * Applies `patch` to a copy of `original`. A null or scalar patch is a 400 ("Invalid JSON Patch"),
 * as upstream; a list patch replaces the whole document (which the caller then rejects as not an
 * object, as upstream's decoding does).
 */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneNulls(cloneJson(patch));
  if (!isJsonObject(patch)) throw errors.badRequest('Invalid JSON Patch');
  return mergeValue(cloneJson(original), patch);
}

function mergeValue(target: unknown, patch: unknown): unknown {
  // A non-object replaces the target; the library prunes its nested nulls only when the target
  // was not an object either.
  if (!isJsonObject(patch)) return isJsonObject(target) ? cloneJson(patch) : pruneNulls(cloneJson(patch));
  if (!isJsonObject(target)) return pruneNulls(cloneJson(patch));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete target[k];
    } else if (target[k] === undefined || target[k] === null) {
      target[k] = pruneNulls(cloneJson(v));
    } else {
      target[k] = mergeValue(target[k], v);
    }
  }
  return target;
}

/** Drops null-valued keys of objects, also inside lists (list elements themselves stay). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (const x of v) pruneNulls(x);
  } else if (isJsonObject(v)) {
    const o: JsonObject = v;
    for (const k of Object.keys(o)) {
      if (o[k] === null) delete o[k];
      else pruneNulls(o[k]);
    }
  }
  return v;
}
