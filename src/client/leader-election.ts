// Leader election over a coordination.k8s.io/v1 Lease, as upstream client-go's leaderelection:
// a candidate takes the lease when it is free or its holder stopped renewing for
// leaseDurationSeconds (measured on the candidate's own clock from when it last saw the lease
// change, so clock skew between machines does not matter); the leader renews every retryPeriod and
// steps down if it cannot renew within renewDeadline; on stop it clears the holder so a successor
// takes over at once. Writes carry the resourceVersion read, so of two racing candidates one
// gets 409 Conflict and loses.
import type { KubeObject } from '../api/types.js';
import type { Logger } from '../api/log.js';
import { silentLogger } from '../api/log.js';
import { jitter, realClock, sleep, type Clock } from './clock.js';
import type { ResourceClient, RestClient } from './rest-client.js';
import { isConflict, isNotFound, isAlreadyExists } from './status.js';

export const leaseResource = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true } as const;

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  client: RestClient;
  namespace: string;
  name: string;
  /** Unique per candidate process (upstream uses hostname + "_" + a UUID). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Clear the holder when run()'s signal aborts, so a successor need not wait out the lease. Default true. */
  releaseOnCancel?: boolean;
  /** After losing the lease, compete again (default true); upstream instead ends run(). */
  reacquire?: boolean;
  /**
   * Called when this candidate becomes leader; `signal` aborts when it stops leading. If it returns
   * a promise, run() waits for it to settle after leadership ends, so it must honour the signal.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void;
  /** Called whenever the observed holder changes (including to this candidate). */
  onNewLeader?(identity: string): void;
  clock?: Clock;
  log?: Logger;
  random?: () => number;
}

/** RFC 3339 with microseconds, the wire form of metav1.MicroTime. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly leases: ResourceClient<Lease>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly random: () => number;
  private observed?: LeaseSpec;
  private observedRV = '';
  private observedTime = 0;
  private reportedLeader = '';
  private leading = false;

  constructor(readonly options: LeaderElectionOptions) {
    this.leases = options.client.resource<Lease>(leaseResource);
    this.clock = options.clock ?? realClock;
    this.log = (options.log ?? silentLogger).child('leader-election');
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.random = options.random ?? Math.random;
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= 1.2 * this.retryPeriodMs) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
  }

  /** True while this candidate leads (between onStartedLeading and onStoppedLeading). */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed ('' if none). */
  getLeader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /** Competes for the lease and leads while holding it, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const reacquire = this.options.reacquire ?? true;
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) break;
      this.leading = true;
      const leading = new AbortController();
      const stopLeading = () => leading.abort();
      signal.addEventListener('abort', stopLeading, { once: true });
      if (signal.aborted) leading.abort();
      this.log.info('became leader', { lease: `${this.options.namespace}/${this.options.name}`, identity: this.options.identity });
      const work = Promise.resolve()
        .then(() => this.options.onStartedLeading(leading.signal))
        .catch((e) => this.log.error('onStartedLeading failed', { err: e }));
      await this.renewLoop(leading.signal);
      signal.removeEventListener('abort', stopLeading);
      leading.abort();
      // The leader's work must have wound down before anyone (including us, re-acquiring) starts it again.
      await work;
      this.leading = false;
      this.log.info(signal.aborted ? 'stopped leading' : 'lost leadership', { identity: this.options.identity });
      try {
        this.options.onStoppedLeading?.();
      } catch (e) {
        this.log.error('onStoppedLeading failed', { err: e });
      }
      if (!reacquire) break;
    }
    if (signal.aborted && (this.options.releaseOnCancel ?? true)) await this.release();
  }

  /** Tries until the lease is ours (true) or `signal` aborts (false). */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) return true;
      await sleep(this.clock, jitter(this.retryPeriodMs, 1.2, this.random), signal);
    }
    return false;
  }

  /** Renews every retryPeriod; returns when a renewal could not succeed within renewDeadline, or on abort. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted) {
        if (await this.tryAcquireOrRenew(signal, deadline)) {
          renewed = true;
          break;
        }
        if (this.clock.now() >= deadline || !(await sleep(this.clock, this.retryPeriodMs, signal))) break;
        if (this.clock.now() >= deadline) break;
      }
      if (!renewed) return;
      if (!(await sleep(this.clock, this.retryPeriodMs, signal))) return;
    }
  }

  /** One attempt to take or renew the lease; false when someone else holds it or the write lost a race. */
  private async tryAcquireOrRenew(signal: AbortSignal, deadline?: number): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const now = this.clock.now();
    // Bound each API call so a hung request cannot outlive the renew deadline.
    const call = new AbortController();
    const onAbort = () => call.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) call.abort();
    const timer = this.clock.setTimeout(() => call.abort(), Math.max(1, (deadline ?? now + this.renewDeadlineMs) - now));
    try {
      let lease: Lease;
      try {
        lease = await this.leases.get(namespace, name, { signal: call.signal });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const spec: LeaseSpec = {
          holderIdentity: identity, leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
          acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0,
        };
        const created = await this.leases.create(namespace, {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec,
        }, { signal: call.signal });
        this.observe(created, now);
        return true;
      }
      const old = lease.spec ?? {};
      if (lease.metadata?.resourceVersion !== this.observedRV) this.observe(lease, now);
      const holder = old.holderIdentity ?? '';
      const durationMs = (old.leaseDurationSeconds ?? Math.round(this.leaseDurationMs / 1000)) * 1000;
      if (holder !== '' && holder !== identity && this.observedTime + durationMs > now) return false;

      const spec: LeaseSpec = {
        holderIdentity: identity, leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
        acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: (old.leaseTransitions ?? 0) + 1,
      };
      if (holder === identity) {
        spec.acquireTime = old.acquireTime ?? spec.acquireTime;
        spec.leaseTransitions = old.leaseTransitions ?? 0;
      }
      const updated = await this.leases.update(namespace, { ...lease, spec }, { signal: call.signal });
      this.observe(updated, now);
      return true;
    } catch (e) {
      if (isConflict(e) || isAlreadyExists(e)) {
        this.log.debug('lost a race for the lease', { identity });
      } else if (!signal.aborted) {
        this.log.warn('error retrieving or updating the lease', { lease: `${namespace}/${name}`, err: e });
      }
      return false;
    } finally {
      this.clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private observe(lease: Lease, now: number): void {
    this.observed = { ...(lease.spec ?? {}) };
    this.observedRV = lease.metadata?.resourceVersion ?? '';
    this.observedTime = now;
    const holder = this.observed.holderIdentity ?? '';
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder !== '') {
        try {
          this.options.onNewLeader?.(holder);
        } catch (e) {
          this.log.error('onNewLeader failed', { err: e });
        }
      }
    }
  }

  /** Clears the holder (keeping leaseTransitions) so another candidate can take the lease at once. */
  private async release(): Promise<void> {
    if (this.observed?.holderIdentity !== this.options.identity) return;
    const { namespace, name } = this.options;
    try {
      const lease = await this.leases.get(namespace, name);
      if (lease.spec?.holderIdentity !== this.options.identity) return;
      const now = this.clock.now();
      const spec: LeaseSpec = {
        holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now),
        leaseTransitions: lease.spec?.leaseTransitions ?? 0,
      };
      const updated = await this.leases.update(namespace, { ...lease, spec });
      this.observe(updated, now);
    } catch (e) {
      this.log.warn('failed to release the lease', { err: e });
    }
  }
}
