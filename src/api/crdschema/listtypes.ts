// x-kubernetes-list-type invariants (upstream apiextensions-apiserver pkg/apiserver/schema/listtype):
// items of a "set" are unique, items of a "map" are objects unique by their x-kubernetes-list-map-keys
// (a missing key counts as its default, or as "unspecified"). Each repeated item is reported as a
// Duplicate at its index.
import { FieldError, fieldErrors } from '../errors.js';
import { additionalSchema, deepEqual, isObj, type JSONSchemaProps } from './schema.js';

export function validateListSetsAndMaps(x: unknown, s: JSONSchemaProps | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  walk(x, s, path, errs);
  return errs;
}

const join = (path: string, k: string) => (path ? `${path}.${k}` : k);

function walk(x: unknown, s: JSONSchemaProps | undefined, path: string, errs: FieldError[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set') checkSet(x, path, errs);
    else if (listType === 'map') checkMap(x, s, path, errs);
    if (s.items) for (let i = 0; i < x.length; i++) walk(x[i], s.items, `${path}[${i}]`, errs);
    return;
  }
  if (!isObj(x)) return;
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    const sub = s.properties?.[k] ?? extra;
    if (sub) walk(v, sub, join(path, k), errs);
  }
}

function checkSet(x: unknown[], path: string, errs: FieldError[]): void {
  const seen = new Set<string>();
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (isObj(v) || Array.isArray(v)) {
      // Upstream allows only scalars in sets; compound items are compared structurally.
      if (x.slice(0, i).some((y) => deepEqual(y, v))) errs.push(fieldErrors.duplicate(`${path}[${i}]`, v));
      continue;
    }
    const key = `${typeof v}:${String(v)}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, v));
    else seen.add(key);
  }
}

function checkMap(x: unknown[], s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  let malformed = false;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== null && !isObj(x[i])) {
      malformed = true;
      errs.push(fieldErrors.typeInvalid(`${path}[${i}]`, x[i], 'must be an object for an array of list-type map'));
    }
  }
  if (malformed) return;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Set<string>();
  for (let i = 0; i < x.length; i++) {
    const item = x[i];
    if (!isObj(item)) continue;
    const id = JSON.stringify(keys.map((k) => (k in item ? item[k] : s.items?.properties?.[k]?.default ?? { unspecified: true })));
    if (seen.has(id)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, item));
    else seen.add(id);
  }
}
