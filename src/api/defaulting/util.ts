// Small mutators for defaulting decoded JSON in place. Wrongly typed fields are left alone
// (validation reports them); nothing here throws on odd input.
import { isObj, type J } from '../validation/value.js';

export type { J };
export { isObj };

/** The object at `key`, created when absent; undefined when the field holds something else. */
export function child(o: J, key: string): J | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    const fresh: J = {};
    o[key] = fresh;
    return fresh;
  }
  return isObj(v) ? v : undefined;
}

/** The object at `key` only when present. */
export function existing(o: J, key: string): J | undefined {
  const v = o[key];
  return isObj(v) ? v : undefined;
}

/** The objects of the list at `key` (non-objects skipped). */
export function items(o: J | undefined, key: string): J[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Sets `key` when absent or null (Go's nil pointer). */
export function setIfUnset(o: J, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Sets `key` when absent, null or "" (Go's zero-valued string). */
export function setIfEmpty(o: J, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}
