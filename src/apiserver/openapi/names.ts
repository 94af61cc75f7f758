// How upstream names things in its OpenAPI documents: definition names derived from Go package
// paths (io.k8s.api.core.v1.Pod), the fixed homes of the well-known types, and the operation ids
// and tags generated from group, version and kind (listCoreV1NamespacedPod, apps_v1).
import type { WellKnownType } from '../../api/schema/types.js';

/** Definition names of the types that have a special JSON form. */
export const wellKnownDefinitionNames: Record<WellKnownType, string> = {
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  Time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  MicroTime: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  Duration: 'io.k8s.apimachinery.pkg.apis.meta.v1.Duration',
  RawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
  JSON: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  FieldsV1: 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
};

/** Proto message names of the well-known types, for registries that reference them as messages. */
export const wellKnownProtoNames: Record<string, WellKnownType> = {
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'Quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'IntOrString',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'Time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'MicroTime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'Duration',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'RawExtension',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON': 'JSON',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'FieldsV1',
};

export const metaPackage = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/**
 * Proto name → OpenAPI definition name. Proto packages are the Go import paths with the
 * domain first and dashes turned into underscores; OpenAPI reverses the domain and keeps dashes:
 * k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.X → io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.X
 */
export function definitionName(protoName: string): string {
  const wk = wellKnownProtoNames[protoName];
  if (wk) return wellKnownDefinitionNames[wk];
  if (protoName.startsWith('k8s.io.')) return 'io.k8s.' + protoName.slice('k8s.io.'.length).replace(/_/g, '-');
  return protoName.replace(/_/g, '-');
}

/** Definition name of a custom resource kind: the group reversed, then version and kind (com.example.stable.v1.CronTab). */
export function customResourceDefinitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

/** The path key of a group-version in /openapi/v3: "api/v1" or "apis/apps/v1". */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** "rbac.authorization.k8s.io" → "RbacAuthorization"; "" → "Core" (operation ids). */
export function groupOperationPart(group: string): string {
  if (!group) return 'Core';
  const trimmed = group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length) : group;
  return trimmed.split(/[.-]/).filter(Boolean).map(capitalize).join('');
}

/** "core_v1", "rbacAuthorization_v1", "apps_v1": the tag on every operation of a group-version. */
export function groupVersionTag(group: string, version: string): string {
  const part = groupOperationPart(group);
  return `${part.charAt(0).toLowerCase()}${part.slice(1)}_${version}`;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
