// The paths of one group-version: for every served resource the collection and item paths
// (namespaced resources also get the all-namespaces list), and object subresources such as
// status and scale, each with the operations its verbs allow.
import type { ResourceInfo, SubresourceInfo } from '../../api/resources/types.js';
import type { DefinitionBuilder, GroupVersionKind, OpenApiFlavor } from './definitions.js';
import type { JsonObject } from './json.js';
import { capitalize, customResourceDefinitionName, groupOperationPart, groupVersionTag, metaPackage } from './names.js';
import { builtinPatchTypes, customPatchTypes, operation, pathParameters, type Action } from './operations.js';
import type { SchemaRegistry } from '../../api/schema/types.js';

/** A schema for a kind the registry does not know (custom resources), e.g. a CRD's openAPIV3Schema. */
export interface ExtraSchema { group: string; version: string; kind: string; schema: object }

export interface PathInputs {
  schemas: SchemaRegistry;
  extraSchemas: ExtraSchema[];
}

/** Subresources that stream or proxy rather than carry an object; upstream models them as "connect" operations. */
const connectSubresources = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

const patchDefinition = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

interface KindDefinitions { kindDef: string; listDef: string; custom: boolean }

function protoPackage(name: string): string {
  return name.slice(0, name.lastIndexOf('.'));
}

function plainProperty(type: string): JsonObject {
  return { type };
}

/** Definition of a custom resource: the CRD's schema with apiVersion, kind and metadata filled in as upstream does. */
function customResourceSchema(builder: DefinitionBuilder, flavor: OpenApiFlavor, extra: ExtraSchema): JsonObject {
  const base = JSON.parse(JSON.stringify(extra.schema)) as JsonObject;
  const properties = (base.properties && typeof base.properties === 'object' && !Array.isArray(base.properties) ? base.properties : {}) as JsonObject;
  const objectMeta = builder.addMessage(`${metaPackage}.ObjectMeta`);
  properties.apiVersion = plainProperty('string');
  properties.kind = plainProperty('string');
  properties.metadata = flavor === 'v3' ? { allOf: [{ $ref: builder.ref(objectMeta) }] } : { $ref: builder.ref(objectMeta) };
  base.properties = properties;
  if (!base.type) base.type = 'object';
  base['x-kubernetes-group-version-kind'] = [{ group: extra.group, kind: extra.kind, version: extra.version }];
  return base;
}

function listSchema(builder: DefinitionBuilder, flavor: OpenApiFlavor, itemDef: string, gvk: GroupVersionKind): JsonObject {
  const listMeta = builder.addMessage(`${metaPackage}.ListMeta`);
  const metadata: JsonObject = flavor === 'v3' ? { allOf: [{ $ref: builder.ref(listMeta) }], default: {} } : { $ref: builder.ref(listMeta) };
  const item: JsonObject = flavor === 'v3' ? { allOf: [{ $ref: builder.ref(itemDef) }], default: {} } : { $ref: builder.ref(itemDef) };
  return {
    properties: {
      apiVersion: plainProperty('string'),
      items: { items: item, type: 'array' },
      kind: plainProperty('string'),
      metadata,
    },
    required: ['items'],
    type: 'object',
    'x-kubernetes-group-version-kind': [{ group: gvk.group, kind: gvk.kind, version: gvk.version }],
  };
}

/** Definitions of a kind and its list, from the registry, a custom resource schema, or a free-form stand-in. */
function kindDefinitions(builder: DefinitionBuilder, flavor: OpenApiFlavor, inputs: PathInputs, gvk: GroupVersionKind, listKind: string): KindDefinitions {
  const message = inputs.schemas.kindMessage(gvk.group, gvk.version, gvk.kind);
  if (message) {
    const kindDef = builder.addMessage(message.name);
    const listMessage = inputs.schemas.kindMessage(gvk.group, gvk.version, listKind)
      ?? inputs.schemas.message(`${protoPackage(message.name)}.${listKind}`);
    let listDef: string;
    if (listMessage) {
      listDef = builder.addMessage(listMessage.name);
    } else {
      listDef = `${kindDef}List`;
      if (!builder.has(listDef)) builder.put(listDef, listSchema(builder, flavor, kindDef, { ...gvk, kind: listKind }));
    }
    return { kindDef, listDef, custom: false };
  }
  const kindDef = customResourceDefinitionName(gvk.group, gvk.version, gvk.kind);
  if (!builder.has(kindDef)) {
    const extra = inputs.extraSchemas.find((e) => e.group === gvk.group && e.version === gvk.version && e.kind === gvk.kind);
    builder.put(kindDef, extra
      ? customResourceSchema(builder, flavor, extra)
      : customResourceSchema(builder, flavor, { ...gvk, schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }));
  }
  const listDef = customResourceDefinitionName(gvk.group, gvk.version, listKind);
  if (!builder.has(listDef)) builder.put(listDef, listSchema(builder, flavor, kindDef, { ...gvk, kind: listKind }));
  return { kindDef, listDef, custom: true };
}

