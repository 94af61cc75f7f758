// Turns the schema registry (proto-derived field tables) into OpenAPI definitions, the way
// upstream's openapi-gen renders Go types: objects with sorted properties, int32/int64 formats,
// arrays and string-keyed maps, well-known types as named definitions referenced by `$ref`
// (wrapped in `allOf` on v3 properties so siblings such as `default` are legal), and the
// x-kubernetes-* extensions that kubectl's strategic-merge-patch and server-side apply read.
import type { FieldSchema, FieldType, MessageSchema, ScalarType, SchemaRegistry, WellKnownType } from '../../api/schema/types.js';
import type { JsonObject, JsonValue } from './json.js';
import { definitionName, wellKnownDefinitionNames, wellKnownProtoNames } from './names.js';
import { jsonFields, listWrapperItems, selfDecodingMessages } from '../../api/fieldvalidation/json-shape.js';

export type OpenApiFlavor = 'v2' | 'v3';

export interface GroupVersionKind { group: string; version: string; kind: string }

/** OpenAPI type and format of each proto scalar (Go: int32 → integer/int32, []byte → string/byte). */
const scalarTypes: Record<ScalarType, { type: string; format?: string; zero: JsonValue }> = {
  string: { type: 'string', zero: '' },
  int32: { type: 'integer', format: 'int32', zero: 0 },
  int64: { type: 'integer', format: 'int64', zero: 0 },
  bool: { type: 'boolean', zero: false },
  double: { type: 'number', format: 'double', zero: 0 },
  float: { type: 'number', format: 'float', zero: 0 },
  bytes: { type: 'string', format: 'byte', zero: '' },
};

/** The definitions of the well-known types; v2 cannot say oneOf, so it keeps the string forms. */
function wellKnownDefinition(name: WellKnownType, flavor: OpenApiFlavor): JsonObject {
  switch (name) {
    case 'Quantity':
      return flavor === 'v3' ? { oneOf: [{ type: 'string' }, { type: 'number' }] } : { type: 'string' };
    case 'IntOrString':
      return flavor === 'v3'
        ? { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] }
        : { format: 'int-or-string', type: 'string' };
    case 'Time':
    case 'MicroTime':
      return { format: 'date-time', type: 'string' };
    case 'Duration':
      return { type: 'string' };
    case 'RawExtension':
    case 'FieldsV1':
      return { type: 'object' };
    case 'JSON':
      return {};
  }
}

/**
 * Collects definitions for one document. `addMessage` adds a message and, transitively,
 * everything its fields reference; `definitions()` returns the collected map.
 */
export class DefinitionBuilder {
  private readonly defs = new Map<string, JsonObject>();

  constructor(
    private readonly schemas: SchemaRegistry,
    private readonly flavor: OpenApiFlavor,
    /** Which GVKs each proto message is the top-level type of (x-kubernetes-group-version-kind). */
    private readonly gvkOf: (protoName: string) => GroupVersionKind[],
    /** Whether a message embeds TypeMeta (has apiVersion and kind in JSON). */
    private readonly hasTypeMeta: (protoName: string) => boolean,
  ) {}

  ref(defName: string): string {
    return (this.flavor === 'v3' ? '#/components/schemas/' : '#/definitions/') + defName;
  }

  has(defName: string): boolean {
    return this.defs.has(defName);
  }

  /** Adds (or replaces) a definition built elsewhere (custom resources, synthesized lists). */
  put(defName: string, schema: JsonObject): void {
    this.defs.set(defName, schema);
  }

  definitions(): JsonObject {
    const out: JsonObject = {};
    for (const name of [...this.defs.keys()].sort()) out[name] = this.defs.get(name)!;
    return out;
  }

  addWellKnown(name: WellKnownType): string {
    const defName = wellKnownDefinitionNames[name];
    if (!this.defs.has(defName)) this.defs.set(defName, wellKnownDefinition(name, this.flavor));
    return defName;
  }

