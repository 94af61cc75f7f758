// A SchemaRegistry over the generated tables. Construction only indexes message names and kinds;
// each message is parsed on first use and then kept (the registry instance owns its cache).

import type { FieldNode, SchemaNode, SchemaRegistry } from './types.js';
import { parseMessage, type BuiltinFieldSchema, type BuiltinMessageSchema, type SchemaTable } from './table-format.js';

export const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** Registered in every group/version by metav1.AddToGroupVersion (optionsTypes + WatchEvent). */
const PER_GROUP_META_KINDS = new Set(['ListOptions', 'GetOptions', 'DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'WatchEvent']);
/** metav1's "unversioned" kinds, served as plain apiVersion v1. */
const UNVERSIONED_META_KINDS = new Set(['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList']);

export interface BuiltinSchemaRegistry extends SchemaRegistry {
  message(name: string): BuiltinMessageSchema | undefined;
  kindMessage(group: string, version: string, kind: string): BuiltinMessageSchema | undefined;
  /** Fields of a message indexed by proto field number (for wire decoding). */
  fieldsByNumber(name: string): ReadonlyArray<BuiltinFieldSchema | undefined> | undefined;
}

const gvKey = (group: string, version: string) => `${group}/${version}`;

export function createSchemaRegistry(tables: readonly SchemaTable[]): BuiltinSchemaRegistry {
  const encoded = new Map<string, { pkg: string; name: string; text: string }>();
  const kindIndex = new Map<string, string>();
  const kindList: Array<{ group: string; version: string; kind: string; message: string }> = [];
  const servedGroupVersions = new Set<string>();
  for (const t of tables) {
    for (const [name, text] of Object.entries(t.messages)) encoded.set(`${t.package}.${name}`, { pkg: t.package, name, text });
    if (t.group === undefined || t.version === undefined) continue;
    servedGroupVersions.add(gvKey(t.group, t.version));
    for (const kind of t.kinds) {
      const message = `${t.package}.${kind}`;
      kindIndex.set(`${gvKey(t.group, t.version)}/${kind}`, message);
      kindList.push({ group: t.group, version: t.version, kind, message });
    }
  }

  const parsed = new Map<string, BuiltinMessageSchema>();
  const byNumber = new Map<string, Array<BuiltinFieldSchema | undefined>>();

  function message(name: string): BuiltinMessageSchema | undefined {
    let m = parsed.get(name);
    if (m) return m;
    const e = encoded.get(name);
    if (!e) return undefined;
    m = parseMessage(e.pkg, e.name, e.text);
    parsed.set(name, m);
    return m;
  }

  function kindMessageName(group: string, version: string, kind: string): string | undefined {
    const direct = kindIndex.get(`${gvKey(group, version)}/${kind}`);
    if (direct) return direct;
    if (!servedGroupVersions.has(gvKey(group, version))) return undefined;
    if (PER_GROUP_META_KINDS.has(kind)) return `${META_V1}.${kind}`;
    if (group === '' && version === 'v1' && UNVERSIONED_META_KINDS.has(kind)) return `${META_V1}.${kind}`;
    return undefined;
  }

  function nodeOf(msg: BuiltinMessageSchema | undefined): SchemaNode | undefined {
    return msg ? new MessageNode(msg, message) : undefined;
  }

  return {
    message,
    kindMessage(group, version, kind) {
      const name = kindMessageName(group, version, kind);
      return name ? message(name) : undefined;
    },
    kinds: () => kindList.map((k) => ({ ...k })),
    node(group, version, kind) {
      const name = kindMessageName(group, version, kind);
      return name ? nodeOf(message(name)) : undefined;
    },
    fieldsByNumber(name) {
      let arr = byNumber.get(name);
      if (arr) return arr;
      const m = message(name);
      if (!m) return undefined;
      arr = [];
      for (const f of m.fields) arr[f.number] = f;
      byNumber.set(name, arr);
      return arr;
    },
  };
}

/** Path-walk node of one message; JSON names of inline (embedded) structs are looked through. */
class MessageNode implements SchemaNode {
  constructor(readonly message: BuiltinMessageSchema, private readonly lookup: (name: string) => BuiltinMessageSchema | undefined) {}

  field(name: string): FieldNode | undefined {
    const f = findJsonField(this.message, name, this.lookup, 0);
    return f ? new MessageFieldNode(f, this.lookup) : undefined;
  }
}

class MessageFieldNode implements FieldNode {
  constructor(readonly schema: BuiltinFieldSchema, private readonly lookup: (name: string) => BuiltinMessageSchema | undefined) {}

  /** Computed on access: schemas are recursive (JSONSchemaProps). */
  get element(): SchemaNode | undefined {
    if (this.schema.type.kind !== 'message') return undefined;
    const m = this.lookup(this.schema.type.ref);
    return m ? new MessageNode(m, this.lookup) : undefined;
  }
}

function findJsonField(msg: BuiltinMessageSchema, name: string, lookup: (n: string) => BuiltinMessageSchema | undefined, depth: number): BuiltinFieldSchema | undefined {
  for (const f of msg.fields) if (!f.inline && !f.notInJson && f.name === name) return f;
  if (depth > 4) return undefined;
  for (const f of msg.fields) {
    if (!f.inline || f.type.kind !== 'message') continue;
    const inner = lookup(f.type.ref);
    const found = inner && findJsonField(inner, name, lookup, depth + 1);
    if (found) return found;
  }
  return undefined;
}
