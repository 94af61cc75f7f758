// How field ownership sees a schema: which nodes are granular (owned field by field) and which are
// atomic (owned as a whole), as upstream's OpenAPI → structured-merge-diff conversion decides:
//  - a message is a struct of fields, unless +structType=atomic;
//  - a map field (labels, data) is granular unless +mapType=atomic;
//  - a list is keyed by +listMapKey (listType=map), a set (listType=set) or atomic; without a
//    listType, `patchStrategy: merge` means keyed by the patchMergeKey (or a set for primitives);
//  - scalars and well-known types are atomic, except embedded JSON (RawExtension, JSON), which like
//    everything without a schema is "deduced": objects are granular maps, lists atomic.

import type { FieldNode, FieldSchema, SchemaNode } from '../schema/types.js';

export type TypeInfo =
  | { kind: 'struct'; node: SchemaNode }
  | { kind: 'map'; value: TypeInfo }
  | { kind: 'keyedList'; keys: string[]; element: TypeInfo }
  | { kind: 'setList' }
  | { kind: 'atomic' }
  | { kind: 'deduced' };

export const deduced: TypeInfo = { kind: 'deduced' };
const atomic: TypeInfo = { kind: 'atomic' };

/** The type of a whole object of a kind (its root node), or deduced without a schema. */
export function rootTypeInfo(node: SchemaNode | undefined): TypeInfo {
  return node ? messageInfo(node) : deduced;
}

function messageInfo(node: SchemaNode): TypeInfo {
  return node.message?.atomic ? atomic : { kind: 'struct', node };
}

/** The type of one value of a field: the element for lists, the value for maps. */
function valueInfo(schema: FieldSchema, element: SchemaNode | undefined): TypeInfo {
  const t = schema.type;
  if (t.kind === 'scalar') return atomic;
  if (t.kind === 'wellKnown') return t.name === 'RawExtension' || t.name === 'JSON' ? deduced : atomic;
  return element ? messageInfo(element) : deduced;
}

/** The type of a field's value as a whole. */
export function fieldTypeInfo(f: FieldNode): TypeInfo {
  const s = f.schema;
  if (s.repeated) {
    const strategies = (s.patchStrategy ?? '').split(',').map((x) => x.trim());
    const listType = s.listType ?? (strategies.includes('merge') ? (s.patchMergeKey ? 'map' : 'set') : 'atomic');
    if (listType === 'atomic') return atomic;
    if (listType === 'set') return { kind: 'setList' };
    const keys = s.listMapKeys && s.listMapKeys.length > 0 ? s.listMapKeys : s.patchMergeKey ? [s.patchMergeKey] : [];
    return { kind: 'keyedList', keys, element: valueInfo(s, f.element) };
  }
  if (s.map) return s.mapType === 'atomic' ? atomic : { kind: 'map', value: valueInfo(s, f.element) };
  return valueInfo(s, f.element);
}

/** The type of field `name` inside a granular node; unknown names are deduced. */
export function childTypeInfo(parent: TypeInfo, name: string): TypeInfo {
  switch (parent.kind) {
    case 'struct': {
      const f = parent.node.field(name);
      return f ? fieldTypeInfo(f) : deduced;
    }
    case 'map':
      return parent.value;
    default:
      return deduced;
  }
}

/**
 * The JSON a Go struct field holds when the object omits it, as the apiserver's conversion of a
 * typed object produces it: non-pointer structs are always present (`{}`), fields without
 * `omitempty` are present with their zero value (nil pointers, lists and maps as null), and
 * zero Time values are null. `undefined` means the field is absent.
 *
 * Presence matters to ownership: a node that appears where it was absent is "added" and recorded
 * with "." in FieldsV1, while a node that was only null or empty is not.
 */
export function goZeroValue(s: FieldSchema): unknown {
  const t = s.type;
  if (s.repeated || s.map || s.pointer) return s.omitEmpty ? undefined : null;
  if (t.kind === 'message') return {};
  if (t.kind === 'wellKnown') {
    switch (t.name) {
      case 'Time': case 'MicroTime': return null;
      case 'IntOrString': return 0;
      case 'Quantity': return '0';
      case 'Duration': return '0s';
      default: return null; // a struct, so never omitted; its JSON form of zero is null
    }
  }
  if (s.omitEmpty) return undefined;
  switch (t.scalar) {
    case 'string': return '';
    case 'bool': return false;
    case 'bytes': return null;
    default: return 0;
  }
}

/** Fills in the Go zero values of a struct's absent fields (one level; callers recurse). */
export function withGoZeroValues(node: SchemaNode, value: Record<string, unknown>): Record<string, unknown> {
  const fields = node.message?.fields;
  if (!fields) return value;
  let out = value;
  for (const f of fields) {
    const flags = f as FieldSchema & { inline?: boolean; notInJson?: boolean };
    if (flags.inline || flags.notInJson || Object.prototype.hasOwnProperty.call(value, f.name)) continue;
    const zero = goZeroValue(f);
    if (zero === undefined) continue;
    if (out === value) out = { ...value };
    out[f.name] = zero;
  }
  return out;
}
