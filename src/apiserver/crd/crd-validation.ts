// Defaulting, pruning and validation of custom objects against their CRD version's structural
// schema. Metadata follows the generic object rules (names are DNS-1123 subdomains, as upstream).
import type { FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/meta.js';
import { nameIsDNSSubdomain } from '../../api/validation/names.js';
import { StructuralSchemas, type JSONSchemaProps } from '../../api/crdschema/index.js';
import type { CustomResourceVersion } from './crd-info.js';

// Compiled schema state (CEL programs, patterns) is cached by schema identity inside, so one
// instance serves every CRD; the caches are weak and hold nothing alive.
const schemas = new StructuralSchemas();

function schemaOf(version: CustomResourceVersion): JSONSchemaProps | undefined {
  const s = version.schema;
  return s && Object.keys(s).length > 0 ? (s as JSONSchemaProps) : undefined;
}

export function defaultCustomResource(version: CustomResourceVersion, obj: KubeObject): void {
  schemas.pruneAndDefault(schemaOf(version), obj);
}

export function validateCustomResource(version: CustomResourceVersion, obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: version.info.namespaced, nameFn: nameIsDNSSubdomain });
  if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  errs.push(...schemas.validate(schemaOf(version), obj, old, errs));
  return errs;
}
