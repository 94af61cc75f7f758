// The service proxy (kube-proxy's job) for one node: watches Services and EndpointSlices and
// keeps the node's data path — iptables rules, or user-space listeners — in step with them.
import type { Logger } from '../../api/log.js';
import { silentLogger } from '../../api/log.js';
import type { Clock } from '../../client/clock.js';
import { InformerFactory } from '../../client/informer-factory.js';
import { RestClient } from '../../client/rest-client.js';
import type { RestTransport } from '../../client/transport.js';
import { endpointSlicesResource, servicesResource, type EndpointSliceObject, type ServiceObject } from './api-objects.js';
import { ServiceHealthServer } from './healthcheck.js';
import { startIptablesProxier } from './iptables/proxier.js';
import type { ProxyMode, ProxyModeOptions, ProxyModel } from './model.js';
import { ServiceProxyTracker } from './tracker.js';

export * from './model.js';
export type { ServiceObject, EndpointSliceObject } from './api-objects.js';
export { ServiceProxyTracker } from './tracker.js';
export { ServiceHealthServer } from './healthcheck.js';

export type ProxyModeName = 'iptables' | 'userspace';

export interface StartServiceProxyOptions {
  /** API access; used to make an informer factory when `informers` is not given. */
  transport?: RestTransport;
  /** A shared informer factory (started by the caller, or later: informers start when it does). */
  informers?: InformerFactory;
  nodeName: string;
  nodeIPs: string[];
  clusterCidr?: string;
  mode: ProxyModeName;
  netns?: string;
  log?: Logger;
  /** Changes are coalesced into at most one sync per this period (default 1 s, as upstream). */
  minSyncPeriodMs?: number;
  /** A full resync this often (default 5 minutes). */
  fullSyncPeriodMs?: number;
  /** Retry delay after a failed sync (default 10 s). */
  retryPeriodMs?: number;
  /**
   * Health-check node ports of LoadBalancer Services with externalTrafficPolicy Local (servers in
   * this process's network namespace). Default: on, unless `netns` is set.
   */
  healthCheck?: false | { bindAddress?: string };
  /** iptables mode: how often to check that nobody flushed the tables (default 30 s). */
  iptablesMonitorIntervalMs?: number;
  /** On stop, remove the installed rules (kube-proxy leaves them, so traffic flows across restarts). */
  cleanup?: boolean;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface ServiceProxy {
  /** Resolves after the first successful sync. */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

interface UserspaceModule {
  startUserspaceProxier(model: ProxyModel, opts: ProxyModeOptions): Promise<ProxyMode>;
}

function isUserspaceModule(m: unknown): m is UserspaceModule {
  return typeof m === 'object' && m !== null && typeof (m as { startUserspaceProxier?: unknown }).startUserspaceProxier === 'function';
}

async function startMode(name: ProxyModeName, model: ServiceProxyTracker, opts: ProxyModeOptions, monitorIntervalMs?: number): Promise<ProxyMode> {
  if (name === 'iptables') return startIptablesProxier({ ...opts, requestFullSync: () => model.requestSync(true), monitorIntervalMs });
  // Imported lazily: the userspace mode is another module with its own dependencies.
  const specifier = './userspace/index.js';
  let mod: unknown;
  try {
    mod = await import(specifier);
  } catch (err) {
    throw new Error(`service proxy: userspace mode is not available (${specifier}: ${(err as Error).message})`, { cause: err });
  }
  if (!isUserspaceModule(mod)) throw new Error(`service proxy: ${specifier} does not export startUserspaceProxier(model, opts)`);
  return mod.startUserspaceProxier(model, opts);
}

/**
 * Starts the node's service proxy. Needs root and the iptables tools (iptables-restore,
 * iptables-save, with the nat table) in 'iptables' mode.
 */
export async function startServiceProxy(opts: StartServiceProxyOptions): Promise<ServiceProxy> {
  const log = (opts.log ?? silentLogger).child('service-proxy');
  let factory = opts.informers;
  const ownFactory = !factory;
  if (!factory) {
    if (!opts.transport) throw new Error('startServiceProxy needs a transport or an informer factory');
    factory = new InformerFactory(new RestClient(opts.transport, { fieldManager: 'kites-proxy' }), { clock: opts.clock, log });
  }
  const services = factory.informerFor<ServiceObject>(servicesResource);
  const endpointSlices = factory.informerFor<EndpointSliceObject>(endpointSlicesResource);
  const tracker = new ServiceProxyTracker({
    services, endpointSlices, nodeName: opts.nodeName, minSyncPeriodMs: opts.minSyncPeriodMs,
    fullSyncPeriodMs: opts.fullSyncPeriodMs, retryPeriodMs: opts.retryPeriodMs, clock: opts.clock, log,
  });
  const dataPath = await startMode(opts.mode, tracker, {
    nodeName: opts.nodeName, nodeIPs: opts.nodeIPs, clusterCidr: opts.clusterCidr, netns: opts.netns, log,
  }, opts.iptablesMonitorIntervalMs);
  const healthOpts = opts.healthCheck ?? (opts.netns ? false : {});
  const health = healthOpts ? new ServiceHealthServer({ log, bindAddress: healthOpts.bindAddress }) : undefined;
  const mode: ProxyMode = {
    async sync(state) {
      await dataPath.sync(state);
      await health?.sync(state);
    },
    async stop(o) {
      await health?.close();
      await dataPath.stop(o);
    },
  };
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (ownFactory) factory.start(abort.signal);
  const started = tracker.start(mode, abort.signal).catch((err: unknown) => {
    log.error('service proxy failed to start', { err: err as Error });
    return false;
  });
  log.info('service proxy started', { mode: opts.mode, node: opts.nodeName });
  let stopping: Promise<void> | undefined;
  return {
    async synced() {
      if (!(await started)) throw new Error('service proxy stopped before its caches synced');
      await tracker.synced();
    },
    stop() {
      stopping ??= (async () => {
        opts.signal?.removeEventListener('abort', onAbort);
        abort.abort();
        await started;
        await tracker.stop();
        await mode.stop({ cleanup: opts.cleanup });
        if (ownFactory) await factory.stop();
      })();
      return stopping;
    },
  };
}
