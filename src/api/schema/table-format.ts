// The compact on-disk form of the schema tables (src/api/schema/tables/*.ts, written by
// tools/gen-schema) and its parser. Each message is one string so that loading every table at
// server start costs only a module import; a message is parsed the first time it is asked for.
//
//   message := ["!" msgflags " "] field (" " field)*
//   field   := jsonName ":" protoNumber ":" type (":" flag)*
//   type    := s|i|l|b|d|f|y  (string, int32, int64, bool, double, float, bytes)
//            | "@" WellKnownType | LocalMessage | fully.qualified.Message
//   flag    := r repeated | m map | o omitempty | p pointer | q required | i inline | x not in JSON
//            | k=<patchMergeKey> | s=<patchStrategy> | l=<listType> | K=<listMapKey,…> | t=<mapType>
//   msgflag := a (+structType=atomic) | w (a Go slice type: its JSON is the `items` array itself)

import type { FieldSchema, FieldType, MessageSchema, ScalarType, WellKnownType } from './types.js';

export interface SchemaTable {
  /** Proto package, e.g. "k8s.io.api.apps.v1". */
  package: string;
  /** API group ("" for core) and version; absent for packages that only hold shared types. */
  group?: string;
  version?: string;
  /** Message names served as top-level kinds of group/version. */
  kinds: string[];
  /** Message name (unqualified) → encoded message. */
  messages: Record<string, string>;
}

/**
 * FieldSchema plus two wire facts the shared type has no words for:
 * - `inline`: a Go embedded struct (e.g. Volume.volumeSource) — its own field number on the wire,
 *   but its fields appear directly in the parent's JSON.
 * - `notInJson`: `json:"-"` (e.g. the raw bytes of runtime.Unknown).
 */
export interface BuiltinFieldSchema extends FieldSchema {
  inline?: boolean;
  notInJson?: boolean;
}

export interface BuiltinMessageSchema extends MessageSchema {
  fields: BuiltinFieldSchema[];
  /** A Go slice type (e.g. authentication ExtraValue, meta Verbs): JSON is the `items` array. */
  listWrapper?: boolean;
}

const SCALARS: Record<string, ScalarType> = { s: 'string', i: 'int32', l: 'int64', b: 'bool', d: 'double', f: 'float', y: 'bytes' };
const WELL_KNOWN = new Set<WellKnownType>(['Quantity', 'IntOrString', 'Time', 'MicroTime', 'Duration', 'RawExtension', 'JSON', 'FieldsV1']);

function parseType(code: string, pkg: string, where: string): FieldType {
  const scalar = SCALARS[code];
  if (scalar) return { kind: 'scalar', scalar };
  if (code.startsWith('@')) {
    const name = code.slice(1) as WellKnownType;
    if (!WELL_KNOWN.has(name)) throw new Error(`schema table: unknown well-known type ${code} at ${where}`);
    return { kind: 'wellKnown', name };
  }
  return { kind: 'message', ref: code.includes('.') ? code : `${pkg}.${code}` };
}

function parseField(text: string, pkg: string, where: string): BuiltinFieldSchema {
  const [name, num, type, ...flags] = text.split(':');
  if (!name || !num || !type) throw new Error(`schema table: bad field "${text}" at ${where}`);
  const f: BuiltinFieldSchema = { name, number: Number(num), type: parseType(type, pkg, `${where}.${name}`) };
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq < 0 ? flag : flag.slice(0, eq);
    const value = flag.slice(eq + 1);
    switch (key) {
      case 'r': f.repeated = true; break;
      case 'm': f.map = true; break;
      case 'o': f.omitEmpty = true; break;
      case 'p': f.pointer = true; break;
      case 'q': f.required = true; break;
      case 'i': f.inline = true; break;
      case 'x': f.notInJson = true; break;
      case 'k': f.patchMergeKey = value; break;
      case 's': f.patchStrategy = value; break;
      case 'l': f.listType = value as FieldSchema['listType']; break;
      case 'K': f.listMapKeys = value.split(','); break;
      case 't': f.mapType = value as FieldSchema['mapType']; break;
      default: throw new Error(`schema table: unknown flag "${flag}" at ${where}.${name}`);
    }
  }
  return f;
}

/** Parse one encoded message of package `pkg`. */
export function parseMessage(pkg: string, name: string, text: string): BuiltinMessageSchema {
  const full = `${pkg}.${name}`;
  const msg: BuiltinMessageSchema = { name: full, fields: [] };
  for (const token of text.split(' ')) {
    if (token === '') continue;
    if (token.startsWith('!')) {
      if (token.includes('a')) msg.atomic = true;
      if (token.includes('w')) msg.listWrapper = true;
      continue;
    }
    msg.fields.push(parseField(token, pkg, full));
  }
  return msg;
}
