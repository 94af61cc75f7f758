// The ReplicaSet side of a Deployment sync (upstream sync.go): find or create the new set with the
// next revision, scale sets (proportionally while a rollout is in flight), record
// ScalingReplicaSet events, and clean up old sets beyond revisionHistoryLimit.
import { computeHash } from '../common/hash.js';
import { getCondition, setCondition } from '../common/conditions.js';
import { newControllerRef, getControllerOf } from '../common/owner.js';
import { errorMessage, isNamespaceTerminating } from '../common/pod-control.js';
import { isAlreadyExists, isNotFound } from '../../client/status.js';
import { deepCopy, type DeploymentObject, type ReplicaSetObject } from '../common/types.js';
import type { DeploymentOps } from './ops.js';
import { depCondition, reasons } from './status.js';
import {
  activeReplicaSets, byRevision, bySizeNewer, bySizeOlder, desiredReplicas, equalIgnoreHash, findActiveOrLatest, findNewReplicaSet,
  findOldReplicaSets, hasProgressDeadline, isRollingUpdate, isSaturated, maxRevision, maxSurge, newRSNewReplicas, podTemplateHashLabel,
  proportion, replicasOf, revisionAnnotation, setNewReplicaSetAnnotations, setReplicasAnnotations, specReplicaCount,
} from './util.js';

export interface SyncedSets {
  newRS: ReplicaSetObject | undefined;
  oldRSs: ReplicaSetObject[];
}

/** Sets the Deployment's revision annotation; returns whether it changed. */
function setDeploymentRevision(d: DeploymentObject, revision: string): boolean {
  const a = (d.metadata.annotations ??= {});
  if (a[revisionAnnotation] === revision) return false;
  a[revisionAnnotation] = revision;
  return true;
}

/** upstream getAllReplicaSetsAndSyncRevision. */
export async function getAllReplicaSetsAndSyncRevision(ops: DeploymentOps, d: DeploymentObject, sets: ReplicaSetObject[], create: boolean): Promise<SyncedSets> {
  const oldRSs = findOldReplicaSets(d, sets);
  const newRS = await getNewReplicaSet(ops, d, sets, oldRSs, create);
  // Later steps of the same sync see the set as written, not the stale cached copy (fewer conflicts).
  if (newRS) {
    const i = sets.findIndex((rs) => rs.metadata.uid === newRS.metadata.uid);
    if (i >= 0) sets[i] = newRS;
  }
  return { newRS, oldRSs };
}

