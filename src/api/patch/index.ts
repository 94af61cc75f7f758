// PATCH bodies: the three patch media types the apiserver applies itself. Server-side apply
// (application/apply-patch+yaml) is a different machine (field ownership) and lives elsewhere.

import type { KubeObject } from '../types.js';
import type { SchemaNode } from '../schema/types.js';
import { StatusError, errors, fieldErrors } from '../errors.js';
import { isJsonObject } from './json-value.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

export { applyJsonPatch, decodeJsonPatch, maxJSONPatchOperations, type JsonPatchOperation } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';

export const patchContentTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** The patch type of a Content-Type header (parameters such as charset ignored), or undefined. */
export function patchTypeOf(contentType: string): PatchType | undefined {
  const media = contentType.split(';')[0].trim().toLowerCase();
  for (const [type, ct] of Object.entries(patchContentTypes)) if (ct === media) return type as PatchType;
  return undefined;
}

export interface ApplyPatchOptions {
  /**
   * The object is a custom resource: upstream serves no strategic merge patch for those (there
   * are no patch strategies to follow) and answers it with 415.
   */
  customResource?: boolean;
  /** The request's fieldValidation (default Warn, as upstream); it changes how bad bodies are reported. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

/**
 * The 415 the PATCH handler answers for a media type the resource does not take; the list is
 * what upstream accepts for built-in kinds, or for custom resources.
 */
export function unsupportedPatchMediaType(customResource = false): StatusError {
  const accepted = customResource
    ? [patchContentTypes.json, patchContentTypes.merge, patchContentTypes.apply]
    : [patchContentTypes.json, patchContentTypes.merge, patchContentTypes.strategic, patchContentTypes.apply];
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

/**
 * Applies a PATCH body to `original` and returns the patched object (a new object; inputs are not
 * modified). `patchBody` is either the raw body (string / bytes, parsed here as JSON) or already
 * decoded JSON. Unsupported media types are 415; unparsable bodies 400 with Go-style messages.
 */
export function applyPatch(
  contentType: string, original: KubeObject, patchBody: unknown, schema: SchemaNode | undefined, options: ApplyPatchOptions = {},
): KubeObject {
  const type = patchTypeOf(contentType);
  if (type === undefined || (type === 'strategic' && options.customResource)) throw unsupportedPatchMediaType(options.customResource);
  if (type === 'apply') {
    throw new Error('application/apply-patch+yaml is server-side apply: it is not handled by applyPatch (use the server-side apply field manager)');
  }
  // With Strict/Warn field validation (Warn is the default) upstream first decodes json and merge
  // patches strictly, reporting "error decoding patch: <json error>"; with Ignore the patch
  // libraries report it (the merge patch library only says "Invalid JSON Patch"). The strategic
  // patch decoder always reports the bare JSON error.
  const checked = (options.fieldValidation ?? 'Warn') !== 'Ignore';
  const body = decodeBody(patchBody, (message) => {
    if (type === 'strategic') return message;
    if (checked) return `error decoding patch: ${message}`;
    return type === 'merge' ? 'Invalid JSON Patch' : message;
  });
  let patched: unknown;
  switch (type) {
    case 'json':
      patched = applyJsonPatch(original, body);
      break;
    case 'merge':
      patched = applyMergePatch(original, body);
      break;
    case 'strategic':
      patched = applyStrategicMergePatch(original, body, schema);
      break;
  }
  if (!isJsonObject(patched)) {
    throw errors.invalid('', '', '', [
      fieldErrors.invalid('patch', JSON.stringify(patched), `json: cannot unmarshal ${Array.isArray(patched) ? 'array' : typeof patched} into Go value of type map[string]interface {}`),
    ]);
  }
  return patched as KubeObject;
}

function decodeBody(body: unknown, describe: (goMessage: string) => string): unknown {
  let text: string;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  else return body;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(describe(goJsonSyntaxError(text, e)));
  }
}

/** Approximates Go's encoding/json syntax error text for a body JSON.parse rejected. */
export function goJsonSyntaxError(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : '';
  if (text.trim() === '' || /end of JSON input/i.test(msg)) return 'unexpected end of JSON input';
  const token = /Unexpected token '?(.)'?/.exec(msg);
  const pos = /position (\d+)/.exec(msg);
  const ch = token ? token[1] : pos && Number(pos[1]) < text.length ? text[Number(pos[1])] : undefined;
  if (ch === undefined) return 'unexpected end of JSON input';
  const context = /property name/.test(msg) ? 'looking for beginning of object key string' : 'looking for beginning of value';
  return `invalid character '${ch}' ${context}`;
}
