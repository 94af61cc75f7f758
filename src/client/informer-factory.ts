// One informer per resource (and namespace/selector variant) shared by every controller in a
// process, so N controllers watching pods cost one LIST+WATCH, as upstream's SharedInformerFactory.
import type { KubeObject, StoredObject } from '../api/types.js';
import type { Logger } from '../api/log.js';
import type { Clock } from './clock.js';
import type { IndexFunc } from './indexer.js';
import { SharedInformer, type InformerOptions } from './informer.js';
import type { ResourceRef } from './paths.js';
import type { RestClient } from './rest-client.js';

export interface InformerFactoryOptions {
  clock?: Clock;
  log?: Logger;
  resyncPeriodMs?: number;
  random?: () => number;
  /** Default server-side watch timeout picker for every informer. */
  watchTimeoutSeconds?: () => number;
}

export interface InformerVariant<T> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  indexers?: Record<string, IndexFunc<T>>;
}

export class InformerFactory {
  private informers = new Map<string, SharedInformer<KubeObject>>();
  private startedWith?: AbortSignal;

  constructor(readonly client: RestClient, readonly options: InformerFactoryOptions = {}) {}

  /**
   * The shared informer for a resource. Indexers asked for by several callers are merged. An
   * informer requested after start() starts at once.
   */
  informerFor<T extends KubeObject = StoredObject>(ref: ResourceRef, variant: InformerVariant<T> = {}): SharedInformer<T> {
    const key = [ref.group, ref.version, ref.resource, variant.namespace ?? '', variant.labelSelector ?? '', variant.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key) as SharedInformer<T> | undefined;
    if (!inf) {
      const opts: InformerOptions<T> = {
        namespace: variant.namespace, labelSelector: variant.labelSelector, fieldSelector: variant.fieldSelector,
        indexers: variant.indexers, resyncPeriodMs: this.options.resyncPeriodMs, clock: this.options.clock,
        log: this.options.log, random: this.options.random, watchTimeoutSeconds: this.options.watchTimeoutSeconds,
      };
      inf = new SharedInformer<T>(this.client.resource<T>(ref), opts);
      this.informers.set(key, inf as unknown as SharedInformer<KubeObject>);
      if (this.startedWith) inf.start(this.startedWith);
    } else if (variant.indexers) {
      inf.addIndexers(variant.indexers);
    }
    return inf;
  }

  /** Starts every informer requested so far (and later ones as they are requested). */
  start(signal: AbortSignal): void {
    this.startedWith = signal;
    for (const inf of this.informers.values()) inf.start(signal);
  }

  /** Resolves true when every informer has synced; false if `signal` aborts first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

/** Resolves true once every informer has synced; false if `signal` aborts first (upstream cache.WaitForCacheSync). */
export async function waitForCacheSync(signal: AbortSignal | undefined, ...informers: Array<{ waitForSync(signal?: AbortSignal): Promise<boolean> }>): Promise<boolean> {
  const results = await Promise.all(informers.map((i) => i.waitForSync(signal)));
  return results.every(Boolean);
}
