// Adoption and release of dependents, as upstream's ControllerRefManager.ClaimObject: an owner
// keeps what it controls and still selects, releases what it controls but no longer selects,
// and adopts orphans it selects. Both writes are strategic merge patches that carry the
// dependent's UID, so they fail instead of touching a recreated object of the same name.
import type { KubeObject, StoredObject } from '../../api/types.js';
import type { ResourceClient } from '../../client/rest-client.js';
import { isNotFound } from '../../client/status.js';
import type { LabelSelector } from '../../api/selectors/index.js';
import { controllerIndex, getControllerOf, orphanIndexValue } from './owner.js';

export interface ClaimOptions<T extends StoredObject> {
  owner: StoredObject;
  /** apiVersion and kind for the controller reference written on adoption. */
  ownerApiVersion: string;
  ownerKind: string;
  selector: LabelSelector;
  /** Where to patch dependents. */
  client: ResourceClient<T>;
  /**
   * Checked once before the first adoption: upstream re-reads the owner from the API server
   * (RecheckDeletionTimestamp) so a deleted or replaced owner never adopts.
   */
  canAdopt: () => Promise<void>;
}

/** Returns the dependents `owner` controls after adoption and release. Errors of single writes are collected and thrown at the end. */
export async function claimObjects<T extends StoredObject>(candidates: readonly T[], opts: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  const errs: unknown[] = [];
  const ownerUid = opts.owner.metadata.uid;
  const ownerDeleting = !!opts.owner.metadata.deletionTimestamp;
  let adoptable: Promise<void> | undefined;
  for (const obj of candidates) {
    const ref = getControllerOf(obj);
    const matches = opts.selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches) { claimed.push(obj); continue; }
      if (ownerDeleting) continue;
      try {
        await release(obj, opts);
      } catch (e) {
        if (!isNotFound(e)) errs.push(e);
      }
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata.deletionTimestamp) continue;
    if (obj.metadata.namespace !== opts.owner.metadata.namespace) continue;
    try {
      adoptable ??= opts.canAdopt();
      await adoptable;
      claimed.push(await adopt(obj, opts));
    } catch (e) {
      if (!isNotFound(e)) errs.push(e);
    }
  }
  if (errs.length) throw errs[0];
  return claimed;
}

function adopt<T extends StoredObject>(obj: T, opts: ClaimOptions<T>): Promise<T> {
  const o = opts.owner.metadata;
  const body = {
    metadata: {
      ownerReferences: [{ apiVersion: opts.ownerApiVersion, kind: opts.ownerKind, name: o.name, uid: o.uid, controller: true, blockOwnerDeletion: true }],
      uid: obj.metadata.uid,
    },
  };
  return opts.client.patch(obj.metadata.namespace, obj.metadata.name, 'strategic', body);
}

function release<T extends StoredObject>(obj: T, opts: ClaimOptions<T>): Promise<T> {
  const body = { metadata: { ownerReferences: [{ $patch: 'delete', uid: opts.owner.metadata.uid }], uid: obj.metadata.uid } };
  return opts.client.patch(obj.metadata.namespace, obj.metadata.name, 'strategic', body);
}

/** The canAdopt check: the owner as the API server has it now must be the same object and not being deleted. */
export function recheckOwner(fetch: () => Promise<KubeObject>, uid: string): () => Promise<void> {
  return async () => {
    const fresh = await fetch();
    if (fresh.metadata?.uid !== uid) throw new Error(`original object is gone: got uid ${fresh.metadata?.uid}, wanted ${uid}`);
    if (fresh.metadata?.deletionTimestamp) throw new Error(`object ${fresh.metadata?.name} has just been deleted`);
  };
}

/**
 * What an owner may claim: the objects it already controls and the orphans of its namespace,
 * both found through the informer's controller index (see indexByController).
 */
export function claimCandidates<T>(indexer: { byIndex(index: string, value: string): T[] }, owner: StoredObject): T[] {
  return [
    ...indexer.byIndex(controllerIndex, owner.metadata.uid),
    ...indexer.byIndex(controllerIndex, orphanIndexValue(owner.metadata.namespace ?? '')),
  ];
}
