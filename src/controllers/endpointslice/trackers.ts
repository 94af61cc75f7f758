// Two small memories the EndpointSlice controller keeps between syncs of a Service.
import type { PodObject } from '../common/types.js';
import { podTriggerTime } from './pod-endpoints.js';
import type { ServiceObject } from './types.js';

/**
 * upstream's TriggerTimeTracker: the time of the earliest change not yet reflected in the slices
 * — the Service's creation on its first sync, else the earliest pod whose trigger time moved
 * since the last sync. Undefined when nothing observable changed.
 */
export class TriggerTimeTracker {
  private readonly seen = new Map<string, { pods: Map<string, number> }>();

  compute(serviceKey: string, svc: ServiceObject, pods: readonly PodObject[]): number | undefined {
    const prev = this.seen.get(serviceKey);
    const next = new Map<string, number>();
    let min: number | undefined;
    const consider = (t: number | undefined) => { if (t !== undefined && (min === undefined || t < min)) min = t; };
    for (const p of pods) {
      const t = podTriggerTime(p);
      if (t === undefined) continue;
      next.set(p.metadata.name, t);
      if (prev && prev.pods.get(p.metadata.name) !== t) consider(t);
    }
    if (!prev) {
      const created = Date.parse(svc.metadata.creationTimestamp);
      consider(Number.isNaN(created) ? undefined : created);
      for (const t of next.values()) consider(t);
    }
    this.seen.set(serviceKey, { pods: next });
    return min;
  }

  forget(serviceKey: string): void {
    this.seen.delete(serviceKey);
  }
}

/**
 * upstream's EndpointSliceTracker, reduced: the slices this controller just wrote or deleted, so
 * a sync that runs before the informer has seen those writes waits instead of acting on a stale
 * cache (which would create duplicate slices). Expectations lapse after `ttlMs`.
 */
export class SliceWriteTracker {
  private readonly expect = new Map<string, { written: Map<string, string>; deleted: Set<string>; at: number }>();

  constructor(private readonly now: () => number, private readonly ttlMs = 10_000) {}

  record(serviceKey: string, written: Array<{ name: string; resourceVersion: string }>, deleted: string[]): void {
    if (written.length === 0 && deleted.length === 0) return;
    const e = this.expect.get(serviceKey) ?? { written: new Map<string, string>(), deleted: new Set<string>(), at: 0 };
    for (const w of written) { e.written.set(w.name, w.resourceVersion); e.deleted.delete(w.name); }
    for (const d of deleted) { e.deleted.add(d); e.written.delete(d); }
    e.at = this.now();
    this.expect.set(serviceKey, e);
  }

  /** True when the cache shows every recorded write (or the expectation lapsed). */
  isCurrent(serviceKey: string, cached: (name: string) => { resourceVersion: string } | undefined): boolean {
    const e = this.expect.get(serviceKey);
    if (!e) return true;
    if (this.now() - e.at > this.ttlMs) { this.expect.delete(serviceKey); return true; }
    for (const [name, rv] of e.written) {
      const c = cached(name);
      if (!c || !atLeast(c.resourceVersion, rv)) return false;
    }
    for (const name of e.deleted) if (cached(name)) return false;
    this.expect.delete(serviceKey);
    return true;
  }

  forget(serviceKey: string): void {
    this.expect.delete(serviceKey);
  }
}

/** resourceVersions are opaque, but kites' (like etcd's) are increasing integers. */
function atLeast(have: string, want: string): boolean {
  if (/^\d+$/.test(have) && /^\d+$/.test(want)) return BigInt(have) >= BigInt(want);
  return have === want;
}
