// A per-message lookup table compiled once from the schema registry: JSON field name → what its
// value must look like, plus the Go type names upstream's decoder prints in its errors
// ("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32").
import type { FieldSchema, FieldType, SchemaRegistry } from '../schema/types.js';
import { jsonFields, listWrapperItems, selfDecodingMessages, typeMetaMessages } from './json-shape.js';

export type ValueShape =
  | { kind: 'string' | 'int32' | 'int64' | 'bool' | 'bytes' | 'quantity' | 'intOrString' | 'duration' | 'any'; go: string }
  | { kind: 'number'; go: string }
  | { kind: 'time'; micro: boolean; go: string }
  | { kind: 'message'; name: string; go: string };

export interface CompiledField {
  name: string;
  container: 'single' | 'array' | 'map';
  /** A Go slice type as the value (ExtraValue, Verbs): each value is itself an array of `value`. */
  wrapped: boolean;
  value: ValueShape;
  /** Go type of the whole field, e.g. "[]v1.Container", "map[string]string". */
  go: string;
}

export interface CompiledMessage {
  /** Go struct name ("DeploymentSpec"), used as the struct in decode errors. */
  goName: string;
  fields: Map<string, CompiledField>;
}

/** "k8s.io.api.core.v1.PodSpec" → "v1.PodSpec": Go's package-qualified type name. */
export function goTypeName(protoName: string): string {
  const parts = protoName.split('.');
  return parts.length >= 2 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : protoName;
}

const scalarGo: Record<string, string> = { string: 'string', int32: 'int32', int64: 'int64', bool: 'bool', double: 'float64', float: 'float32', bytes: '[]uint8' };

function shapeOf(type: FieldType): ValueShape {
  switch (type.kind) {
    case 'scalar':
      if (type.scalar === 'double' || type.scalar === 'float') return { kind: 'number', go: scalarGo[type.scalar] };
      return { kind: type.scalar === 'int32' ? 'int32' : type.scalar === 'int64' ? 'int64' : type.scalar, go: scalarGo[type.scalar] } as ValueShape;
    case 'wellKnown':
      switch (type.name) {
        case 'Quantity': return { kind: 'quantity', go: 'resource.Quantity' };
        case 'IntOrString': return { kind: 'intOrString', go: 'intstr.IntOrString' };
        case 'Time': return { kind: 'time', micro: false, go: 'v1.Time' };
        case 'MicroTime': return { kind: 'time', micro: true, go: 'v1.MicroTime' };
        case 'Duration': return { kind: 'duration', go: 'v1.Duration' };
        case 'RawExtension': return { kind: 'any', go: 'runtime.RawExtension' };
        case 'JSON': return { kind: 'any', go: 'v1.JSON' };
        case 'FieldsV1': return { kind: 'any', go: 'v1.FieldsV1' };
      }
      break;
    case 'message':
      if (selfDecodingMessages.has(type.ref)) return { kind: 'any', go: goTypeName(type.ref) };
      return { kind: 'message', name: type.ref, go: goTypeName(type.ref) };
  }
  return { kind: 'any', go: 'interface {}' };
}

/** Well-known types a registry may also reference as plain messages. */
const wellKnownByProtoName: Record<string, FieldType> = {
  'k8s.io.apimachinery.pkg.api.resource.Quantity': { kind: 'wellKnown', name: 'Quantity' },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': { kind: 'wellKnown', name: 'IntOrString' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': { kind: 'wellKnown', name: 'Time' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': { kind: 'wellKnown', name: 'MicroTime' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': { kind: 'wellKnown', name: 'Duration' },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': { kind: 'wellKnown', name: 'RawExtension' },
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON': { kind: 'wellKnown', name: 'JSON' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': { kind: 'wellKnown', name: 'FieldsV1' },
};

function normalise(type: FieldType): FieldType {
  return type.kind === 'message' ? wellKnownByProtoName[type.ref] ?? type : type;
}

/** Compiles messages on first use; one instance per registry (it owns its cache). */
export class MessageCompiler {
  private readonly cache = new Map<string, CompiledMessage | null>();
  private typeMeta?: Set<string>;

  constructor(private readonly schemas: SchemaRegistry) {}

  get(protoName: string): CompiledMessage | undefined {
    let c = this.cache.get(protoName);
    if (c === undefined) {
      c = this.compile(protoName);
      this.cache.set(protoName, c);
    }
    return c ?? undefined;
  }

  private compile(protoName: string): CompiledMessage | null {
    const message = this.schemas.message(protoName);
    if (!message) return null;
    this.typeMeta ??= typeMetaMessages(this.schemas);
    const fields = new Map<string, CompiledField>();
    for (const f of jsonFields(this.schemas, message, this.typeMeta.has(protoName))) fields.set(f.name, this.compileField(f));
    return { goName: protoName.slice(protoName.lastIndexOf('.') + 1), fields };
  }

  private compileField(f: FieldSchema): CompiledField {
    const type = normalise(f.type);
    const wrapper = type.kind === 'message' ? listWrapperItems(this.schemas.message(type.ref)) : undefined;
    const container = f.repeated ? 'array' : f.map ? 'map' : 'single';
    const value = wrapper ? shapeOf(normalise(wrapper.type)) : shapeOf(type);
    const inner = wrapper ? `[]${value.go}` : value.go;
    const go = container === 'array' ? `[]${inner}` : container === 'map' ? `map[string]${inner}` : inner;
    return { name: f.name, container, wrapped: wrapper !== undefined, value, go };
  }
}
