// Field ownership (managedFields): path sets, object comparison and Update bookkeeping.
// Server-side apply builds on the same pieces (PathSet, compareObjects, fieldSetOf, TypeInfo).

export {
  PathSet, fieldElement, keyElement, valueElement, indexElement, parsePathElement, pathToString, comparePathElements, canonicalJson,
  type Path, type PathElement,
} from './fieldpath.js';
export { compareObjects, fieldSetOf, listElement, type Comparison } from './compare.js';
export { rootTypeInfo, fieldTypeInfo, childTypeInfo, type TypeInfo } from './type-info.js';
export {
  updateManagedFields, decodeManagedFields, encodeManagedFields, capUpdateManagers, managerIdentity, setManagedFields, strippedFields,
  maxUpdateManagers, toMetaTime, type Managed, type UpdateManagedFieldsOptions,
} from './managed-fields.js';
export { managerOrUserAgent, managerFromUserAgent, validateFieldManager, fieldManagerMaxLength, wellKnownManagers } from './manager-name.js';
export { defaultResetFields } from './reset-fields.js';
