// ControllerRevisions for StatefulSets and DaemonSets (upstream pkg/controller/history): each
// distinct pod template is stored as an apps/v1 ControllerRevision named "<owner>-<hash>" (hash of
// the revision data and the collision count, FNV-32a rendered as upstream's SafeEncodeString),
// labelled with the owner's template labels and controller.kubernetes.io/hash, with increasing
// revision numbers. An equal older revision is reused by raising its number, as upstream.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../api/types.js';
import type { ResourceClient } from '../../client/rest-client.js';
import { isAlreadyExists, isNotFound } from '../../client/status.js';
import { canonicalJson, fnv32a, safeEncodeString } from '../common/hash.js';
import { newControllerRef } from '../common/owner.js';

export const controllerRevisionsResource = { group: 'apps', version: 'v1', resource: 'controllerrevisions', namespaced: true } as const;
export const revisionHashLabel = 'controller.kubernetes.io/hash';
export const podRevisionLabel = 'controller-revision-hash';

export type RevisionObject = StoredObject & { data?: unknown; revision: number };

/** The patch form upstream stores: the owner's template, replacing the old one on rollback. */
export function revisionData(template: PodTemplateSpec | undefined): unknown {
  return { spec: { template: { ...(structuredClone(template ?? {}) as object), $patch: 'replace' } } };
}

/** The pod template a revision holds. */
export function templateOf(rev: RevisionObject): PodTemplateSpec {
  const t = (rev.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined)?.spec?.template ?? {};
  const { $patch: _ignored, ...rest } = t;
  return rest;
}

export function hashRevision(data: unknown, collisionCount?: number | null): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(data)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(buf, h);
  }
  return safeEncodeString(String(h));
}

export function revisionName(owner: string, hash: string): string {
  return `${owner.slice(0, 223)}-${hash}`;
}

export interface Owner { obj: StoredObject; apiVersion: string; kind: string; template?: PodTemplateSpec }

export interface RevisionResult {
  revision: RevisionObject;
  /** Set when a name collision forced a new collision count. */
  collisionCount?: number;
}

/** Finds or creates the revision for the owner's current template (upstream getStatefulSetRevisions). */
export async function ensureRevision(
  client: ResourceClient<RevisionObject>, owner: Owner, revisions: readonly RevisionObject[], collisionCount: number,
): Promise<RevisionResult> {
  const data = revisionData(owner.template);
  const key = canonicalJson(data);
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  const max = sorted.length ? sorted[sorted.length - 1]!.revision : 0;
  const equal = sorted.filter((r) => canonicalJson(r.data) === key);
  if (equal.length) {
    const latest = equal[equal.length - 1]!;
    if (latest.revision === max) return { revision: latest };
    const bumped = await client.patch(latest.metadata.namespace, latest.metadata.name, 'merge', { revision: max + 1 });
    return { revision: bumped };
  }
  const ns = owner.obj.metadata.namespace;
  for (let cc = collisionCount; ; cc++) {
    const hash = hashRevision(data, cc);
    const body: KubeObject & { data: unknown; revision: number } = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: {
        name: revisionName(owner.obj.metadata.name, hash), namespace: ns,
        labels: { ...(owner.template?.metadata?.labels ?? {}), [revisionHashLabel]: hash },
        ownerReferences: [newControllerRef(owner.obj, owner.apiVersion, owner.kind)],
      },
      data, revision: max + 1,
    };
    try {
      const created = await client.create(ns, body);
      return cc === collisionCount ? { revision: created } : { revision: created, collisionCount: cc };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await client.get(ns, body.metadata!.name!);
      if (canonicalJson(existing.data) === key && existing.metadata.ownerReferences?.some((r) => r.uid === owner.obj.metadata.uid)) {
        return cc === collisionCount ? { revision: existing } : { revision: existing, collisionCount: cc };
      }
    }
  }
}

/** Deletes the oldest revisions beyond `limit`, keeping those in `live` (upstream truncateHistory). */
export async function truncateHistory(client: ResourceClient<RevisionObject>, revisions: readonly RevisionObject[], live: ReadonlySet<string>, limit: number): Promise<void> {
  const old = [...revisions].filter((r) => !live.has(r.metadata.name)).sort((a, b) => a.revision - b.revision);
  for (const r of old.slice(0, Math.max(0, old.length - limit))) {
    try {
      await client.delete(r.metadata.namespace, r.metadata.name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
