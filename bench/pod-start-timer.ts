// Pod start as a user sees it, shared by the pod benchmarks: create → the first watch event that
// shows the pod Running; plus emptying the namespace between rounds.
import type { KubeObject } from '../src/api/types.js';
import type { ResourceClient } from '../src/client/rest-client.js';

export const percentile = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };

export interface PodStartTimer {
  /** Creates the pod and resolves with ms until a watch saw it Running; rejects after timeoutMs. */
  start(name: string, spec: Record<string, unknown>, timeoutMs?: number): Promise<number>;
  /** Deletes every pod of the namespace and waits until they are gone. */
  clear(timeoutMs?: number): Promise<void>;
}

export async function podStartTimer(pods: ResourceClient<KubeObject>, namespace: string, signal: AbortSignal): Promise<PodStartTimer> {
  const created = new Map<string, number>();
  const running = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const list = await pods.list(namespace);
  void (async () => {
    for await (const ev of pods.watch(namespace, { resourceVersion: list.metadata.resourceVersion, signal })) {
      const name = ev.object.metadata?.name ?? '';
      if ((ev.object.status as { phase?: string } | undefined)?.phase === 'Running' && !running.has(name) && created.has(name)) {
        running.set(name, performance.now());
        waiters.get(name)?.();
      }
    }
  })().catch(() => {});
  return {
    async start(name, spec, timeoutMs = 120_000) {
      const done = new Promise<void>((r) => waiters.set(name, r));
      const timeout = setTimeout(() => waiters.get(name)?.(), timeoutMs);
      created.set(name, performance.now());
      await pods.create(namespace, { metadata: { name }, spec } as KubeObject);
      await done;
      clearTimeout(timeout);
      if (!running.has(name)) throw new Error(`pod ${name} not Running after ${timeoutMs / 1000} s`);
      return running.get(name)! - created.get(name)!;
    },
    async clear(timeoutMs = 120_000) {
      await pods.deleteCollection(namespace, { gracePeriodSeconds: 0 }).catch(() => {});
      const gone = Date.now() + timeoutMs;
      while ((await pods.list(namespace)).items.length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
    },
  };
}
