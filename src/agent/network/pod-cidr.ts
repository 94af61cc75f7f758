// Waiting for the node's pod CIDR: the node IPAM controller writes spec.podCIDR once the Node is
// registered, and nothing on the pod network can be configured before it (kubelet likewise waits
// for it before reporting the network ready).
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';

export const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;

/** What is read of a Node here; a RestClient's nodes resource satisfies it. */
export interface NodeGetter {
  get(namespace: undefined, name: string): Promise<KubeObject & { spec?: { podCIDR?: string; podCIDRs?: string[] } }>;
}

export interface WaitForPodCidrOptions {
  nodes: NodeGetter;
  nodeName: string;
  log: Logger;
  signal?: AbortSignal;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  pollMs?: number;
  /** Log "still waiting" at most this often (default 10 s). */
  logEveryMs?: number;
}

export class PodCidrTimeoutError extends Error {}

const delay = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(done, ms);
  function done() {
    clearTimeout(t);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done, { once: true });
});

/** Resolves with the node's first pod CIDR; rejects after the timeout or on abort. */
export async function waitForPodCidr(o: WaitForPodCidrOptions): Promise<string> {
  const start = Date.now();
  const timeout = o.timeoutMs ?? 120_000;
  let lastLog = start;
  let lastErr: unknown;
  for (;;) {
    if (o.signal?.aborted) throw new Error(`stopped while waiting for node ${o.nodeName} to get a pod CIDR`);
    try {
      const node = await o.nodes.get(undefined, o.nodeName);
      const cidr = node.spec?.podCIDRs?.[0] ?? node.spec?.podCIDR;
      if (cidr) return cidr;
      lastErr = undefined;
    } catch (e) {
      lastErr = e; // the Node may not be registered yet
    }
    const now = Date.now();
    if (now - start >= timeout) {
      throw new PodCidrTimeoutError(`node ${o.nodeName} got no spec.podCIDR within ${Math.round(timeout / 1000)} s: is the node IPAM controller running (kites server with --cluster-cidr)?${lastErr ? ` Last error: ${String(lastErr)}` : ''}`);
    }
    if (now - lastLog >= (o.logEveryMs ?? 10_000)) {
      lastLog = now;
      o.log.info('waiting for the node pod CIDR (assigned by the node IPAM controller)', { node: o.nodeName, waitedMs: now - start, err: lastErr });
    }
    await delay(o.pollMs ?? 500, o.signal);
  }
}
