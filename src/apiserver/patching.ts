// Applies a PATCH body to the current object by its content type. Strategic merge patches use
// the built-in schema's merge keys; kinds without one (custom resources) merge as JSON.
import type { ResourceInfo } from '../api/resources/types.js';
import type { KubeObject, StoredObject } from '../api/types.js';
import { builtinSchemas } from '../api/schema/index.js';
import { applyPatch } from '../api/patch/index.js';
import type { RequestContext } from './registry/generic-registry.js';

export function patchObject(info: ResourceInfo, type: string, current: StoredObject, patch: unknown, _ctx: RequestContext, _force: boolean, customResource = false): KubeObject {
  const schema = builtinSchemas.node(info.group, info.version, info.kind);
  if (type === 'application/apply-patch+yaml') {
    // Server-side apply proper (field ownership, conflicts) comes with the SSA work; until then an
    // applied configuration merges into the live object like a JSON merge patch of its fields.
    return applyPatch('application/merge-patch+json', current, patch, schema, { customResource });
  }
  return applyPatch(type, current, patch, schema, { customResource });
}
