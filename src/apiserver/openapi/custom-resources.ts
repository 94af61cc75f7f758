// The OpenAPI inputs a CustomResourceDefinition contributes: one schema per served version
// (spec.versions[].schema.openAPIV3Schema), as upstream publishes CRDs in /openapi/v3.
import type { ExtraSchema } from './paths.js';

interface CrdLike {
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: Array<{ name?: string; served?: boolean; schema?: { openAPIV3Schema?: object } }>;
  };
}

/** Schemas of every served version of the given CRDs (versions without a schema are free-form). */
export function customResourceSchemas(crds: readonly unknown[]): ExtraSchema[] {
  const out: ExtraSchema[] = [];
  for (const crd of crds as CrdLike[]) {
    const group = crd?.spec?.group;
    const kind = crd?.spec?.names?.kind;
    if (!group || !kind) continue;
    for (const v of crd.spec?.versions ?? []) {
      if (!v?.name || v.served === false) continue;
      out.push({ group, version: v.name, kind, schema: v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } });
    }
  }
  return out;
}
