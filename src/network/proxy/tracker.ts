// Keeps the proxy model in step with the API: Service and EndpointSlice informers feed a
// coalescing sync runner that hands each mode a fresh ProxyState. As upstream kube-proxy, nothing
// is programmed until both caches have synced, so a restart never installs a half-empty table.
import type { Logger } from '../../api/log.js';
import { silentLogger } from '../../api/log.js';
import type { Clock } from '../../client/clock.js';
import type { SharedInformer } from '../../client/informer.js';
import type { EndpointSliceObject, ServiceObject } from './api-objects.js';
import { buildProxyState, type ProxyMode, type ProxyModel, type ProxyState } from './model.js';
import { SyncRunner } from './sync-runner.js';

export interface ServiceProxyTrackerOptions {
  services: SharedInformer<ServiceObject>;
  endpointSlices: SharedInformer<EndpointSliceObject>;
  nodeName: string;
  minSyncPeriodMs?: number;
  retryPeriodMs?: number;
  fullSyncPeriodMs?: number;
  clock?: Clock;
  log?: Logger;
}

export class ServiceProxyTracker implements ProxyModel {
  private generation = 0;
  private runner?: SyncRunner;
  private removeHandlers: Array<() => void> = [];
  private readonly log: Logger;

  constructor(private readonly options: ServiceProxyTrackerOptions) {
    this.log = options.log ?? silentLogger;
  }

  snapshot(full = false): ProxyState {
    return buildProxyState(this.options.services.indexer.list(), this.options.endpointSlices.indexer.list(), this.options.nodeName, {
      generation: ++this.generation, full,
    });
  }

  /**
   * Waits for both caches (false if `signal` aborts first), then syncs `mode` now and after every
   * change. Resolves once the runner is started; `synced()` resolves after the first good sync.
   */
  async start(mode: ProxyMode, signal?: AbortSignal): Promise<boolean> {
    const { services, endpointSlices } = this.options;
    const ok = (await services.waitForSync(signal)) && (await endpointSlices.waitForSync(signal));
    if (!ok || signal?.aborted) return false;
    const runner = new SyncRunner({
      sync: (full) => mode.sync(this.snapshot(full)),
      minSyncPeriodMs: this.options.minSyncPeriodMs, retryPeriodMs: this.options.retryPeriodMs,
      fullSyncPeriodMs: this.options.fullSyncPeriodMs, clock: this.options.clock, log: this.log,
    });
    this.runner = runner;
    // Handlers only poke the runner; the state is rebuilt from the caches at sync time.
    const poke = { onAdd: () => runner.request(), onUpdate: () => runner.request(), onDelete: () => runner.request() };
    this.removeHandlers = [services.addEventHandler(poke), endpointSlices.addEventHandler(poke)];
    runner.start();
    return true;
  }

  /** Resolves after the first successful sync (never, if start() was not called). */
  synced(): Promise<void> {
    return this.runner?.firstSynced ?? new Promise(() => {});
  }

  /** Asks for a sync soon (e.g. a mode noticed its rules were flushed). */
  requestSync(full = false): void {
    this.runner?.request(full);
  }

  async stop(): Promise<void> {
    for (const remove of this.removeHandlers) remove();
    this.removeHandlers = [];
    await this.runner?.stop();
  }
}
