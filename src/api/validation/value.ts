// Defensive readers for already-decoded JSON. Validation must never throw on a malformed body
// (a string where an object belongs): these return undefined for the wrong type, and `expect*`
// report a FieldError so the user learns what to fix.
import { FieldError, fieldErrors } from '../errors.js';

export type J = Record<string, unknown>;

export function isObj(v: unknown): v is J {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): J | undefined {
  return isObj(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A string field where absent means "" (Go's zero value). */
export function s(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A string map (labels, annotations, nodeSelector, data); non-string values are skipped. */
export function strMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Reports a wrong JSON type; absent (undefined/null) is fine. Returns the object or undefined. */
export function expectObj(v: unknown, path: string, errs: FieldError[]): J | undefined {
  if (v === undefined || v === null) return undefined;
  if (isObj(v)) return v;
  errs.push(fieldErrors.typeInvalid(path, v, 'must be an object'));
  return undefined;
}

export function expectArr(v: unknown, path: string, errs: FieldError[]): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  errs.push(fieldErrors.typeInvalid(path, v, 'must be an array'));
  return undefined;
}

export function expectStr(v: unknown, path: string, errs: FieldError[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  errs.push(fieldErrors.typeInvalid(path, v, 'must be a string'));
  return undefined;
}

export function expectNum(v: unknown, path: string, errs: FieldError[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  errs.push(fieldErrors.typeInvalid(path, v, 'must be a number'));
  return undefined;
}

/** Semantic equality of JSON values: key order does not matter; absent, null, {} and [] differ. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Upstream's apiequality.Semantic: empty maps/lists and absent are equal. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (x: unknown) => x === undefined || x === null || (Array.isArray(x) && x.length === 0) || (isObj(x) && Object.keys(x).every((k) => x[k] === undefined));
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

export function sortedKeys(m: J | Record<string, string>): string[] {
  return Object.keys(m).sort();
}

/**
 * Equality of typed specs as upstream compares its Go structs: besides what semanticEqual
 * ignores, a field holding its zero value ("", false, 0) equals an absent one. Used for
 * "may not change" checks so a client spelling out zero values is not refused.
 */
export function specEqual(a: unknown, b: unknown): boolean {
  const zero = (x: unknown): boolean => x === undefined || x === null || x === '' || x === false || x === 0
    || (Array.isArray(x) && x.length === 0) || (isObj(x) && Object.keys(x).every((k) => zero(x[k])));
  if (zero(a) && zero(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => specEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!specEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}
