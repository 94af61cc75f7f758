// The two rollout strategies (upstream rolling.go and recreate.go). Rolling: scale the new set up
// within maxSurge, then old sets down within maxUnavailable (unhealthy old pods first). Recreate:
// scale old sets to zero, wait until none of their pods runs, then scale the new set up.
import { canonicalJson } from '../common/hash.js';
import type { DeploymentObject, PodObject, ReplicaSetObject } from '../common/types.js';
import type { DeploymentOps } from './ops.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleAndRecord } from './replicasets.js';
import { deploymentComplete, rolloutStatus, stuckRecheckMs } from './status.js';
import {
  activeReplicaSets, actualReplicaCount, availableReplicaCount, byCreation, desiredReplicas, maxUnavailable, newRSNewReplicas,
  replicasOf, specReplicaCount,
} from './util.js';

type RS = ReplicaSetObject | undefined;

/** Writes the rollout status when it changed; returns when to check for a stalled rollout. */
export async function syncRolloutStatus(ops: DeploymentOps, all: RS[], newRS: RS, d: DeploymentObject): Promise<number | undefined> {
  const now = ops.now();
  const s = rolloutStatus(all, newRS, d, now);
  if (canonicalJson(d.status) === canonicalJson(s)) return stuckRecheckMs(d, s, now);
  d.status = s;
  await ops.writeStatus(d);
  return undefined;
}

async function reconcileNewReplicaSet(ops: DeploymentOps, all: RS[], newRS: ReplicaSetObject, d: DeploymentObject): Promise<boolean> {
  const want = desiredReplicas(d);
  if (replicasOf(newRS) === want) return false;
  if (replicasOf(newRS) > want) return (await scaleAndRecord(ops, newRS, want, d)).scaled;
  return (await scaleAndRecord(ops, newRS, newRSNewReplicas(d, all, newRS), d)).scaled;
}

async function reconcileOldReplicaSets(ops: DeploymentOps, all: RS[], oldRSs: ReplicaSetObject[], newRS: ReplicaSetObject, d: DeploymentObject): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicaCount(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { sets, count: cleaned } = await cleanupUnhealthyReplicas(ops, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOldForRollingUpdate(ops, [...sets, newRS], sets, d);
  return cleaned + scaledDown > 0;
}

/** Scales down old sets' unavailable replicas first: they cost no availability. */
async function cleanupUnhealthyReplicas(ops: DeploymentOps, oldRSs: ReplicaSetObject[], d: DeploymentObject, maxCleanup: number): Promise<{ sets: ReplicaSetObject[]; count: number }> {
  const sets = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sets.length; i++) {
    if (total >= maxCleanup) break;
    const rs = sets[i]!;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const n = Math.min(maxCleanup - total, replicasOf(rs) - available);
    const res = await scaleAndRecord(ops, rs, replicasOf(rs) - n, d);
    total += n;
    sets[i] = res.rs;
  }
  return { sets, count: total };
}

async function scaleDownOldForRollingUpdate(ops: DeploymentOps, all: RS[], oldRSs: ReplicaSetObject[], d: DeploymentObject): Promise<number> {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(all);
  if (available <= minAvailable) return 0;
  const sets = [...oldRSs].sort(byCreation);
  const totalToScale = available - minAvailable;
  let total = 0;
  for (const rs of sets) {
    if (total >= totalToScale) break;
    if (replicasOf(rs) === 0) continue;
    const n = Math.min(replicasOf(rs), totalToScale - total);
    await scaleAndRecord(ops, rs, replicasOf(rs) - n, d);
    total += n;
  }
  return total;
}

export async function rolloutRolling(ops: DeploymentOps, d: DeploymentObject, sets: ReplicaSetObject[]): Promise<number | undefined> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, sets, true);
  const all: RS[] = [...oldRSs, newRS];
  if (newRS && await reconcileNewReplicaSet(ops, all, newRS, d)) return syncRolloutStatus(ops, all, newRS, d);
  if (newRS && await reconcileOldReplicaSets(ops, all, activeReplicaSets(oldRSs), newRS, d)) return syncRolloutStatus(ops, all, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ops, oldRSs, d);
  return syncRolloutStatus(ops, all, newRS, d);
}

/** Old pods still present in any phase but Succeeded/Failed (oldPodsRunning). */
function oldPodsRunning(newRS: RS, oldRSs: ReplicaSetObject[], podsBySet: Map<string, PodObject[]>): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podsBySet) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

export async function rolloutRecreate(ops: DeploymentOps, d: DeploymentObject, sets: ReplicaSetObject[], podsBySet: Map<string, PodObject[]>): Promise<number | undefined> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, sets, false);
  let all: RS[] = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if ((await scaleAndRecord(ops, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(ops, all, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podsBySet)) return syncRolloutStatus(ops, all, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, sets, true));
    all = [...oldRSs, newRS];
  }
  if (newRS) await reconcileNewReplicaSet(ops, all, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ops, oldRSs, d);
  return syncRolloutStatus(ops, all, newRS, d);
}
