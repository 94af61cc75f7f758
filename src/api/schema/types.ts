// The shape facts of every built-in API type, derived from the upstream wire schemas
// (generated.proto field names and numbers, list/map markers, patch merge keys).
// One table drives protobuf decoding, OpenAPI, strict field validation and merge semantics.

export type ScalarType = 'string' | 'int32' | 'int64' | 'bool' | 'double' | 'float' | 'bytes';

/**
 * Well-known types that have a special JSON form:
 *  - Quantity: a string like "100m" (proto: message with string field 1)
 *  - IntOrString: an int or a string (proto: {type=1, intVal=2, strVal=3})
 *  - Time / MicroTime: RFC 3339 string (proto: {seconds=1, nanos=2})
 *  - Duration: Go duration string (proto: {duration=1 int64 ns})
 *  - RawExtension: any embedded object (proto: {raw=1 bytes of JSON/proto})
 *  - JSON: apiextensions JSON value (proto: {raw=1})
 *  - FieldsV1: managedFields' JSON (proto: {Raw=1})
 */
export type WellKnownType = 'Quantity' | 'IntOrString' | 'Time' | 'MicroTime' | 'Duration' | 'RawExtension' | 'JSON' | 'FieldsV1';

export type FieldType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'wellKnown'; name: WellKnownType }
  /** A nested message, by fully qualified proto name, e.g. "k8s.io.api.core.v1.PodSpec". */
  | { kind: 'message'; ref: string };

export interface FieldSchema {
  /** JSON (and proto) field name, e.g. "generateName". */
  name: string;
  /** Proto field number. */
  number: number;
  type: FieldType;
  /** A JSON array (proto `repeated`). */
  repeated?: boolean;
  /** A JSON object keyed by string (proto `map<string, …>`); `type` is the value type. */
  map?: boolean;
  /** Strategic-merge-patch metadata (+patchMergeKey, +patchStrategy). */
  patchMergeKey?: string;
  patchStrategy?: string; // "merge" | "replace" | "retainKeys" | "merge,retainKeys"
  /** Server-side-apply list semantics (+listType, +listMapKey); maps: +mapType. */
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  mapType?: 'atomic' | 'granular';
  /** Go JSON facts: `omitempty` in the json tag, and whether the Go field is a pointer (nil-able). */
  omitEmpty?: boolean;
  pointer?: boolean;
  /** Not marked +optional upstream (OpenAPI `required`). */
  required?: boolean;
}

export interface MessageSchema {
  /** Fully qualified proto name, e.g. "k8s.io.api.core.v1.Pod". */
  name: string;
  fields: FieldSchema[];
  /** +structType=atomic */
  atomic?: boolean;
}

/**
 * Walks a type along a JSON path; used by strategic merge patch, SSA and field validation.
 * `undefined` from any step means "no schema known here" (treat as free-form JSON).
 */
export interface SchemaNode {
  readonly message?: MessageSchema;
  /** The node of field `name` of this object (undefined if unknown). */
  field(name: string): FieldNode | undefined;
}

export interface FieldNode {
  readonly schema: FieldSchema;
  /** The node of the value (for repeated: of one element; for map: of one value). */
  readonly element: SchemaNode | undefined;
}

/** Lookup over all built-in schemas (implemented in src/api/schema/index.ts as `builtinSchemas`). */
export interface SchemaRegistry {
  message(name: string): MessageSchema | undefined;
  /** The message of a top-level kind, e.g. ("apps", "v1", "Deployment"). */
  kindMessage(group: string, version: string, kind: string): MessageSchema | undefined;
  /** Every top-level kind known, with its message name. */
  kinds(): Array<{ group: string; version: string; kind: string; message: string }>;
  /** The root node of a kind for path walks. */
  node(group: string, version: string, kind: string): SchemaNode | undefined;
}
