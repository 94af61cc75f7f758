// Shared setup for the node agent integration tests: an in-process API, one agent on the process
// runtime with short timings, and helpers to create pods bound to it and wait on their status.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi, type TestApi } from './harness.js';
import { startNodeAgent, type NodeAgentOptions, type RunningAgent } from '../../src/agent/index.js';
import type { StoredObject } from '../../src/api/types.js';
import type { ResourceClient } from '../../src/client/rest-client.js';

export const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true } as const;
export const nodeName = 'node-a';

export interface AgentEnv {
  t: TestApi;
  dir: string;
  agent: RunningAgent;
  pods: ResourceClient<StoredObject>;
  start(extra?: Partial<NodeAgentOptions>): Promise<RunningAgent>;
  stop(): Promise<void>;
}

export const fastTimings = { relistMs: 50, backoffBaseMs: 300, backoffMaxMs: 1200, leaseRenewMs: 500, statusUpdateMs: 1000, resyncMs: 1000, runtimePollMs: 20 };

export async function agentEnv(extra: Partial<NodeAgentOptions> = {}): Promise<AgentEnv> {
  const t = await startTestApi();
  const dir = mkdtempSync(join(tmpdir(), 'kites-agent-'));
  const opts = (more: Partial<NodeAgentOptions> = {}): NodeAgentOptions => ({
    transport: t.api.inProcessTransport(), nodeName, dataDir: dir, nodeAddress: '127.0.0.1', kubeletPort: 10250, timings: fastTimings, ...extra, ...more,
  });
  const env: AgentEnv = {
    t, dir, agent: await startNodeAgent(opts()), pods: t.client.resource<StoredObject>(podsRef),
    async start(more) {
      env.agent = await startNodeAgent(opts(more));
      return env.agent;
    },
    async stop() {
      // Delete what is left so no process outlives the test, then stop.
      const list = await env.pods.list('default');
      for (const p of list.items) await env.pods.delete('default', p.metadata.name).catch(() => {});
      await waitFor(async () => (await env.pods.list('default')).items.length === 0 || undefined, 15000).catch(() => {});
      await env.agent.stop();
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;
}

export async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 10000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export type PodLike = StoredObject & { spec: Record<string, unknown>; status?: Record<string, any> };

export function pod(name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}): StoredObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...meta }, spec: { nodeName, terminationGracePeriodSeconds: 5, ...spec } } as unknown as StoredObject;
}

export async function podWhere(env: AgentEnv, name: string, pred: (p: PodLike) => boolean, ms = 10000): Promise<PodLike> {
  return waitFor(async () => {
    const p = (await env.pods.get('default', name)) as PodLike;
    return pred(p) ? p : undefined;
  }, ms, `pod ${name}`);
}
