// Deployment arithmetic and ReplicaSet bookkeeping as upstream deploymentutil: surge and
// unavailability from int-or-percent, replica sums, which ReplicaSet is "new", revisions and the
// annotations the controller keeps on ReplicaSets.
import { canonicalJson } from '../common/hash.js';
import type { DeploymentObject, PodTemplateSpec, ReplicaSetObject } from '../common/types.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';
export const podTemplateHashLabel = 'pod-template-hash';
/** Revision history kept in the annotation, in characters (upstream's default flag value). */
export const maxRevisionHistoryLength = 2000;

// Annotations on a Deployment that are not copied to its ReplicaSets.
const annotationsToSkip = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', revisionAnnotation, revisionHistoryAnnotation,
  desiredReplicasAnnotation, maxReplicasAnnotation, 'deprecated.deployment.rollback.to',
]);

export const replicasOf = (o: { spec?: { replicas?: number } } | undefined): number => o?.spec?.replicas ?? 0;
export const desiredReplicas = (d: DeploymentObject): number => d.spec.replicas ?? 1;

export function isRollingUpdate(d: DeploymentObject): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** intstr.GetScaledValueFromIntOrPercent: "25%" of total, rounded up or down. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) {
    if (/^-?\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g '5%')`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** upstream ResolveFenceposts: surge rounds up, unavailability down; both zero means one unavailable. */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function fenceposts(d: DeploymentObject): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', desiredReplicas(d));
}

export function maxSurge(d: DeploymentObject): number {
  if (!isRollingUpdate(d)) return 0;
  return fenceposts(d).surge;
}

export function maxUnavailable(d: DeploymentObject): number {
  const want = desiredReplicas(d);
  if (!isRollingUpdate(d) || want === 0) return 0;
  return Math.min(fenceposts(d).unavailable, want);
}

type RS = ReplicaSetObject | undefined;
const present = (l: readonly RS[]): ReplicaSetObject[] => l.filter((r): r is ReplicaSetObject => !!r);

export const specReplicaCount = (l: readonly RS[]): number => present(l).reduce((n, r) => n + replicasOf(r), 0);
export const actualReplicaCount = (l: readonly RS[]): number => present(l).reduce((n, r) => n + (r.status?.replicas ?? 0), 0);
export const readyReplicaCount = (l: readonly RS[]): number => present(l).reduce((n, r) => n + (r.status?.readyReplicas ?? 0), 0);
export const availableReplicaCount = (l: readonly RS[]): number => present(l).reduce((n, r) => n + (r.status?.availableReplicas ?? 0), 0);

export function activeReplicaSets(l: readonly RS[]): ReplicaSetObject[] {
  return present(l).filter((r) => replicasOf(r) > 0);
}

const created = (r: ReplicaSetObject) => Date.parse(r.metadata.creationTimestamp);

/** Oldest first; ties by name (upstream ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
}

/** Larger first, then newer first (ReplicaSetsBySizeNewer). */
export function bySizeNewer(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return replicasOf(b) - replicasOf(a) || -byCreation(a, b);
}

/** Larger first, then older first (ReplicaSetsBySizeOlder). */
export function bySizeOlder(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return replicasOf(b) - replicasOf(a) || byCreation(a, b);
}

export function revisionOf(o: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const v = o?.metadata?.annotations?.[revisionAnnotation];
  const n = v === undefined ? 0 : Number(v);
  return Number.isInteger(n) ? n : 0;
}

/** Lowest revision first; ties by creation (ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

export function maxRevision(l: readonly RS[]): number {
  return present(l).reduce((m, r) => Math.max(m, revisionOf(r)), 0);
}

function withoutHash(t: PodTemplateSpec | undefined): unknown {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) delete c.metadata.labels[podTemplateHashLabel];
  return c;
}

/** Templates equal apart from the pod-template-hash label (nil and empty alike, as Semantic.DeepEqual). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

/** The oldest ReplicaSet whose template matches the Deployment's (FindNewReplicaSet). */
export function findNewReplicaSet(d: DeploymentObject, sets: readonly ReplicaSetObject[]): ReplicaSetObject | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

export function findOldReplicaSets(d: DeploymentObject, sets: readonly ReplicaSetObject[]): ReplicaSetObject[] {
  const n = findNewReplicaSet(d, sets);
  return sets.filter((rs) => rs.metadata.uid !== n?.metadata.uid);
}

/** Sets desired/max replicas annotations; returns whether anything changed. */
export function setReplicasAnnotations(rs: ReplicaSetObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[desiredReplicasAnnotation] !== String(desired)) { a[desiredReplicasAnnotation] = String(desired); changed = true; }
  if (a[maxReplicasAnnotation] !== String(max)) { a[maxReplicasAnnotation] = String(max); changed = true; }
  return changed;
}

export function desiredReplicasFromAnnotation(rs: ReplicaSetObject): number | undefined {
  return intAnnotation(rs, desiredReplicasAnnotation);
}

export function maxReplicasFromAnnotation(rs: ReplicaSetObject): number | undefined {
  return intAnnotation(rs, maxReplicasAnnotation);
}

function intAnnotation(rs: ReplicaSetObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** upstream copyDeploymentAnnotationsToReplicaSet (change-cause and any user annotation). */
function copyDeploymentAnnotations(d: DeploymentObject, rs: ReplicaSetObject): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsToSkip.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/** upstream SetNewReplicaSetAnnotations: copied annotations, the revision, revision history, replica annotations for new sets. */
export function setNewReplicaSetAnnotations(d: DeploymentObject, rs: ReplicaSetObject, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const oldRevision = a[revisionAnnotation];
  let oldInt = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    if (!/^\d+$/.test(oldRevision)) return false;
    oldInt = Number(oldRevision);
  }
  if (oldInt < newRevision) {
    a[revisionAnnotation] = String(newRevision);
    changed = true;
  }
  if (oldRevision !== undefined && oldInt < newRevision) {
    const history = a[revisionHistoryAnnotation] ?? '';
    if (history === '') a[revisionHistoryAnnotation] = oldRevision;
    else {
      let parts = history.split(',');
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > maxRevisionHistoryLength && start < parts.length) total -= parts[start++]!.length + 1;
      if (total <= maxRevisionHistoryLength) {
        parts = [...parts.slice(start), oldRevision];
        a[revisionHistoryAnnotation] = parts.join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Replicas for the new ReplicaSet in this step (upstream NewRSNewReplicas). */
export function newRSNewReplicas(d: DeploymentObject, all: readonly RS[], newRS: ReplicaSetObject): number {
  if (!isRollingUpdate(d)) return desiredReplicas(d);
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', desiredReplicas(d), true);
  const current = specReplicaCount(all);
  const maxTotal = desiredReplicas(d) + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const up = Math.min(maxTotal - current, desiredReplicas(d) - replicasOf(newRS));
  return replicasOf(newRS) + up;
}

/** Go math.Round: halves away from zero. */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** upstream GetProportion: this set's share of a scaling of the whole Deployment. */
export function proportion(rs: ReplicaSetObject, d: DeploymentObject, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSetObject, d: DeploymentObject): number {
  if (desiredReplicas(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = maxReplicasFromAnnotation(rs) ?? d.status?.replicas ?? 0;
  // Upstream divides by zero here (undefined in Go's int conversion); keep the set's size instead.
  if (annotated <= 0) return 0;
  const size = (replicasOf(rs) * deploymentReplicas) / annotated;
  return roundHalfAway(size) - replicasOf(rs);
}

/** The one active set, or the newest set when none is active (FindActiveOrLatest); undefined when several are active. */
export function findActiveOrLatest(newRS: RS, oldRSs: readonly ReplicaSetObject[]): ReplicaSetObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => -byCreation(a, b));
  const active = activeReplicaSets([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** The new set runs all desired replicas, all available (IsSaturated). */
export function isSaturated(d: DeploymentObject, rs: RS): boolean {
  if (!rs) return false;
  const want = desiredReplicas(d);
  return desiredReplicasFromAnnotation(rs) === want && replicasOf(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

export function hasProgressDeadline(d: DeploymentObject): boolean {
  const p = d.spec.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== 2147483647;
}
