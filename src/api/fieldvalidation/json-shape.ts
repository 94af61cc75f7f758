// How a proto-derived message looks in JSON, beyond the plain field list: Go embedded structs
// (`json:",inline"`, e.g. Volume's VolumeSource) put their fields in the parent object; `json:"-"`
// fields never appear; Go slice types (ExtraValue, Verbs) are bare arrays; a few types decode
// themselves (JSONSchemaPropsOr*) and so accept several JSON shapes; objects that embed TypeMeta
// (every kind and list) also carry apiVersion and kind, which the proto form leaves out.
import type { FieldSchema, MessageSchema, SchemaRegistry } from '../schema/types.js';

/** Optional wire facts a registry may add to the shared field/message types (see schema/table-format.ts). */
type ExtendedField = FieldSchema & { inline?: boolean; notInJson?: boolean };
type ExtendedMessage = MessageSchema & { listWrapper?: boolean };

/**
 * Messages with their own UnmarshalJSON that accepts more than one JSON shape (a schema or an
 * array/bool/string list). Upstream's strict decoder cannot see inside them, so neither do we.
 */
export const selfDecodingMessages = new Set([
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray',
]);

/** meta/v1 types that embed TypeMeta without being listed as kinds of a group. */
const metaTypeMetaMessages = new Set(
  ['DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'GetOptions', 'ListOptions', 'Status', 'APIVersions',
    'APIGroupList', 'APIGroup', 'APIResourceList', 'Table', 'PartialObjectMetadata', 'PartialObjectMetadataList', 'List']
    .map((k) => `k8s.io.apimachinery.pkg.apis.meta.v1.${k}`),
);

const typeMetaFields: FieldSchema[] = [
  { name: 'apiVersion', number: 0, type: { kind: 'scalar', scalar: 'string' }, omitEmpty: true },
  { name: 'kind', number: 0, type: { kind: 'scalar', scalar: 'string' }, omitEmpty: true },
];

/** The fields of a message as they appear in its JSON object (inline structs flattened, hidden fields dropped). */
export function jsonFields(schemas: SchemaRegistry, message: MessageSchema, withTypeMeta: boolean): FieldSchema[] {
  const out: FieldSchema[] = withTypeMeta && !message.fields.some((f) => f.name === 'apiVersion') ? [...typeMetaFields] : [];
  const visit = (m: MessageSchema, depth: number) => {
    for (const f of m.fields as ExtendedField[]) {
      if (f.notInJson) continue;
      if (f.inline && f.type.kind === 'message' && depth < 8) {
        const inner = schemas.message(f.type.ref);
        if (inner) visit(inner, depth + 1);
        continue;
      }
      out.push(f);
    }
  };
  visit(message, 0);
  return out;
}

/** For a Go slice type (JSON is a bare array), the field that holds the elements. */
export function listWrapperItems(message: MessageSchema | undefined): FieldSchema | undefined {
  if (!message || !(message as ExtendedMessage).listWrapper) return undefined;
  return message.fields[0];
}

/** Proto names of every message whose JSON carries apiVersion and kind (kinds, their lists, meta option types). */
export function typeMetaMessages(schemas: SchemaRegistry): Set<string> {
  const out = new Set(metaTypeMetaMessages);
  for (const k of schemas.kinds()) {
    out.add(k.message);
    out.add(`${k.message}List`);
  }
  return out;
}
