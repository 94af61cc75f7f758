// StatefulSet pod identity and storage (upstream stateful_set_utils.go): pods are named
// "<set>-<ordinal>", carry the pod-name and pod-index labels, hostname = pod name and subdomain =
// serviceName, and mount one PVC per volumeClaimTemplate named "<claim>-<set>-<ordinal>".
import type { PersistentVolumeClaim, PodTemplateSpec, Volume } from 'kubernetes-types/core/v1.js';
import type { StatefulSetSpec, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { KubeObject, OwnerReference, StoredObject } from '../../api/types.js';
import { newControllerRef } from '../common/owner.js';
import { podFromTemplate } from '../common/pod-control.js';
import type { PodObject } from '../common/types.js';
import { podRevisionLabel } from './revisions.js';

export type StatefulSetObject = StoredObject & { spec: StatefulSetSpec; status?: StatefulSetStatus };
export const statefulSetsResource = { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true } as const;
export const pvcsResource = { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true } as const;
export type PvcObject = StoredObject & Omit<PersistentVolumeClaim, 'metadata'>;

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** The ordinal in "<set>-<n>", or undefined when the pod is not named like the set's pods. */
export function ordinalOf(set: StatefulSetObject, pod: PodObject): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export function claimName(claimTemplate: string, set: StatefulSetObject, ordinal: number): string {
  return `${claimTemplate}-${set.metadata.name}-${ordinal}`;
}

/** The pod for `ordinal` built from a revision's template (upstream newVersionedStatefulSetPod). */
export function statefulPod(set: StatefulSetObject, template: PodTemplateSpec, revisionName: string, ordinal: number): KubeObject {
  const pod = podFromTemplate(template, set.metadata.name, newControllerRef(set, 'apps/v1', 'StatefulSet'));
  const name = `${set.metadata.name}-${ordinal}`;
  const meta = pod.metadata!;
  delete meta.generateName;
  meta.name = name;
  meta.labels = { ...meta.labels, [podNameLabel]: name, [podIndexLabel]: String(ordinal), [podRevisionLabel]: revisionName };
  const spec = pod.spec as { hostname?: string; subdomain?: string; volumes?: Volume[] };
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  const claims = set.spec.volumeClaimTemplates ?? [];
  if (claims.length) {
    const byName = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
    for (const c of claims) {
      const n = c.metadata?.name ?? '';
      byName.set(n, { name: n, persistentVolumeClaim: { claimName: claimName(n, set, ordinal) } });
    }
    spec.volumes = [...byName.values()];
  }
  return pod;
}

/** The PVCs the pod for `ordinal` needs (upstream getPersistentVolumeClaims), with retention owner refs. */
export function claimsFor(set: StatefulSetObject, ordinal: number): KubeObject[] {
  const selectorLabels = set.spec.selector?.matchLabels ?? {};
  const owners: OwnerReference[] = [];
  if (set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete') owners.push(newControllerRef(set, 'apps/v1', 'StatefulSet'));
  return (set.spec.volumeClaimTemplates ?? []).map((c) => {
    const name = claimName(c.metadata?.name ?? '', set, ordinal);
    const metadata: KubeObject['metadata'] = {
      name, namespace: set.metadata.namespace,
      labels: { ...(c.metadata?.labels ?? {}), ...selectorLabels },
    };
    if (c.metadata?.annotations) metadata.annotations = { ...c.metadata.annotations };
    if (owners.length) metadata.ownerReferences = owners;
    return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: structuredClone(c.spec ?? {}) };
  });
}
