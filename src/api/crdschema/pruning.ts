// Pruning of unknown fields (upstream apiextensions-apiserver pkg/apiserver/schema/pruning):
// fields not declared in `properties` (nor covered by `additionalProperties`) are dropped unless the
// schema sets x-kubernetes-preserve-unknown-fields. The resource root and embedded resources keep
// apiVersion, kind and metadata; embedded metadata keeps only ObjectMeta's fields, root metadata is
// left to the generic ObjectMeta handling.
import { additionalSchema, isEmbedded, isObj, preservesUnknown, type JSONSchemaProps, type Obj } from './schema.js';

const objectMetaFields = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

/** Prunes `obj` in place against `schema`; `isResourceRoot` for a whole custom object. Returns the pruned paths. */
export function pruneObject(obj: unknown, schema: JSONSchemaProps | undefined, isResourceRoot = true): string[] {
  const pruned: string[] = [];
  const root: JSONSchemaProps = isResourceRoot ? { ...(schema ?? {}), 'x-kubernetes-embedded-resource': true } : (schema ?? {});
  walk(obj, root, '', isResourceRoot, pruned);
  return pruned;
}

function join(path: string, k: string): string {
  return path ? `${path}.${k}` : k;
}

function walk(x: unknown, s: JSONSchemaProps | undefined, path: string, isRoot: boolean, pruned: string[]): void {
  if (s && preservesUnknown(s)) { skipPrune(x, s, path, isRoot, pruned); return; }
  if (Array.isArray(x)) {
    x.forEach((v, i) => walk(v, s?.items, `${path}[${i}]`, false, pruned));
    return;
  }
  if (!isObj(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) { pruned.push(join(path, k)); delete x[k]; }
    return;
  }
  const extra = additionalSchema(s);
  for (const k of Object.keys(x)) {
    if (embeddedKey(x, k, s, path, isRoot, pruned)) continue;
    const prop = s.properties?.[k];
    if (prop) walk(x[k], prop, join(path, k), false, pruned);
    else if (extra) walk(x[k], extra, join(path, k), false, pruned);
    else if (s.additionalProperties === true) continue;
    else { pruned.push(join(path, k)); delete x[k]; }
  }
}

/** Under x-kubernetes-preserve-unknown-fields unknown fields stay, but declared ones are still pruned. */
function skipPrune(x: unknown, s: JSONSchemaProps, path: string, isRoot: boolean, pruned: string[]): void {
  if (Array.isArray(x)) {
    if (s.items) x.forEach((v, i) => skipPrune(v, s.items as JSONSchemaProps, `${path}[${i}]`, false, pruned));
    return;
  }
  if (!isObj(x)) return;
  const extra = additionalSchema(s);
  for (const k of Object.keys(x)) {
    if (embeddedKey(x, k, s, path, isRoot, pruned)) continue;
    const prop = s.properties?.[k];
    if (prop) walk(x[k], prop, join(path, k), false, pruned);
    else if (extra) walk(x[k], extra, join(path, k), false, pruned);
  }
}

/** apiVersion/kind/metadata of an embedded resource (or the root) are kept; returns true when handled. */
function embeddedKey(x: Obj, k: string, s: JSONSchemaProps, path: string, isRoot: boolean, pruned: string[]): boolean {
  if (!isEmbedded(s)) return false;
  if (k === 'apiVersion' || k === 'kind') return true;
  if (k !== 'metadata') return false;
  if (isRoot) return true;
  const meta = x[k];
  if (isObj(meta)) {
    for (const mk of Object.keys(meta)) {
      if (!objectMetaFields.has(mk)) { pruned.push(join(join(path, 'metadata'), mk)); delete meta[mk]; }
    }
  } else if (meta !== undefined) {
    // Malformed embedded metadata is dropped, as upstream's ObjectMeta coercion does.
    pruned.push(join(path, 'metadata'));
    delete x[k];
  }
  return true;
}
