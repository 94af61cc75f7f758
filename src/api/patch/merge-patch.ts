// RFC 7386 JSON merge patch, as the apiserver applies it (evanphx/json-patch MergePatch):
// `null` deletes a key, objects merge recursively, everything else (lists included) replaces.
// Values copied in from the patch lose their nested `null`s, since they can delete nothing.

import { errors } from '../errors.js';
import { cloneJson, isJsonObject, type JsonObject } from './json-value.js';

/** Applies `patch` to a copy of `original`. A patch that is not a JSON object is a 400, as upstream. */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) {
    // Upstream maps null, scalars and (for object documents) anything unmergeable to ErrBadJSONPatch.
    throw errors.badRequest('Invalid JSON Patch');
  }
  return mergeValue(cloneJson(original), patch);
}

function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
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
