// Applies a PATCH body to the current object by its content type. Strategic merge patches use
// the built-in schema's merge keys (custom resources answer 415 for them, as upstream); apply
// patches go through server-side apply, which records field ownership itself.
import type { ResourceInfo } from '../api/resources/types.js';
import type { KubeObject, StoredObject } from '../api/types.js';
import type { SchemaNode } from '../api/schema/types.js';
import { builtinSchemas } from '../api/schema/index.js';
import { applyPatch } from '../api/patch/index.js';
import { applyObject, crdSchemaNode } from '../api/apply/index.js';
import { defaultResetFields } from '../api/fieldmanager/index.js';
import type { RequestContext } from './registry/generic-registry.js';
import { strategyFor } from './registry/strategy.js';
import type { CustomResourceVersion } from './crd/crd-info.js';

const customNodes = new WeakMap<CustomResourceVersion, SchemaNode | undefined>();

/** The schema node of a kind: built-in tables, or the CRD version's structural schema. */
export function schemaNodeFor(info: ResourceInfo, custom: CustomResourceVersion | undefined): SchemaNode | undefined {
  if (!custom) return builtinSchemas.node(info.group, info.version, info.kind);
  if (!customNodes.has(custom)) {
    const schema = custom.schema && Object.keys(custom.schema).length ? custom.schema : undefined;
    customNodes.set(custom, schema ? crdSchemaNode(schema as never, builtinSchemas.node('', 'v1', 'ConfigMap')?.field('metadata')) : undefined);
  }
  return customNodes.get(custom);
}

export function patchObject(info: ResourceInfo, type: string, current: StoredObject, patch: unknown, ctx: RequestContext, force: boolean, custom?: CustomResourceVersion, subresource = ''): KubeObject {
  const schema = schemaNodeFor(info, custom);
  if (type === 'application/apply-patch+yaml') {
    ctx.fieldsManaged = true;
    return applyObject({
      live: current.metadata.uid ? current : undefined,
      applied: patch as KubeObject,
      manager: ctx.fieldManager ?? '',
      force,
      apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
      kind: info.kind,
      now: ctx.now().toISOString(),
      schema,
      subresource: subresource || undefined,
      ignoredFields: defaultResetFields(subresource || undefined, strategyFor(info).hasStatus),
    });
  }
  return applyPatch(type, current, patch, schema, { customResource: !!custom });
}
