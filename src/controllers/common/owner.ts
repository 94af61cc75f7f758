// Controller references (metav1.GetControllerOf / NewControllerRef) and the owner-UID index that
// lets a controller find its dependents in an informer cache without scanning the namespace.
import type { KubeObject, OwnerReference } from '../../api/types.js';
import type { IndexFunc } from '../../client/indexer.js';

/** The ownerReference with controller=true, if any. */
export function getControllerOf(obj: KubeObject | undefined): OwnerReference | undefined {
  return obj?.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** An ownerReference marking `owner` as the managing controller (blockOwnerDeletion as upstream). */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion, kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export const controllerIndex = 'controllerUID';

/** Index value for objects without a controller in `namespace` (candidates for adoption). */
export function orphanIndexValue(namespace: string): string {
  return `orphan/${namespace}`;
}

/** Files an object under its controller's UID, or under its namespace's orphan value. */
export const indexByController: IndexFunc<KubeObject> = (obj) => {
  const ref = getControllerOf(obj);
  return [ref ? ref.uid : orphanIndexValue(obj.metadata?.namespace ?? '')];
};
