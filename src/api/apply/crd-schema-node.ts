// A SchemaNode for a custom resource version, from its structural openAPIV3Schema, so field
// ownership and apply see the CRD's list and map semantics as upstream's CRD type converter does:
//  - arrays are atomic unless x-kubernetes-list-type says set or map (keys from
//    x-kubernetes-list-map-keys);
//  - objects with properties are structs (atomic with x-kubernetes-map-type: atomic); objects
//    with additionalProperties are granular maps (atomic likewise); objects without either,
//    or preserving unknown fields without properties, are schema-less ("deduced");
//  - x-kubernetes-int-or-string and scalars are atomic;
//  - metadata at the root is ObjectMeta (labels granular, finalizers a set, …), given by the caller.
// Key fields keep their schema `default`, which upstream uses for a list element's identity.
// Nodes are built once per call; callers cache the root per CRD version (no module state here).

import type { FieldNode, FieldSchema, FieldType, MessageSchema, SchemaNode } from '../schema/types.js';
import type { JSONSchemaProps } from '../crdschema/index.js';

/** A FieldSchema with the schema default of the field (used for list-map key defaults). */
export interface CrdFieldSchema extends FieldSchema {
  default?: unknown;
}

function isSchema(v: unknown): v is JSONSchemaProps {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Shape =
  | { kind: 'scalar' }
  | { kind: 'json' }
  | { kind: 'struct'; schema: JSONSchemaProps; atomic: boolean }
  | { kind: 'map'; value: JSONSchemaProps | undefined; atomic: boolean }
  | { kind: 'list'; schema: JSONSchemaProps };

function shapeOf(s: JSONSchemaProps): Shape {
  if (s['x-kubernetes-int-or-string']) return { kind: 'scalar' };
  const atomicMap = s['x-kubernetes-map-type'] === 'atomic';
  if (s.type === 'array') return { kind: 'list', schema: s };
  if (s.type === 'object' || s.properties || s.additionalProperties !== undefined) {
    if (s.properties && Object.keys(s.properties).length > 0) return { kind: 'struct', schema: s, atomic: atomicMap };
    const ap = s.additionalProperties;
    if (isSchema(ap)) return { kind: 'map', value: ap, atomic: atomicMap };
    if (ap === true) return { kind: 'map', value: undefined, atomic: atomicMap };
    return { kind: 'json' };
  }
  if (s.type === undefined && s['x-kubernetes-preserve-unknown-fields']) return { kind: 'json' };
  return { kind: 'scalar' };
}

const json: FieldType = { kind: 'wellKnown', name: 'JSON' };
const scalar: FieldType = { kind: 'scalar', scalar: 'string' };

class CrdNode implements SchemaNode {
  readonly message: MessageSchema;
  private readonly nodes = new Map<string, FieldNode>();

  constructor(schema: JSONSchemaProps, name: string, atomic: boolean, overrides: Record<string, FieldNode> = {}) {
    let n = 1;
    for (const [prop, sub] of Object.entries(schema.properties ?? {})) {
      this.nodes.set(prop, overrides[prop] ?? fieldNode(prop, isSchema(sub) ? sub : {}, `${name}.${prop}`, n));
      n++;
    }
    for (const [prop, node] of Object.entries(overrides)) if (!this.nodes.has(prop)) this.nodes.set(prop, node);
    this.message = { name, fields: [...this.nodes.values()].map((f) => f.schema), ...(atomic ? { atomic: true } : {}) };
  }

  field(name: string): FieldNode | undefined {
    return this.nodes.get(name);
  }
}

/** The element/value node and field type of one value of shape `s`. */
function valueOf(s: JSONSchemaProps | undefined, path: string): { type: FieldType; element: SchemaNode | undefined } {
  if (!s) return { type: json, element: undefined };
  const shape = shapeOf(s);
  switch (shape.kind) {
    case 'struct':
      return { type: { kind: 'message', ref: path }, element: new CrdNode(shape.schema, path, shape.atomic) };
    case 'scalar':
      return { type: scalar, element: undefined };
    default:
      // maps and lists nested directly in lists or maps have no field of their own: schema-less
      return { type: json, element: undefined };
  }
}

function fieldNode(name: string, s: JSONSchemaProps, path: string, number: number): FieldNode {
  // Every CRD field may be absent: no Go zero values are filled in for them.
  const base = { name, number, omitEmpty: true, pointer: true } as const;
  const shape = shapeOf(s);
  let schema: CrdFieldSchema;
  let element: SchemaNode | undefined;
  switch (shape.kind) {
    case 'list': {
      const listType = s['x-kubernetes-list-type'];
      const v = valueOf(isSchema(s.items) ? s.items : undefined, `${path}[]`);
      schema = { ...base, type: v.type, repeated: true, listType: listType === 'set' || listType === 'map' ? listType : 'atomic' };
      if (listType === 'map') schema.listMapKeys = [...(s['x-kubernetes-list-map-keys'] ?? [])];
      element = v.element;
      break;
    }
    case 'map': {
      const v = valueOf(shape.value, `${path}{}`);
      schema = { ...base, type: v.type, map: true, mapType: shape.atomic ? 'atomic' : 'granular' };
      element = v.element;
      break;
    }
    case 'struct':
      schema = { ...base, type: { kind: 'message', ref: path } };
      element = new CrdNode(shape.schema, path, shape.atomic);
      break;
    case 'json':
      schema = { ...base, type: json };
      break;
    default:
      schema = { ...base, type: scalar };
  }
  if (s.default !== undefined) schema.default = s.default;
  return { schema, element };
}

/**
 * The root node of a custom resource version from its openAPIV3Schema. `objectMeta` is the
 * built-in ObjectMeta node (e.g. `builtinSchemas.node('', 'v1', 'ConfigMap')?.field('metadata')`).
 */
export function crdSchemaNode(openAPIV3Schema: JSONSchemaProps, objectMeta: FieldNode | undefined): SchemaNode {
  const str = (name: string, number: number): FieldNode => ({ schema: { name, number, type: scalar, omitEmpty: true }, element: undefined });
  const overrides: Record<string, FieldNode> = { apiVersion: str('apiVersion', 0), kind: str('kind', 0) };
  if (objectMeta) overrides.metadata = { schema: { ...objectMeta.schema, name: 'metadata', pointer: false, omitEmpty: true }, element: objectMeta.element };
  return new CrdNode(openAPIV3Schema, 'crd', false, overrides);
}
