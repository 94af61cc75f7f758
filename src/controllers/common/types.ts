// Typed views of the workload objects controllers read from informer caches (kubernetes-types
// shapes on top of the identity fields every stored object has).
import type { Pod, PodSpec, PodStatus, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type {
  DeploymentSpec, DeploymentStatus, DeploymentCondition, ReplicaSetSpec, ReplicaSetStatus, ReplicaSetCondition,
} from 'kubernetes-types/apps/v1.js';
import type { OwnerReference, StoredObject } from '../../api/types.js';

export type { Pod, PodSpec, PodStatus, PodTemplateSpec, DeploymentSpec, DeploymentStatus, DeploymentCondition, ReplicaSetSpec, ReplicaSetStatus, ReplicaSetCondition, OwnerReference };

export type PodObject = StoredObject & { spec?: PodSpec; status?: PodStatus };
export type ReplicaSetObject = StoredObject & { spec: ReplicaSetSpec; status?: ReplicaSetStatus };
export type DeploymentObject = StoredObject & { spec: DeploymentSpec; status?: DeploymentStatus };

export const podsResource = { group: '', version: 'v1', resource: 'pods', namespaced: true } as const;
export const replicaSetsResource = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true } as const;
export const deploymentsResource = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true } as const;

/** A deep copy of plain API data (objects from caches are shared and must not be mutated). */
export function deepCopy<T>(v: T): T {
  return structuredClone(v);
}

/** Drops the named fields that are 0 or undefined: Go's omitempty on int32 status fields, so the JSON matches upstream. */
export function omitZero<T extends object>(obj: T, fields: ReadonlyArray<keyof T>): T {
  for (const f of fields) if (obj[f] === 0 || obj[f] === undefined) delete obj[f];
  return obj;
}
