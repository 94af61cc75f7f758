// Custom objects are stored once per CRD, in its storage version; the other served versions
// are views that differ only in apiVersion (conversion strategy None).
import type { StorageForm } from '../../api/conversion/index.js';
import type { CustomResourceDefinitionView } from './crd-info.js';

export function customStorageForm(def: CustomResourceDefinitionView, servedVersion: string): StorageForm | undefined {
  if (!def.storageVersion || def.storageVersion === servedVersion) return undefined;
  return {
    group: def.group, version: def.storageVersion, kind: def.kind,
    toStorage: (obj) => ({ ...obj, apiVersion: `${def.group}/${def.storageVersion}` }),
    fromStorage: (obj) => ({ ...obj, apiVersion: `${def.group}/${servedVersion}` }),
  };
}