/** A subresource's own kind (autoscaling/v1 Scale, policy/v1 Eviction): only the kind, never a list. */
function subresourceKindDefinition(builder: DefinitionBuilder, flavor: OpenApiFlavor, inputs: PathInputs, gvk: GroupVersionKind): string {
  const message = inputs.schemas.kindMessage(gvk.group, gvk.version, gvk.kind);
  if (message) return builder.addMessage(message.name);
  const def = customResourceDefinitionName(gvk.group, gvk.version, gvk.kind);
  if (!builder.has(def)) builder.put(def, { type: 'object', 'x-kubernetes-group-version-kind': [{ group: gvk.group, kind: gvk.kind, version: gvk.version }] });
  return def;
}

function subresourceGvk(r: ResourceInfo, sub: SubresourceInfo): GroupVersionKind {
  if (!sub.kind) return { group: r.group, version: r.version, kind: r.kind };
  return { group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind };
}

/** Adds every path of the given resources (all of one group-version) to `paths`. */
export function addResourcePaths(
  builder: DefinitionBuilder, flavor: OpenApiFlavor, inputs: PathInputs, resources: ResourceInfo[], paths: JsonObject,
): void {
  if (resources.length === 0) return;
  const deleteOptions = builder.ref(builder.addMessage(`${metaPackage}.DeleteOptions`));
  const status = builder.ref(builder.addMessage(`${metaPackage}.Status`));
  if (!builder.has(patchDefinition)) builder.put(patchDefinition, { type: 'object' });
  const patchRef = builder.ref(patchDefinition);

  for (const r of resources) {
    const { group, version } = r;
    const gvk = { group, version, kind: r.kind };
    const listKind = r.listKind ?? `${r.kind}List`;
    const defs = kindDefinitions(builder, flavor, inputs, gvk, listKind);
    const kindRef = builder.ref(defs.kindDef);
    const listRef = builder.ref(defs.listDef);
    const patchTypes = defs.custom ? customPatchTypes : builtinPatchTypes;
    const verbs = new Set<string>(r.verbs as string[]);
    const gv = groupOperationPart(group) + capitalize(version);
    const tag = groupVersionTag(group, version);
    const scope = r.namespaced ? 'Namespaced' : '';
    const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
    const item = `${collection}/{name}`;
    const scopeParams = r.namespaced ? ['namespace'] : [];
    const op = (action: Action, operationId: string, responseRef: string, bodyRef?: string, opGvk = gvk) =>
      operation(flavor, { action, operationId, tag, gvk: opGvk, responseRef, bodyRef, patchTypes });

    const collectionItem: JsonObject = {};
    if (verbs.has('list')) collectionItem.get = op('list', `list${gv}${scope}${r.kind}`, listRef);
    if (verbs.has('create')) collectionItem.post = op('post', `create${gv}${scope}${r.kind}`, kindRef, kindRef);
    if (verbs.has('deletecollection')) collectionItem.delete = op('deletecollection', `delete${gv}Collection${scope}${r.kind}`, status, deleteOptions);
    if (Object.keys(collectionItem).length > 0) {
      collectionItem.parameters = pathParameters(flavor, scopeParams);
      paths[collection] = collectionItem;
    }
    if (r.namespaced && verbs.has('list')) {
      paths[`${prefix}/${r.resource}`] = {
        get: op('list', `list${gv}${r.kind}ForAllNamespaces`, listRef),
        parameters: pathParameters(flavor, []),
      };
    }

    const itemPath: JsonObject = {};
    if (verbs.has('get')) itemPath.get = op('get', `read${gv}${scope}${r.kind}`, kindRef);
    if (verbs.has('update')) itemPath.put = op('put', `replace${gv}${scope}${r.kind}`, kindRef, kindRef);
    if (verbs.has('patch')) itemPath.patch = op('patch', `patch${gv}${scope}${r.kind}`, kindRef, patchRef);
    if (verbs.has('delete')) itemPath.delete = op('delete', `delete${gv}${scope}${r.kind}`, status, deleteOptions);
    if (Object.keys(itemPath).length > 0) {
      itemPath.parameters = pathParameters(flavor, ['name', ...scopeParams]);
      paths[item] = itemPath;
    }

    for (const sub of r.subresources ?? []) {
      if (connectSubresources.has(sub.name)) continue;
      const subGvk = subresourceGvk(r, sub);
      const subRef = subGvk.kind === r.kind && subGvk.group === group && subGvk.version === version
        ? kindRef
        : builder.ref(subresourceKindDefinition(builder, flavor, inputs, subGvk));
      const subVerbs = new Set(sub.verbs);
      const name = `${scope}${r.kind}${capitalize(sub.name)}`;
      const subPath: JsonObject = {};
      if (subVerbs.has('get')) subPath.get = op('get', `read${gv}${name}`, subRef, undefined, subGvk);
      if (subVerbs.has('create')) subPath.post = op('post', `create${gv}${name}`, subRef, subRef, subGvk);
      if (subVerbs.has('update')) subPath.put = op('put', `replace${gv}${name}`, subRef, subRef, subGvk);
      if (subVerbs.has('patch')) subPath.patch = op('patch', `patch${gv}${name}`, subRef, patchRef, subGvk);
      if (Object.keys(subPath).length === 0) continue;
      subPath.parameters = pathParameters(flavor, ['name', ...scopeParams]);
      paths[`${item}/${sub.name}`] = subPath;
    }
  }
}
