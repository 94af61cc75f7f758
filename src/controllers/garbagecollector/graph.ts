// The garbage collector's dependency graph (upstream GraphBuilder's uidToNode): every object
// that informers report, keyed by uid, with an index from an owner's uid to the uids of the
// objects that reference it. Owners need not be in the graph themselves (upstream's "virtual"
// nodes): the index is kept by the referenced uid, whatever the owner's fate.
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';

export interface GraphNode {
  uid: string;
  info: ResourceInfo;
  namespace?: string;
  name: string;
  owners: OwnerReference[];
  deletionTimestamp?: string;
  finalizers: string[];
}

export const foregroundFinalizer = 'foregroundDeletion';
export const orphanFinalizer = 'orphan';

export function nodeFrom(info: ResourceInfo, obj: KubeObject): GraphNode | undefined {
  const m = obj.metadata;
  if (!m?.uid || !m.name) return undefined;
  return {
    uid: m.uid, info, namespace: m.namespace, name: m.name,
    owners: m.ownerReferences ?? [], deletionTimestamp: m.deletionTimestamp ?? undefined, finalizers: m.finalizers ?? [],
  };
}

/** An owner being deleted in foreground: its dependents go first (upstream isDeletingDependents). */
export function isDeletingDependents(n: GraphNode): boolean {
  return !!n.deletionTimestamp && n.finalizers.includes(foregroundFinalizer);
}

export function isOrphaning(n: GraphNode): boolean {
  return !!n.deletionTimestamp && n.finalizers.includes(orphanFinalizer);
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependentsOf = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Stores the node; returns the previous version, if any. */
  set(node: GraphNode): GraphNode | undefined {
    const old = this.nodes.get(node.uid);
    if (old) this.unindex(old);
    this.nodes.set(node.uid, node);
    for (const o of node.owners) {
      let set = this.dependentsOf.get(o.uid);
      if (!set) this.dependentsOf.set(o.uid, (set = new Set()));
      set.add(node.uid);
    }
    return old;
  }

  remove(uid: string): GraphNode | undefined {
    const old = this.nodes.get(uid);
    if (!old) return undefined;
    this.unindex(old);
    this.nodes.delete(uid);
    return old;
  }

  /** The known objects that reference `ownerUid`. */
  dependents(ownerUid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const uid of this.dependentsOf.get(ownerUid) ?? []) {
      const n = this.nodes.get(uid);
      if (n) out.push(n);
    }
    return out;
  }

  /** Dependents that hold the owner's foreground deletion (blockOwnerDeletion=true). */
  blockingDependents(ownerUid: string): GraphNode[] {
    return this.dependents(ownerUid).filter((d) => d.owners.some((o) => o.uid === ownerUid && o.blockOwnerDeletion === true));
  }

  private unindex(node: GraphNode): void {
    for (const o of node.owners) {
      const set = this.dependentsOf.get(o.uid);
      set?.delete(node.uid);
      if (set && set.size === 0) this.dependentsOf.delete(o.uid);
    }
  }
}
