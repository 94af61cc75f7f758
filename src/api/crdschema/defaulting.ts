// Schema defaults (upstream apiextensions-apiserver pkg/apiserver/schema/defaulting): a property
// missing from an object gets a deep copy of its `default`; recursion follows properties,
// additionalProperties and items. A null for a non-nullable field takes the default when there is
// one and is dropped when there is none.
import { additionalSchema, deepCopy, isObj, type JSONSchemaProps } from './schema.js';

const nonNullableNull = (v: unknown, s: JSONSchemaProps | undefined): boolean => v === null && !!s && s.nullable !== true;

/** Applies defaults in place (after pruning and pruneNonNullableNullsWithoutDefaults, as the server decodes). */
export function applyDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = s.items;
    if (!items) return;
    for (let i = 0; i < x.length; i++) {
      if (nonNullableNull(x[i], items) && items.default !== undefined) x[i] = deepCopy(items.default);
      applyDefaults(x[i], items);
    }
    return;
  }
  if (!isObj(x)) return;
  const props = s.properties;
  if (props) {
    for (const [k, prop] of Object.entries(props)) {
      if (prop.default === undefined) continue;
      if (!(k in x) || nonNullableNull(x[k], prop)) x[k] = deepCopy(prop.default);
    }
  }
  const extra = additionalSchema(s);
  for (const k of Object.keys(x)) {
    const prop = props?.[k];
    if (prop) applyDefaults(x[k], prop);
    else if (extra) {
      if (nonNullableNull(x[k], extra) && extra.default !== undefined) x[k] = deepCopy(extra.default);
      applyDefaults(x[k], extra);
    }
  }
}

/** Drops nulls of non-nullable fields that have no default (upstream PruneNonNullableNullsWithoutDefaults). */
export function pruneNonNullableNullsWithoutDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    for (const v of x) pruneNonNullableNullsWithoutDefaults(v, s.items);
    return;
  }
  if (!isObj(x)) return;
  const extra = additionalSchema(s);
  for (const k of Object.keys(x)) {
    const sub = s.properties?.[k] ?? extra;
    if (!sub) continue;
    const v = x[k];
    if (v === null && sub.default === undefined && sub.nullable !== true) { delete x[k]; continue; }
    pruneNonNullableNullsWithoutDefaults(v, sub);
  }
}
