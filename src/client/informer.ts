// A shared informer: keeps a local cache of one resource in step with the API server and tells
// event handlers what changed. Upstream's reflector loop: LIST, then WATCH from the list's
// resourceVersion with bookmarks, re-watch from the last seen resourceVersion when a watch ends,
// re-LIST when the server says that version is gone (410), back off on errors.
import type { KubeObject, StoredObject } from '../api/types.js';
import type { Logger } from '../api/log.js';
import { silentLogger } from '../api/log.js';
import { realClock, sleep, type Clock } from './clock.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { Indexer, Lister, type IndexFunc } from './indexer.js';
import { objectKey } from './paths.js';
import type { ResourceClient } from './rest-client.js';
import { isResourceExpired, statusErrorFromObject } from './status.js';

export interface EventHandler<T> {
  /** `initialList` is true for objects delivered by the first LIST (and replays to late handlers). */
  onAdd?(obj: T, initialList: boolean): void;
  /** Also called on re-lists and resyncs, possibly with old === new: reconcile, don't diff. */
  onUpdate?(oldObj: T, newObj: T): void;
  /**
   * `obj` is the last state known. `finalStateUnknown` is true when the deletion was inferred
   * from a re-list (the DELETED event itself was missed): upstream's DeletedFinalStateUnknown.
   */
  onDelete?(obj: T, finalStateUnknown: boolean): void;
}

export interface InformerOptions<T> {
  /** Watch one namespace only; all namespaces when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  indexers?: Record<string, IndexFunc<T>>;
  /** Replays every cached object to onUpdate this often (0/undefined: never). */
  resyncPeriodMs?: number;
  clock?: Clock;
  log?: Logger;
  random?: () => number;
  /** Server-side watch timeout; upstream picks 5–10 minutes at random so watches do not all end together. */
  watchTimeoutSeconds?: () => number;
  backoff?: BackoffOptions;
  /** LIST page size (upstream's reflector pages by 500 so a big collection is not one huge response). */
  pageSize?: number;
}

/** A watch that ends this quickly without any event counts as a failure (upstream's "very short watch"). */
const shortWatchMs = 1000;
/** How long past its timeoutSeconds a watch may stay open before the client gives up on it. */
const watchDeadlineGraceMs = 30_000;

export class SharedInformer<T extends KubeObject = StoredObject> {
  readonly indexer: Indexer<T>;
  readonly lister: Lister<T>;
  private handlers = new Set<EventHandler<T>>();
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private lastRV = '';
  private abort?: AbortController;
  private running?: Promise<void>;
  private resyncTimer?: unknown;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private readonly random: () => number;

  constructor(readonly client: ResourceClient<T>, readonly options: InformerOptions<T> = {}) {
    this.indexer = new Indexer<T>(options.indexers);
    this.lister = new Lister<T>(this.indexer);
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.log = (options.log ?? silentLogger).child(`informer/${client.ref.resource}`);
    this.backoff = new Backoff({ random: this.random, ...options.backoff });
  }

  /**
   * Registers handlers; returns a function that removes them. A handler added after the cache
   * filled first receives every cached object as an add, as upstream does.
   */
  addEventHandler(handler: EventHandler<T>): () => void {
    this.handlers.add(handler);
    if (this.synced) for (const obj of this.indexer.list()) this.safely('onAdd', () => handler.onAdd?.(obj, true));
    return () => this.handlers.delete(handler);
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.indexer.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion the cache reflects. */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /** Resolves true once the first LIST has filled the cache; false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      });
    });
  }

  get started(): boolean {
    return this.abort !== undefined;
  }

  /** Starts the list/watch loop in the background; it runs until `signal` aborts or stop(). */
  start(signal?: AbortSignal): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    signal?.addEventListener('abort', () => abort.abort(), { once: true });
    if (signal?.aborted) abort.abort();
    this.scheduleResync();
    this.running = this.run(abort.signal).catch((e) => this.log.error('informer loop failed', { err: e }));
  }

