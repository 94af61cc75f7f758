// Per-node aggregate state kept up to date as pods come and go (upstream's framework.NodeInfo):
// requested resources, ports in use, and which pods carry affinity terms, so a filter is a few
// number comparisons instead of a walk over the node's pods.
import type { Node, Taint } from './api-types.js';
import { hasAffinityTerms, type PodInfo } from './pod-info.js';
import type { QuantityParser, Resources } from './resources.js';

export class NodeInfo {
  node: Node | null = null;
  allocatable: Resources = new Map();
  allowedPods = 0;
  /** allocatable and requested cpu (milli) and memory as plain fields: the Fit filter's fast path. */
  allocatableCPU = 0;
  allocatableMemory = 0;
  requestedCPU = 0;
  requestedMemory = 0;
  /** Taints with effect PreferNoSchedule (for the cache's count). */
  preferNoScheduleTaints = 0;
  taints: Taint[] = [];
  labels: Record<string, string> = {};
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resources = new Map();
  nonZeroCPU = 0;
  nonZeroMemory = 0;
  readonly usedPorts = new Map<string, number>();
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();

  constructor(readonly name: string) {}

  setNode(node: Node, parser: QuantityParser): void {
    this.node = node;
    this.labels = node.metadata.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.allocatable = parser.list(node.status?.allocatable ?? node.status?.capacity);
    this.allowedPods = this.allocatable.get('pods') ?? 0;
    this.allocatableCPU = this.allocatable.get('cpu') ?? 0;
    this.allocatableMemory = this.allocatable.get('memory') ?? 0;
    this.preferNoScheduleTaints = this.taints.filter((t) => t.effect === 'PreferNoSchedule').length;
  }

  /** A copy to simulate on (preemption): same node, same pods, independent aggregates. */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.allocatable = this.allocatable;
    c.allowedPods = this.allowedPods;
    c.taints = this.taints;
    c.labels = this.labels;
    c.allocatableCPU = this.allocatableCPU;
    c.allocatableMemory = this.allocatableMemory;
    c.preferNoScheduleTaints = this.preferNoScheduleTaints;
    for (const p of this.pods.values()) c.addPod(p);
    return c;
  }

  addPod(p: PodInfo): void {
    this.pods.set(p.key, p);
    this.apply(p, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    this.apply(p, -1);
    return p;
  }

  private apply(p: PodInfo, sign: 1 | -1): void {
    for (const [k, v] of p.requests.requests) this.requested.set(k, (this.requested.get(k) ?? 0) + sign * v);
    this.requestedCPU += sign * p.requests.cpu;
    this.requestedMemory += sign * p.requests.memory;
    this.nonZeroCPU += sign * p.requests.nonZeroCPU;
    this.nonZeroMemory += sign * p.requests.nonZeroMemory;
    for (const hp of p.hostPorts) {
      const k = portKey(hp.ip, hp.protocol, hp.port);
      const n = (this.usedPorts.get(k) ?? 0) + sign;
      if (n > 0) this.usedPorts.set(k, n);
      else this.usedPorts.delete(k);
    }
    if (hasAffinityTerms(p)) {
      if (sign > 0) this.podsWithAffinity.add(p); else this.podsWithAffinity.delete(p);
    }
    if (p.requiredAntiAffinity.length) {
      if (sign > 0) this.podsWithRequiredAntiAffinity.add(p); else this.podsWithRequiredAntiAffinity.delete(p);
    }
  }
}

export function portKey(ip: string, protocol: string, port: number): string {
  return `${ip}/${protocol}/${port}`;
}