async function getNewReplicaSet(ops: DeploymentOps, d: DeploymentObject, sets: ReplicaSetObject[], oldRSs: ReplicaSetObject[], create: boolean): Promise<ReplicaSetObject | undefined> {
  const existing = findNewReplicaSet(d, sets);
  const newRevision = maxRevision(oldRSs) + 1;
  const now = ops.now();
  if (existing) {
    const copy = deepCopy(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
    const minReadyChanged = (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
    if (annotationsChanged || minReadyChanged) {
      copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
      return ops.updateReplicaSet(copy);
    }
    let needsUpdate = setDeploymentRevision(d, copy.metadata.annotations?.[revisionAnnotation] ?? '');
    if (hasProgressDeadline(d) && !getCondition(d.status?.conditions, 'Progressing')) {
      d.status = { ...d.status, conditions: setCondition(d.status?.conditions, depCondition('Progressing', 'True', reasons.foundNewRS, `Found new replica set "${copy.metadata.name}"`, now)) };
      needsUpdate = true;
    }
    if (needsUpdate) await ops.writeStatus(d);
    return copy;
  }
  if (!create) return undefined;

  const template = deepCopy(d.spec.template);
  const hash = computeHash(template, d.status?.collisionCount);
  const labels = { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash };
  template.metadata = { ...template.metadata, labels };
  const selector = deepCopy(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash };
  const ns = d.metadata.namespace!;
  const rs: ReplicaSetObject = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`, namespace: ns, labels: { ...labels },
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
    } as unknown as ReplicaSetObject['metadata'],
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  let created: ReplicaSetObject;
  let alreadyExists = false;
  try {
    created = await ops.createReplicaSet(ns, rs);
  } catch (e) {
    if (isAlreadyExists(e)) {
      const found = ops.getReplicaSet(ns, rs.metadata.name);
      // Not in the cache yet (our own create, moments ago): retry later rather than call it a collision.
      if (!found) throw e;
      const ref = getControllerOf(found);
      if (ref?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, found.spec.template)) {
        created = found;
        alreadyExists = true;
      } else {
        // A hash collision with a set we do not own: bump collisionCount so the next try hashes differently.
        d.status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
        await ops.writeStatus(d);
        throw e;
      }
    } else if (isNamespaceTerminating(e)) {
      throw e;
    } else {
      const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(e)}`;
      if (hasProgressDeadline(d)) {
        d.status = { ...d.status, conditions: setCondition(d.status?.conditions, depCondition('Progressing', 'False', reasons.failedRSCreate, msg, now)) };
        await ops.writeStatus(d).catch(() => {});
      }
      ops.event(d, 'Warning', reasons.failedRSCreate, msg);
      throw e;
    }
  }
  if (!alreadyExists && replicasOf(created) > 0) {
    ops.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicasOf(created)}`);
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    d.status = { ...d.status, conditions: setCondition(d.status?.conditions, depCondition('Progressing', 'True', reasons.newRSCreated, `Created new replica set "${created.metadata.name}"`, now)) };
    needsUpdate = true;
  }
  if (needsUpdate) await ops.writeStatus(d);
  return created;
}

/** Scales one set and keeps its desired/max annotations current; records ScalingReplicaSet. Returns the (possibly updated) set and whether its size changed. */
export async function scaleReplicaSet(ops: DeploymentOps, rs: ReplicaSetObject, newScale: number, d: DeploymentObject): Promise<{ scaled: boolean; rs: ReplicaSetObject }> {
  const oldScale = replicasOf(rs);
  const sizeChanged = oldScale !== newScale;
  const copy = deepCopy(rs);
  const annotationsChanged = setReplicasAnnotations(copy, desiredReplicas(d), desiredReplicas(d) + maxSurge(d));
  if (!sizeChanged && !annotationsChanged) return { scaled: false, rs };
  copy.spec.replicas = newScale;
  const updated = await ops.updateReplicaSet(copy);
  if (sizeChanged) {
    const op = oldScale < newScale ? 'up' : 'down';
    ops.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeChanged, rs: updated };
}

/** scaleReplicaSetAndRecordEvent: nothing to do when the size is already right. */
export async function scaleAndRecord(ops: DeploymentOps, rs: ReplicaSetObject, newScale: number, d: DeploymentObject): Promise<{ scaled: boolean; rs: ReplicaSetObject }> {
  if (replicasOf(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(ops, rs, newScale, d);
}

/** upstream scale(): a resize of the Deployment spreads over its sets in proportion to their size. */
export async function scale(ops: DeploymentOps, d: DeploymentObject, newRS: ReplicaSetObject | undefined, oldRSs: ReplicaSetObject[]): Promise<void> {
  const want = desiredReplicas(d);
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) {
    if (replicasOf(single) === want) return;
    await scaleAndRecord(ops, single, want, d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleAndRecord(ops, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - specReplicaCount(all);
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name, replicasOf(rs) + p);
      added += p;
    } else sizes.set(rs.metadata.name, replicasOf(rs));
  }
  for (let i = 0; i < all.length; i++) {
    const rs = all[i]!;
    // Leftovers go to the largest set.
    if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name, Math.max(0, sizes.get(rs.metadata.name)! + toAdd - added));
    await scaleReplicaSet(ops, rs, sizes.get(rs.metadata.name)!, d);
  }
}

/** Deletes the oldest unused sets beyond spec.revisionHistoryLimit (cleanupDeployment). */
export async function cleanupDeployment(ops: DeploymentOps, oldRSs: ReplicaSetObject[], d: DeploymentObject): Promise<void> {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await ops.deleteReplicaSet(rs);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
