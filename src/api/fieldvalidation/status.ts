// The answers kube-apiserver gives for field-validation failures, for the handlers to return.
import { errors, type StatusError } from '../errors.js';
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