  /** Adds a message by proto name; returns its definition name. Unknown messages become free-form objects. */
  addMessage(protoName: string): string {
    const wk = wellKnownProtoNames[protoName];
    if (wk) return this.addWellKnown(wk);
    const defName = definitionName(protoName);
    if (this.defs.has(defName)) return defName;
    const message = this.schemas.message(protoName);
    // Reserve the name before walking fields: recursive types (JSONSchemaProps) refer to themselves.
    const schema: JsonObject = { type: 'object' };
    this.defs.set(defName, schema);
    if (selfDecodingMessages.has(protoName)) {
      // Several JSON shapes (a schema, or a bool / array); upstream publishes no type for these.
      delete schema.type;
    } else if (!message) {
      schema['x-kubernetes-preserve-unknown-fields'] = true;
    } else {
      this.fillMessage(schema, message);
    }
    if (message && this.hasTypeMeta(protoName) && schema.properties) {
      const props = schema.properties as JsonObject;
      props.apiVersion ??= { type: 'string' };
      props.kind ??= { type: 'string' };
      schema.properties = Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    const gvks = this.gvkOf(protoName);
    if (gvks.length > 0) schema['x-kubernetes-group-version-kind'] = gvks.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
    return defName;
  }

  private fillMessage(schema: JsonObject, message: MessageSchema): void {
    const properties: JsonObject = {};
    const required: string[] = [];
    const fields = jsonFields(this.schemas, message, false);
    for (const f of [...fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      properties[f.name] = this.fieldSchema(f);
    }
    for (const f of fields) if (f.required) required.push(f.name);
    if (fields.length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    if (message.atomic) schema['x-kubernetes-map-type'] = 'atomic';
  }

  private fieldSchema(f: FieldSchema): JsonObject {
    let s: JsonObject;
    const wrapped = f.type.kind === 'message' ? listWrapperItems(this.schemas.message(f.type.ref)) : undefined;
    if (wrapped) {
      // A Go slice type: its JSON is the bare array of the wrapper's items.
      const arr: JsonObject = { items: this.valueSchema(wrapped.type, 'element', wrapped), type: 'array' };
      s = f.repeated ? { items: arr, type: 'array' } : f.map ? { additionalProperties: arr, type: 'object' } : arr;
    } else if (f.repeated) {
      s = { items: this.valueSchema(f.type, 'element', f), type: 'array' };
    } else if (f.map) {
      s = { additionalProperties: this.valueSchema(f.type, 'element', f), type: 'object' };
    } else {
      s = this.valueSchema(f.type, 'property', f);
    }
    if (f.listType) s['x-kubernetes-list-type'] = f.listType;
    if (f.listMapKeys && f.listMapKeys.length > 0) s['x-kubernetes-list-map-keys'] = [...f.listMapKeys];
    if (f.mapType) s['x-kubernetes-map-type'] = f.mapType;
    if (f.patchMergeKey) s['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
    if (f.patchStrategy) s['x-kubernetes-patch-strategy'] = f.patchStrategy;
    return s;
  }

  /**
   * One value's schema. Upstream gives non-pointer fields their Go zero value as `default`
   * (`{}` for structs, `""`/0/false for scalars without omitempty, always for list and map elements).
   */
  private valueSchema(type: FieldType, position: 'property' | 'element', f: FieldSchema): JsonObject {
    const zeroDefault = position === 'element' || (!f.pointer && !f.omitEmpty);
    if (type.kind === 'scalar') {
      const t = scalarTypes[type.scalar];
      const s: JsonObject = { type: t.type };
      if (t.format) s.format = t.format;
      if (this.flavor === 'v3' && zeroDefault) s.default = t.zero;
      return s;
    }
    let defName: string;
    let structDefault = false;
    if (type.kind === 'wellKnown') {
      defName = this.addWellKnown(type.name);
    } else {
      const wk = wellKnownProtoNames[type.ref];
      defName = wk ? this.addWellKnown(wk) : this.addMessage(type.ref);
      structDefault = !wk && (position === 'element' || !f.pointer);
    }
    const ref: JsonObject = { $ref: this.ref(defName) };
    if (this.flavor === 'v2') return ref;
    if (position === 'element' && !structDefault) return ref;
    const s: JsonObject = { allOf: [ref] };
    if (structDefault) s.default = {};
    return s;
  }
}