  /** Stops the loop; resolves when it has ended. */
  async stop(): Promise<void> {
    this.abort?.abort();
    if (this.resyncTimer !== undefined) this.clock.clearTimeout(this.resyncTimer);
    await this.running;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    // 410s in a row without progress in between: relist at once the first time, then back off,
    // so a server that keeps expiring fresh versions cannot spin us in a LIST loop.
    let expiredInARow = 0;
    const expiredBackoff = new Backoff({ random: this.random, ...this.options.backoff });
    while (!signal.aborted) {
      if (needList) {
        try {
          await this.listAndReplace(signal);
          needList = false;
          this.backoff.reset();
        } catch (e) {
          if (signal.aborted) break;
          const delay = this.backoff.next();
          this.log.warn('failed to list; retrying', { err: e, delayMs: delay });
          await sleep(this.clock, delay, signal);
          continue;
        }
      }
      try {
        const gotEvents = await this.watchOnce(signal);
        if (gotEvents) {
          this.backoff.reset();
          expiredInARow = 0;
          expiredBackoff.reset();
        }
      } catch (e) {
        if (signal.aborted) break;
        if (isResourceExpired(e)) {
          // The version we hold is compacted away: only a fresh LIST can resynchronise.
          this.log.debug('watch expired; re-listing', { resourceVersion: this.lastRV });
          needList = true;
          if (expiredInARow++ > 0) await sleep(this.clock, expiredBackoff.next(), signal);
          continue;
        }
        const delay = this.backoff.next();
        this.log.warn('watch failed; re-watching', { err: e, resourceVersion: this.lastRV, delayMs: delay });
        await sleep(this.clock, delay, signal);
      }
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const o = this.options;
    const list = await this.client.listAll(o.namespace, { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.pageSize ?? 500, signal });
    if (signal.aborted) return;
    this.replace(list.items, list.metadata?.resourceVersion ?? '');
  }

  /** Makes the cache equal to a fresh LIST, telling handlers what changed, including deletions missed meanwhile. */
  private replace(items: T[], resourceVersion: string): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = this.indexer.set(item);
      if (old) this.emit('onUpdate', (h) => h.onUpdate?.(old, item));
      else this.emit('onAdd', (h) => h.onAdd?.(item, initial));
    }
    for (const key of this.indexer.keys()) {
      if (seen.has(key)) continue;
      const old = this.indexer.delete(key)!;
      this.emit('onDelete', (h) => h.onDelete?.(old, true));
    }
    this.lastRV = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  /** One WATCH until the server ends it. Returns whether it delivered anything. Throws on failure. */
  private async watchOnce(signal: AbortSignal): Promise<boolean> {
    const o = this.options;
    const timeoutSeconds = o.watchTimeoutSeconds ? o.watchTimeoutSeconds() : Math.floor(300 * (1 + this.random()));
    // A client-side deadline a little past the server's: a connection that died silently would
    // otherwise never end the watch, and the cache would go stale without anyone noticing.
    const watchAbort = new AbortController();
    const onAbort = () => watchAbort.abort();
    if (signal.aborted) return false;
    signal.addEventListener('abort', onAbort, { once: true });
    const deadline = this.clock.setTimeout(() => watchAbort.abort(), timeoutSeconds * 1000 + watchDeadlineGraceMs);
    try {
      return await this.consumeWatch(watchAbort.signal, timeoutSeconds);
    } finally {
      this.clock.clearTimeout(deadline);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async consumeWatch(signal: AbortSignal, timeoutSeconds: number): Promise<boolean> {
    const o = this.options;
    const started = this.clock.now();
    let events = 0;
    const stream = this.client.watch(o.namespace, {
      resourceVersion: this.lastRV, allowWatchBookmarks: true, timeoutSeconds,
      labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, signal,
    });
    for await (const ev of stream) {
      if (signal.aborted) break;
      events++;
      switch (ev.type) {
        case 'ADDED':
        case 'MODIFIED': {
          const obj = ev.object;
          const old = this.indexer.set(obj);
          if (old) this.emit('onUpdate', (h) => h.onUpdate?.(old, obj));
          else this.emit('onAdd', (h) => h.onAdd?.(obj, false));
          this.lastRV = obj.metadata?.resourceVersion ?? this.lastRV;
          break;
        }
        case 'DELETED': {
          const obj = ev.object;
          this.indexer.delete(objectKey(obj));
          this.emit('onDelete', (h) => h.onDelete?.(obj, false));
          this.lastRV = obj.metadata?.resourceVersion ?? this.lastRV;
          break;
        }
        case 'BOOKMARK':
          // Bookmarks only move the resourceVersion forward, so a re-watch need not replay history.
          this.lastRV = ev.object.metadata?.resourceVersion ?? this.lastRV;
          break;
        case 'ERROR':
          throw statusErrorFromObject(ev.object);
      }
    }
    if (!signal.aborted && events === 0 && this.clock.now() - started < shortWatchMs) {
      throw new Error('very short watch: the server closed it at once without events');
    }
    return events > 0;
  }

  private emit(what: keyof EventHandler<T>, fn: (h: EventHandler<T>) => void): void {
    for (const h of this.handlers) this.safely(what, () => fn(h));
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // A handler's bug must not stop the informer for every other controller sharing it.
      this.log.error(`event handler ${what} failed`, { err: e });
    }
  }

  private scheduleResync(): void {
    const period = this.options.resyncPeriodMs;
    if (!period || period <= 0) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.abort?.signal.aborted) return;
      if (this.synced) for (const obj of this.indexer.list()) this.emit('onUpdate', (h) => h.onUpdate?.(obj, obj));
      this.scheduleResync();
    }, period);
  }
}
