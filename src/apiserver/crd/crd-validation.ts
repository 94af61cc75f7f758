// Defaulting, pruning and validation of custom objects against their CRD version's structural
// schema. Metadata follows the generic object rules (names are DNS-1123 subdomains, as upstream).
import type { FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/meta.js';
import { nameIsDNSSubdomain } from '../../api/validation/names.js';
import type { CustomResourceVersion } from './crd-info.js';

export function defaultCustomResource(_version: CustomResourceVersion, _obj: KubeObject): void {
  // Schema defaults and pruning arrive with the structural-schema module.
}

export function validateCustomResource(version: CustomResourceVersion, obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: version.info.namespaced, nameFn: nameIsDNSSubdomain });
  if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return errs;
}
