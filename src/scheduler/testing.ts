// Fixtures for the scheduler's unit tests: pods and nodes as plain objects, a cache and a Handle.
import type { Node, Pod, PodSpec } from './api-types.js';
import { SchedulerCache } from './cache.js';
import type { Handle } from './framework.js';
import { newPodInfo, type PodInfo } from './pod-info.js';
import { QuantityParser } from './resources.js';

export function makePod(name: string, spec: Partial<PodSpec> = {}, meta: { namespace?: string; labels?: Record<string, string>; cpu?: string; memory?: string; created?: string } = {}): Pod {
  const requests: Record<string, string> = {};
  if (meta.cpu) requests.cpu = meta.cpu;
  if (meta.memory) requests.memory = meta.memory;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: meta.namespace ?? 'default', uid: `uid-${name}`, labels: meta.labels, creationTimestamp: meta.created ?? '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', resources: Object.keys(requests).length ? { requests } : undefined }], ...spec },
  };
}

export function makeNode(name: string, o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: NonNullable<Node['spec']>['taints']; unschedulable?: boolean } = {}): Node {
  const res = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable: res, capacity: res },
  };
}

export interface Fixture {
  parser: QuantityParser;
  cache: SchedulerCache;
  handle: Handle;
  info(pod: Pod): PodInfo;
  /** Adds nodes, then pods bound to them (pod.spec.nodeName set). */
  add(nodes: Node[], pods?: Pod[]): void;
}

export function fixture(nsLabels: Record<string, Record<string, string>> = {}): Fixture {
  const parser = new QuantityParser();
  const cache = new SchedulerCache(parser);
  return {
    parser, cache,
    handle: { cache, parser, namespaceLabels: (ns) => nsLabels[ns], priorityOf: (pod) => pod.spec.priority ?? 0 },
    info: (pod) => newPodInfo(parser, pod),
    add(nodes, pods = []) {
      for (const n of nodes) cache.setNode(n);
      for (const p of pods) cache.setPod(p);
    },
  };
}
