// Endpoint choice for one service port, as the old userspace kube-proxy's round-robin load
// balancer did: endpoints in turn; with sessionAffinity ClientIP a client keeps its endpoint
// until the affinity has been idle for timeoutSeconds or the endpoint is gone; after a failed
// connect the caller asks again with `resetAffinity` and moves on to the next endpoint.
import type { Clock } from '../../../client/clock.js';

export interface Backend {
  ip: string;
  port: number;
}

interface Affinity {
  backend: string;
  lastUsed: number;
}

export const backendKey = (b: Backend): string => `${b.ip}:${b.port}`;

export class RoundRobinBalancer {
  private backends: Backend[] = [];
  private index = 0;
  private affinityMs = 0;
  private readonly affinity = new Map<string, Affinity>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** Replaces the endpoint list (and the affinity timeout: 0 = no affinity). */
  update(backends: Backend[], affinityTimeoutSeconds: number): void {
    const same = backends.length === this.backends.length && backends.every((b, i) => backendKey(b) === backendKey(this.backends[i]!));
    if (!same) {
      this.backends = [...backends];
      this.index = this.backends.length ? this.index % this.backends.length : 0;
      const live = new Set(this.backends.map(backendKey));
      for (const [ip, a] of this.affinity) if (!live.has(a.backend)) this.affinity.delete(ip);
    }
    const ms = affinityTimeoutSeconds * 1000;
    if (ms !== this.affinityMs) {
      this.affinityMs = ms;
      if (ms === 0) this.affinity.clear();
    }
  }

  get size(): number {
    return this.backends.length;
  }

  /** The endpoint for a new connection (or UDP session) from `clientIP`; undefined when there is none. */
  next(clientIP: string, resetAffinity = false): Backend | undefined {
    if (this.backends.length === 0) return undefined;
    const now = this.clock.now();
    if (this.affinityMs > 0 && !resetAffinity) {
      const a = this.affinity.get(clientIP);
      if (a && now - a.lastUsed < this.affinityMs) {
        const b = this.backends.find((x) => backendKey(x) === a.backend);
        if (b) {
          a.lastUsed = now;
          return b;
        }
      }
    }
    const b = this.backends[this.index % this.backends.length]!;
    this.index = (this.index + 1) % this.backends.length;
    if (this.affinityMs > 0) {
      this.affinity.set(clientIP, { backend: backendKey(b), lastUsed: now });
      if (this.affinity.size > 4096) this.expire(now);
    }
    return b;
  }

  has(key: string): boolean {
    return this.backends.some((b) => backendKey(b) === key);
  }

  private expire(now: number): void {
    for (const [ip, a] of this.affinity) if (now - a.lastUsed >= this.affinityMs) this.affinity.delete(ip);
  }
}
