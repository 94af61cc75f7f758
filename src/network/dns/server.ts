// The cluster DNS server (the CoreDNS role, with the default Corefile's behaviour: kubernetes
// plugin with `pods insecure` and reverse-zone fallthrough, forward to the host's resolvers,
// cache, prometheus). Services and EndpointSlices come from informers; every change rebuilds
// the zone, which is swapped in whole, so a query never sees half an update.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Registry } from 'prom-client';
import type { Logger } from '../../api/log.js';
import type { StoredObject } from '../../api/types.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { RestClient } from '../../client/rest-client.js';
import type { RestTransport } from '../../client/transport.js';
import { CompiledZone } from './answers.js';
import { Forwarder } from './forwarder.js';
import { listenDns, type DnsListener, type ListenAddress } from './listeners.js';
import { DnsMetrics } from './metrics.js';
import { QueryHandler } from './query-handler.js';
import { buildClusterZone } from './records.js';
import { nameserversFromResolvConf, parseUpstream, type Upstream } from './upstream-client.js';
import { defaultEdnsUdpSize } from './wire.js';

export interface ClusterDnsOptions {
  /** Where to watch Services and EndpointSlices: an API transport, or a shared InformerFactory (its owner starts and stops it). */
  transport?: RestTransport;
  informers?: InformerFactory;
  clusterDomain: string;
  listen: ListenAddress[];
  /** Upstream resolvers ("ip" or "ip:port"); default: the nameservers of `resolvConfPath` minus our own addresses. */
  upstreams?: string[];
  resolvConfPath?: string;
  log: Logger;
  /** TTL of cluster records, seconds (CoreDNS default 5). */
  ttl?: number;
  metricsRegistry?: Registry;
  /** Largest UDP reply and the EDNS0 size we advertise (default 1232). */
  maxUdpPayload?: number;
  upstreamTimeoutMs?: number;
  cacheCapacity?: number;
  /** How long start waits for the informers before serving anyway (CoreDNS waits 5 s). */
  syncTimeoutMs?: number;
  now?: () => number;
}

export interface ClusterDns {
  stop(): Promise<void>;
  addresses(): ListenAddress[];
  /** Prometheus text of the CoreDNS-named metrics. */
  metrics(): Promise<string>;
  /** True once the zone reflects synced informers. */
  ready(): boolean;
  /** The upstreams in use. */
  upstreams(): Upstream[];
}

const servicesRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
const endpointSlicesRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };

export async function startClusterDns(opts: ClusterDnsOptions): Promise<ClusterDns> {
  const log = opts.log.child('dns');
  const now = opts.now ?? Date.now;
  const ttl = opts.ttl ?? 5;
  const abort = new AbortController();
  let factory = opts.informers;
  const ownFactory = !factory;
  if (!factory) {
    if (!opts.transport) throw new Error('startClusterDns: need a transport or an InformerFactory');
    factory = new InformerFactory(new RestClient(opts.transport, { fieldManager: 'kites-dns' }), { log });
  }
  const services = factory.informerFor<StoredObject>(servicesRef);
  const slices = factory.informerFor<StoredObject>(endpointSlicesRef);

  const upstreams = opts.upstreams?.map(parseUpstream) ?? nameserversFromResolvConf(
    await readFile(opts.resolvConfPath ?? '/etc/resolv.conf', 'utf8').catch(() => ''),
    opts.listen.map((l) => l.address),
  );
  const forwarder = new Forwarder({ upstreams, timeoutMs: opts.upstreamTimeoutMs, cacheCapacity: opts.cacheCapacity, now, log });
  const metrics = new DnsMetrics(opts.metricsRegistry, () => forwarder.cache.size);

  let zone: CompiledZone | undefined;
  let synced = false;
  let rebuildScheduled = false;
  let rebuildTimer: NodeJS.Timeout | undefined;
  let lastRebuildEnd = 0;
  let lastRebuildMs = 0;
  const rebuild = () => {
    rebuildScheduled = false;
    rebuildTimer = undefined;
    if (!synced || abort.signal.aborted) return;
    const t0 = performance.now();
    zone = new CompiledZone(buildClusterZone(
      { services: services.lister.list() as unknown as Service[], endpointSlices: slices.lister.list() as unknown as EndpointSlice[] },
      { domain: opts.clusterDomain, ttl, serial: Math.floor(now() / 1000) },
    ));
    lastRebuildMs = performance.now() - t0;
    lastRebuildEnd = performance.now();
    log.trace('zone rebuilt', { names: zone.zone.names.size, ms: Math.round(lastRebuildMs) });
  };
  // Bursts of events (a re-list, a rollout) coalesce into one rebuild. A rebuild blocks queries
  // while it runs (big zones take a while), so the next one waits at least 4x as long as the last
  // took: under constant churn queries still get four fifths of the time.
  const schedule = () => {
    if (rebuildScheduled || abort.signal.aborted) return;
    rebuildScheduled = true;
    const wait = Math.min(2000, lastRebuildEnd + 4 * lastRebuildMs - performance.now());
    if (wait > 1) rebuildTimer = setTimeout(rebuild, wait);
    else setImmediate(rebuild);
  };
  const handler = { onAdd: schedule, onUpdate: schedule, onDelete: schedule };
  const removers = [services.addEventHandler(handler), slices.addEventHandler(handler)];

  const queryHandler = new QueryHandler({ zone: () => zone, domain: opts.clusterDomain, forwarder, maxUdpPayload: opts.maxUdpPayload ?? defaultEdnsUdpSize, log });
  const listeners: DnsListener[] = [];
  const stop = async () => {
    abort.abort();
    clearTimeout(rebuildTimer);
    for (const r of removers) r();
    await Promise.all(listeners.map((l) => l.close()));
    forwarder.close();
    if (ownFactory) await factory.stop();
  };
  try {
    for (const at of opts.listen) listeners.push(await listenDns(at, queryHandler, (s) => metrics.forServer(s), log));
  } catch (e) {
    await stop();
    throw e;
  }
  // A shared factory is started (and stopped) by its owner; informers asked for after its start
  // start at once.
  if (ownFactory) factory.start(abort.signal);

  const syncTimeoutMs = opts.syncTimeoutMs ?? 5000;
  const syncedNow = Promise.all([services.waitForSync(abort.signal), slices.waitForSync(abort.signal)]).then(([a, b]) => {
    if (!a || !b) return;
    synced = true;
    rebuild();
    log.info('cluster DNS serving', { domain: opts.clusterDomain, listen: listeners.map((l) => `${l.address.address}:${l.address.port}`).join(','), upstreams: upstreams.map((u) => `${u.address}:${u.port}`).join(',') });
  });
  // Serve what we have after the timeout; in-zone names answer SERVFAIL until the caches fill.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([syncedNow, new Promise<void>((resolve) => { timer = setTimeout(resolve, syncTimeoutMs); })]);
  clearTimeout(timer);
  if (!synced) log.warn('cluster DNS started before its informers synced', { afterMs: syncTimeoutMs });

  return {
    stop,
    addresses: () => listeners.map((l) => ({ ...l.address })),
    metrics: () => metrics.text(),
    ready: () => zone !== undefined,
    upstreams: () => upstreams.map((u) => ({ ...u })),
  };
}
