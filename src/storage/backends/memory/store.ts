// MemoryStore: the Store semantics with no disk, for fast unit tests of other components and for
// `memory://`. It keeps every version of every key until compaction, like the SQLite log, and
// shares the watch hub, so watch behaviour (async batched delivery, replay, compaction errors)
// is the same code under test as in production.
import type { Logger } from '../../../api/log.js';
import {
  StoreClosedError, StoreCompactedError, StoreConflictError, StoreKeyExistsError, StoreNotFoundError,
  type KeyValue, type ListOptions, type ListResult, type Store, type StoreEvent, type WatchOptions, type Watcher,
} from '../../store.js';
import { StoreFutureRevisionError } from '../../errors.js';
import { compareKeys, listStart } from '../../keys.js';
import { WatchHub } from '../../watch/hub.js';

export interface MemoryStoreOptions {
  log?: Logger;
  /** Watch fan-out tuning; see WatchHubOptions. */
  watch?: { ringSize?: number; batchSize?: number; progressIntervalMs?: number };
}

/** One write to a key; a delete is a version too (kv then holds the last value). */
interface Version { kv: KeyValue; deleted: boolean }

export class MemoryStore implements Store {
  private readonly versions = new Map<string, Version[]>();
  /** Every key with at least one version, in code point order. */
  private readonly keys: string[] = [];
  /** Every event above the compacted revision, in revision order. */
  private events: StoreEvent[] = [];
  private revision = 0;
  private compacted = 0;
  private closed = false;
  private readonly hub: WatchHub;

  constructor(opts: MemoryStoreOptions = {}) {
    this.hub = new WatchHub({
      startRevision: 0,
      history: { readEvents: (p, a, u, l) => this.readEvents(p, a, u, l), compactedRevision: () => this.compacted },
      log: opts.log,
      ...opts.watch,
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  private live(key: string): KeyValue | undefined {
    const vs = this.versions.get(key);
    const last = vs?.[vs.length - 1];
    return last && !last.deleted ? last.kv : undefined;
  }

  private append(key: string, version: Version, ev: StoreEvent): void {
    let vs = this.versions.get(key);
    if (!vs) {
      vs = [];
      this.versions.set(key, vs);
      this.keys.splice(this.lowerBound(key), 0, key);
    }
    vs.push(version);
    this.revision = ev.kv.modRevision;
    this.events.push(ev);
    this.hub.publish(ev);
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    this.checkOpen();
    if (this.live(key)) throw new StoreKeyExistsError(key);
    const rev = this.revision + 1;
    const kv: KeyValue = { key, value: new Uint8Array(value), createRevision: rev, modRevision: rev };
    this.append(key, { kv, deleted: false }, { type: 'PUT', kv });
    return rev;
  }

  async update(key: string, value: Uint8Array, expectedRevision: number): Promise<number> {
    this.checkOpen();
    const prevKv = this.live(key);
    if (!prevKv) throw new StoreNotFoundError(key);
    if (prevKv.modRevision !== expectedRevision) throw new StoreConflictError(key, prevKv);
    const rev = this.revision + 1;
    const kv: KeyValue = { key, value: new Uint8Array(value), createRevision: prevKv.createRevision, modRevision: rev };
    this.append(key, { kv, deleted: false }, { type: 'PUT', kv, prevKv });
    return rev;
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    this.checkOpen();
    const prevKv = this.live(key);
    if (!prevKv) throw new StoreNotFoundError(key);
    if (expectedRevision !== undefined && prevKv.modRevision !== expectedRevision) throw new StoreConflictError(key, prevKv);
    const rev = this.revision + 1;
    const kv: KeyValue = { ...prevKv, modRevision: rev };
    this.append(key, { kv, deleted: true }, { type: 'DELETE', kv, prevKv });
    return { revision: rev, prevKv };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    return this.live(key);
  }

  /** The value of `key` as of `revision`, if it was live then. */
  private at(key: string, revision: number): KeyValue | undefined {
    const vs = this.versions.get(key) ?? [];
    for (let i = vs.length - 1; i >= 0; i--) {
      if (vs[i].kv.modRevision <= revision) return vs[i].deleted ? undefined : vs[i].kv;
    }
    return undefined;
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const revision = options.revision || this.revision;
    if (revision > this.revision) throw new StoreFutureRevisionError(revision, this.revision);
    if (options.revision && revision <= this.compacted) throw new StoreCompactedError(revision, this.compacted);
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const items: KeyValue[] = [];
    let remaining = 0;
    for (let i = this.lowerBound(listStart(prefix, options.startKey)); i < this.keys.length; i++) {
      const key = this.keys[i];
      if (!key.startsWith(prefix)) break;
      const kv = this.at(key, revision);
      if (!kv) continue;
      if (items.length < limit) items.push(kv);
      else remaining++;
    }
    const more = remaining > 0;
    return more ? { items, revision, more, remaining } : { items, revision, more };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    let n = 0;
    for (let i = this.lowerBound(prefix); i < this.keys.length && this.keys[i].startsWith(prefix); i++) {
      if (this.live(this.keys[i])) n++;
    }
    return n;
  }

  watch(prefix: string, options: WatchOptions): Watcher {
    return this.hub.watch(prefix, options);
  }

  private readEvents(prefix: string, afterRevision: number, upToRevision: number, limit: number): StoreEvent[] {
    const out: StoreEvent[] = [];
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid].kv.modRevision <= afterRevision) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.events.length && out.length < limit; i++) {
      const ev = this.events[i];
      if (ev.kv.modRevision > upToRevision) break;
      if (ev.kv.key.startsWith(prefix)) out.push(ev);
    }
    return out;
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compacted;
  }

  /** Keeps, per key, only its latest version at or below `revision` (dropped if a delete) and newer ones. */
  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const target = Math.min(revision, this.revision);
    if (target <= this.compacted) return;
    this.compacted = target;
    for (const [key, vs] of this.versions) {
      let keepFrom = 0;
      for (let i = 0; i < vs.length && vs[i].kv.modRevision <= target; i++) keepFrom = vs[i].deleted ? i + 1 : i;
      if (keepFrom > 0) vs.splice(0, keepFrom);
      if (vs.length === 0) {
        this.versions.delete(key);
        this.keys.splice(this.lowerBound(key), 1);
      }
    }
    this.events = this.events.filter((ev) => ev.kv.modRevision > target);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.close(new StoreClosedError());
  }
}
