// The scheduler's view of the cluster (upstream's internal cache): a NodeInfo per node holding
// the pods bound to it — including "assumed" pods the scheduler has placed but whose binding the
// watch has not confirmed yet, so back-to-back pods see each other's requests. A failed binding
// forgets the assumed pod.
import type { Node, Pod } from './api-types.js';
import { NodeInfo } from './node-info.js';
import { hasAffinityTerms, newPodInfo, podKey, type PodInfo } from './pod-info.js';
import type { QuantityParser } from './resources.js';

interface PodState { nodeName: string; assumed: boolean; uid?: string }

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private list: NodeInfo[] = [];
  private listDirty = false;
  /** Pending pods nominated to a node by preemption: node → pod key → pod. */
  private readonly nominated = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNodeOf = new Map<string, string>();
  /** How many cached pods carry affinity / required anti-affinity terms (lets plugins skip work). */
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;

  constructor(private readonly parser: QuantityParser) {}

  /** Nodes with a Node object, in a stable order (for round-robin sampling). */
  nodeList(): NodeInfo[] {
    if (this.listDirty) {
      this.list = [...this.infos.values()].filter((i) => i.node !== null);
      this.listDirty = false;
    }
    return this.list;
  }

  nodeCount(): number {
    return this.nodeList().length;
  }

  get(nodeName: string): NodeInfo | undefined {
    const i = this.infos.get(nodeName);
    return i?.node ? i : undefined;
  }

  private info(name: string): NodeInfo {
    let i = this.infos.get(name);
    if (!i) {
      i = new NodeInfo(name);
      this.infos.set(name, i);
    }
    return i;
  }

  setNode(node: Node): void {
    const i = this.info(node.metadata.name);
    if (!i.node) this.listDirty = true;
    i.setNode(node, this.parser);
  }

  removeNode(name: string): void {
    const i = this.infos.get(name);
    if (!i) return;
    i.node = null;
    this.listDirty = true;
    // Pods may still name the node; keep their accounting until they go.
    if (i.pods.size === 0) this.infos.delete(name);
  }

  /** Adds or refreshes a bound pod seen through the watch; confirms an assumed one. */
  setPod(pod: Pod): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) return;
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (st) this.removeFrom(st.nodeName, key);
    this.addTo(nodeName, newPodInfo(this.parser, pod));
    this.podStates.set(key, { nodeName, assumed: false, uid: pod.metadata.uid });
  }

  /** Returns whether the pod was cached. */
  removePod(pod: Pod): boolean {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st) return false;
    this.removeFrom(st.nodeName, key);
    this.podStates.delete(key);
    return true;
  }

  /** Places a pod on a node before its binding is written. */
  assume(info: PodInfo, nodeName: string): void {
    const st = this.podStates.get(info.key);
    if (st) this.removeFrom(st.nodeName, info.key);
    this.addTo(nodeName, info);
    this.podStates.set(info.key, { nodeName, assumed: true, uid: info.pod.metadata.uid });
  }

  /**
   * Undoes assume() after a failed binding (or the pod's deletion), unless the watch has
   * confirmed the pod meanwhile. With `uid`, only that incarnation of the name is forgotten.
   */
  forget(key: string, uid?: string): void {
    const st = this.podStates.get(key);
    if (!st || !st.assumed) return;
    if (uid !== undefined && st.uid !== uid) return;
    this.removeFrom(st.nodeName, key);
    this.podStates.delete(key);
  }

  /** Whether this pod (this uid, when given: a re-created pod of the same name is another pod) is placed. */
  isAssumedOrBound(key: string, uid?: string): boolean {
    const st = this.podStates.get(key);
    return st !== undefined && (uid === undefined || st.uid === undefined || st.uid === uid);
  }

  /**
   * Records (or with no node, clears) a pending pod's nomination. Filters count nominated pods of
   * equal or higher priority on their node, so the room preemption freed is not taken by others.
   */
  setNominated(key: string, info: PodInfo | undefined, nodeName: string | undefined): void {
    const prev = this.nominatedNodeOf.get(key);
    if (prev !== undefined && prev !== nodeName) {
      const m = this.nominated.get(prev);
      m?.delete(key);
      if (m && m.size === 0) this.nominated.delete(prev);
      this.nominatedNodeOf.delete(key);
    }
    if (!nodeName || !info) return;
    let m = this.nominated.get(nodeName);
    if (!m) this.nominated.set(nodeName, (m = new Map()));
    m.set(key, info);
    this.nominatedNodeOf.set(key, nodeName);
  }

  /** Pods nominated to a node, or undefined (the common case, checked per node). */
  nominatedOn(nodeName: string): ReadonlyMap<string, PodInfo> | undefined {
    return this.nominated.size === 0 ? undefined : this.nominated.get(nodeName);
  }

  private addTo(nodeName: string, p: PodInfo): void {
    this.info(nodeName).addPod(p);
    if (hasAffinityTerms(p)) this.podsWithAffinity++;
    if (p.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity++;
  }

  private removeFrom(nodeName: string, key: string): void {
    const i = this.infos.get(nodeName);
    const p = i?.removePod(key);
    if (!p) return;
    if (hasAffinityTerms(p)) this.podsWithAffinity--;
    if (p.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity--;
    if (i && !i.node && i.pods.size === 0) this.infos.delete(nodeName);
  }
}
