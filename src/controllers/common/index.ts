// Shared helpers for workload controllers: controller refs and adoption, pod readiness and
// availability, deletion ranking, expectations, the pod-template hash, conditions.
export * from './types.js';
export { getControllerOf, newControllerRef, controllerIndex, orphanIndexValue, indexByController } from './owner.js';
export { claimCandidates, claimObjects, recheckOwner, type ClaimOptions } from './claim.js';
export {
  isPodActive, isPodTerminating, isPodReady, podReadyTime, isPodAvailable, compareForDeletion, podsToDelete, type RankedPod,
} from './pods.js';
export { ControllerExpectations, expectationsTimeoutMs } from './expectations.js';
export { computeHash, fnv32a, safeEncodeString, canonicalJson, prune } from './hash.js';
export { newCondition, getCondition, setCondition, removeCondition, type Condition } from './conditions.js';
export { slowStartBatch } from './slow-start.js';
export { PodControl, podFromTemplate, isNamespaceTerminating, errorMessage } from './pod-control.js';
export { FakeKubelet, type FakeKubeletOptions } from './fake-kubelet.js';
