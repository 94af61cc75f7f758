// Shared setup for the scheduler integration tests: an in-process API, a running Scheduler with
// short backoffs, and helpers to create nodes/pods and wait for outcomes.
import { startTestApi, type TestApi } from './harness.js';
import { Scheduler, type SchedulerOptions } from '../../src/scheduler/index.js';
import type { KubeObject } from '../../src/api/types.js';
import type { Pod } from '../../src/scheduler/api-types.js';

export const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true } as const;
export const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;
export const eventsRef = { group: '', version: 'v1', resource: 'events', namespaced: true } as const;

export interface Cluster {
  t: TestApi;
  scheduler: Scheduler;
  stop(): Promise<void>;
  node(name: string, opts?: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: unknown[]; unschedulable?: boolean }): Promise<void>;
  pod(name: string, spec?: Record<string, unknown>, opts?: { labels?: Record<string, string>; cpu?: string; namespace?: string }): Promise<void>;
  nodeOf(name: string, timeoutMs?: number, namespace?: string): Promise<string>;
  get(name: string, namespace?: string): Promise<Pod>;
  waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
}

export async function startCluster(opts: Partial<SchedulerOptions> = {}): Promise<Cluster> {
  const t = await startTestApi();
  const scheduler = new Scheduler({
    transport: t.api.inProcessTransport(),
    queue: { initialBackoffMs: 50, maxBackoffMs: 200, backoffFlushMs: 25 },
    ...opts,
  });
  const abort = new AbortController();
  const running = scheduler.start(abort.signal);
  const pods = t.client.resource<Pod>(podsRef);
  const waitFor = async <T>(fn: () => Promise<T | undefined>, timeoutMs = 1500): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    t, scheduler, waitFor,
    async stop() {
      abort.abort();
      await running;
      await t.stop();
    },
    async node(name, o = {}) {
      const res = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
      const node: KubeObject = {
        apiVersion: 'v1', kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
        spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
      };
      const created = await t.client.resource(nodesRef).create(undefined, node);
      await t.client.resource(nodesRef).updateStatus(undefined, { ...created, status: { capacity: res, allocatable: res } });
      // Nodes are created without status; wait until the scheduler has seen the allocatable too.
      await waitFor(async () => (scheduler.cache.get(name)?.allowedPods ? true : undefined));
    },
    async pod(name, spec = {}, o = {}) {
      const container = { name: 'c', image: 'busybox', ...(o.cpu ? { resources: { requests: { cpu: o.cpu } } } : {}) };
      await pods.create(o.namespace ?? 'default', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: o.labels },
        spec: { containers: [container], ...spec },
      });
    },
    async get(name, namespace = 'default') {
      return pods.get(namespace, name);
    },
    async nodeOf(name, timeoutMs = 1500, namespace = 'default') {
      return waitFor(async () => (await pods.get(namespace, name)).spec.nodeName || undefined, timeoutMs);
    },
  };
}
