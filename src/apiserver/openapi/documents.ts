// Whole documents: one OpenAPI v3 document per served group-version (what /openapi/v3/<gv>
// returns) and the single swagger 2.0 document of /openapi/v2.
import type { ResourceInfo } from '../../api/resources/types.js';
import type { SchemaRegistry } from '../../api/schema/types.js';
import { DefinitionBuilder, type GroupVersionKind, type OpenApiFlavor } from './definitions.js';
import type { JsonObject } from './json.js';
import { groupVersionPath } from './names.js';
import { addResourcePaths, type ExtraSchema } from './paths.js';
import { typeMetaMessages } from '../../api/fieldvalidation/json-shape.js';

export type GvkIndex = { gvkOf: (protoName: string) => GroupVersionKind[]; hasTypeMeta: (protoName: string) => boolean };

export interface DocumentInputs {
  schemas: SchemaRegistry;
  resources: ResourceInfo[];
  extraSchemas: ExtraSchema[];
}

/** message proto name → the GVKs it is the top-level type of (kinds and their lists). */
export function buildGvkIndex(schemas: SchemaRegistry, resources: ResourceInfo[]): GvkIndex {
  const index = new Map<string, GroupVersionKind[]>();
  const seen = new Set<string>();
  const add = (message: string, gvk: GroupVersionKind) => {
    const key = `${message}|${gvk.group}|${gvk.version}|${gvk.kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    const list = index.get(message);
    if (list) list.push(gvk); else index.set(message, [gvk]);
  };
  for (const k of schemas.kinds()) add(k.message, { group: k.group, version: k.version, kind: k.kind });
  for (const r of resources) {
    const m = schemas.kindMessage(r.group, r.version, r.kind);
    if (!m) continue;
    add(m.name, { group: r.group, version: r.version, kind: r.kind });
    const listKind = r.listKind ?? `${r.kind}List`;
    const listMessage = schemas.kindMessage(r.group, r.version, listKind) ?? schemas.message(`${m.name.slice(0, m.name.lastIndexOf('.'))}.${listKind}`);
    if (listMessage) add(listMessage.name, { group: r.group, version: r.version, kind: listKind });
  }
  const typeMeta = typeMetaMessages(schemas);
  return { gvkOf: (protoName) => index.get(protoName) ?? [], hasTypeMeta: (protoName) => typeMeta.has(protoName) || index.has(protoName) };
}

/** Every served group-version as its /openapi/v3 path key ("api/v1", "apis/apps/v1"), in first-seen order. */
export function servedGroupVersions(inputs: Pick<DocumentInputs, 'resources' | 'extraSchemas'>): Map<string, { group: string; version: string }> {
  const out = new Map<string, { group: string; version: string }>();
  for (const r of inputs.resources) {
    const key = groupVersionPath(r.group, r.version);
    if (!out.has(key)) out.set(key, { group: r.group, version: r.version });
  }
  return out;
}

export function buildV3GroupVersionDocument(
  inputs: DocumentInputs, index: GvkIndex, group: string, version: string,
): JsonObject {
  const builder = new DefinitionBuilder(inputs.schemas, 'v3', index.gvkOf, index.hasTypeMeta);
  const paths: JsonObject = {};
  const resources = inputs.resources.filter((r) => r.group === group && r.version === version);
  addResourcePaths(builder, 'v3', inputs, resources, paths);
  return {
    components: { schemas: builder.definitions() },
    info: { title: 'Kubernetes', version: 'unversioned' },
    openapi: '3.0.0',
    paths,
  };
}

export function buildV2Document(
  inputs: DocumentInputs, index: GvkIndex, kubernetesVersion: string,
): JsonObject {
  const flavor: OpenApiFlavor = 'v2';
  const builder = new DefinitionBuilder(inputs.schemas, flavor, index.gvkOf, index.hasTypeMeta);
  const paths: JsonObject = {};
  for (const { group, version } of servedGroupVersions(inputs).values()) {
    addResourcePaths(builder, flavor, inputs, inputs.resources.filter((r) => r.group === group && r.version === version), paths);
  }
  return {
    definitions: builder.definitions(),
    info: { title: 'Kubernetes', version: kubernetesVersion },
    paths,
    securityDefinitions: { BearerToken: { description: 'Bearer token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
    swagger: '2.0',
  };
}
