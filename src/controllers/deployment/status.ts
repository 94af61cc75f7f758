// Deployment status and conditions as upstream computes them (sync.go calculateStatus,
// progress.go syncRolloutStatus): counts summed over the ReplicaSets, Available against
// maxUnavailable, Progressing with its reasons and the progress deadline.
import { getCondition, newCondition, removeCondition, setCondition } from '../common/conditions.js';
import { omitZero, type DeploymentCondition, type DeploymentObject, type DeploymentStatus, type ReplicaSetObject } from '../common/types.js';
import {
  actualReplicaCount, availableReplicaCount, desiredReplicas, hasProgressDeadline, maxUnavailable, readyReplicaCount, specReplicaCount,
} from './util.js';

export const reasons = {
  newRSAvailable: 'NewReplicaSetAvailable',
  rsUpdated: 'ReplicaSetUpdated',
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  failedRSCreate: 'ReplicaSetCreateError',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

type RS = ReplicaSetObject | undefined;

export function depCondition(type: string, status: string, reason: string, message: string, nowMs: number): DeploymentCondition {
  return newCondition(type, status, reason, message, nowMs) as DeploymentCondition;
}

export function calculateStatus(all: readonly RS[], newRS: RS, d: DeploymentObject, nowMs: number): DeploymentStatus {
  const available = availableReplicaCount(all);
  const total = specReplicaCount(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicaCount(all),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  omitZero(status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']);
  if (d.status?.collisionCount !== undefined && d.status.collisionCount !== null) status.collisionCount = d.status.collisionCount;
  let conds = [...(d.status?.conditions ?? [])];
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    conds = setCondition(conds, depCondition('Available', 'True', reasons.minimumAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    conds = setCondition(conds, depCondition('Available', 'False', reasons.minimumUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  status.conditions = conds;
  return status;
}

/** All desired replicas updated and available, and the spec observed (DeploymentComplete). */
export function deploymentComplete(d: DeploymentObject, s: DeploymentStatus): boolean {
  const want = desiredReplicas(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want
    && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Any forward motion since the last status (DeploymentProgressing). */
export function deploymentProgressing(d: DeploymentObject, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

export function deploymentTimedOut(d: DeploymentObject, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s.conditions, 'Progressing');
  if (!c) return false;
  if (c.reason === reasons.newRSAvailable) return false;
  if (c.reason === reasons.timedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 < nowMs;
}

/** The new status with Progressing and ReplicaFailure conditions (syncRolloutStatus, before the write). */
export function rolloutStatus(all: readonly RS[], newRS: RS, d: DeploymentObject, nowMs: number): DeploymentStatus {
  const s = calculateStatus(all, newRS, d, nowMs);
  if (!hasProgressDeadline(d)) s.conditions = removeCondition(s.conditions, 'Progressing');
  const current = getCondition(d.status?.conditions, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && current?.reason === reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const who = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, s)) {
      s.conditions = setCondition(s.conditions, depCondition('Progressing', 'True', reasons.newRSAvailable, `${who} has successfully progressed.`, nowMs));
    } else if (deploymentProgressing(d, s)) {
      const c = depCondition('Progressing', 'True', reasons.rsUpdated, `${who} is progressing.`, nowMs);
      if (current) {
        if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        s.conditions = removeCondition(s.conditions, 'Progressing');
      }
      s.conditions = setCondition(s.conditions, c);
    } else if (deploymentTimedOut(d, s, nowMs)) {
      s.conditions = setCondition(s.conditions, depCondition('Progressing', 'False', reasons.timedOut, `${who} has timed out progressing.`, nowMs));
    }
  }
  const failure = replicaFailure(all, newRS);
  if (failure) s.conditions = setCondition(s.conditions, failure);
  else s.conditions = removeCondition(s.conditions, 'ReplicaFailure');
  return s;
}

/** A ReplicaFailure condition of the new set (else of any set) as a Deployment condition. */
function replicaFailure(all: readonly RS[], newRS: RS): DeploymentCondition | undefined {
  const order = [newRS, ...all.filter((r) => r && r !== newRS)];
  for (const rs of order) {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    if (c) return { type: 'ReplicaFailure', status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime };
  }
  return undefined;
}

/**
 * When to look at a Deployment again so a stalled rollout is reported once its deadline passes
 * (requeueStuckDeployment): ms from now, or undefined when no check is due.
 */
export function stuckRecheckMs(d: DeploymentObject, s: DeploymentStatus, nowMs: number): number | undefined {
  const c = getCondition(d.status?.conditions, 'Progressing');
  if (!hasProgressDeadline(d) || !c) return undefined;
  if (deploymentComplete(d, s) || c.reason === reasons.timedOut) return undefined;
  const after = Date.parse(c.lastUpdateTime ?? '') + (d.spec.progressDeadlineSeconds ?? 600) * 1000 - nowMs;
  if (Number.isNaN(after)) return undefined;
  return after < 1000 ? 1000 : after + 1000;
}
