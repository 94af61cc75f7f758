// The answers kube-apiserver gives for field-validation failures, for the handlers to return.
import { errors, fieldErrors, type StatusError } from '../errors.js';
import type { FieldCheckResult } from './checker.js';

/** "strict decoding error: unknown field "spec.foo", duplicate field "x"" (runtime.NewStrictDecodingError). */
export function strictDecodingMessage(messages: string[]): string {
  return `strict decoding error: ${messages.join(', ')}`;
}

/**
 * The 400 of a create/update whose body cannot be decoded (handlers' transformDecodeError):
 * `ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"`.
 */
export function cannotBeHandled(kind: string, version: string, detail: string): StatusError {
  return errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${detail}`);
}

/**
 * The error (if any) for a create/update body, given the check result and the duplicate-field
 * messages: a type error wins over strict-mode findings, as Go's decoder reports a real decode
 * error before any strict one. Warn/Ignore results only fail on type errors.
 */
export function fieldValidationError(
  kind: string, version: string, result: FieldCheckResult, duplicates: string[] = [], mode: 'Strict' | 'Warn' | 'Ignore' = 'Strict',
): StatusError | undefined {
  if (result.decodeError !== undefined) return cannotBeHandled(kind, version, result.decodeError);
  if (mode !== 'Strict') return undefined;
  const all = [...duplicates, ...result.errors];
  return all.length > 0 ? cannotBeHandled(kind, version, strictDecodingMessage(all)) : undefined;
}

/** A `Warning` header value as upstream writes it: `299 - "unknown field \"spec.foo\""`. */
export function warningHeaderValue(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}

/**
 * Go's `%+v` of a decoded JSON value (map[string]interface{} and friends): maps with sorted
 * keys as `map[k:v …]`, slices as `[a b]`, nil as `<nil>`. Upstream puts the patch rendered
 * this way into the 422 of a strategic merge patch that fails strict validation.
 */
export function goValueString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValueString).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goValueString(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * The 422 a PATCH gets when the patched object fails strict validation (Strict mode, or any
 * mode for decode errors): `field.Invalid(field.NewPath("patch"), <patch>, <message>)` with an
 * empty kind and name, which kubectl prints as `The request is invalid: patch: Invalid value: …`.
 * `patch` is the strategic-merge patch map (rendered with goValueString) or, for JSON and merge
 * patches, the patched object's JSON text.
 */
export function patchValidationError(patch: unknown, message: string): StatusError {
  const shown = typeof patch === 'string' ? patch : goValueString(patch);
  return errors.invalid('', '', '', [fieldErrors.invalid('patch', shown, message)]);
}
