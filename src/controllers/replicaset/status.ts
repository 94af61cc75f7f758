// ReplicaSet status as upstream calculateStatus: counts over the active pods the set controls,
// and the ReplicaFailure condition while creating or deleting pods fails.
import { selectorFromSet } from '../../api/selectors/index.js';
import { isPodAvailable, isPodReady } from '../common/pods.js';
import { getCondition, newCondition, removeCondition, setCondition } from '../common/conditions.js';
import { errorMessage } from '../common/pod-control.js';
import { omitZero, type PodObject, type ReplicaSetObject, type ReplicaSetStatus, type ReplicaSetCondition } from '../common/types.js';

export function calculateStatus(rs: ReplicaSetObject, pods: readonly PodObject[], manageError: unknown, nowMs: number): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec.template?.metadata?.labels);
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0, ready = 0, available = 0;
  for (const p of pods) {
    if (templateLabels.matches(p.metadata.labels)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, nowMs)) available++;
    }
  }
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? rs.status?.observedGeneration,
  };
  // replicas is the one count upstream always writes (no omitempty).
  omitZero(status, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']);
  let conditions = rs.status?.conditions as ReplicaSetCondition[] | undefined;
  const failure = getCondition(conditions, 'ReplicaFailure');
  if (manageError !== undefined && !failure) {
    const reason = pods.length < (rs.spec.replicas ?? 1) ? 'FailedCreate' : 'FailedDelete';
    conditions = setCondition(conditions, newCondition('ReplicaFailure', 'True', reason, errorMessage(manageError), nowMs, false) as ReplicaSetCondition);
  } else if (manageError === undefined && failure) {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  if (conditions?.length) status.conditions = conditions;
  return status;
}
