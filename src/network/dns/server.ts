// The cluster DNS server (the CoreDNS role, with the default Corefile's behaviour: kubernetes
// plugin with `pods insecure` and reverse-zone fallthrough, forward to the host's resolvers,
// cache, prometheus). Services and EndpointSlices come from informers; a change recomputes the
// records of the Services it touches, between queries (one thread), so none sees half an update.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Registry } from 'prom-client';
import type { Logger } from '../../api/log.js';
import type { StoredObject } from '../../api/types.js';
import { InformerFactory } from '../../client/informer-factory.js';
import { RestClient } from '../../client/rest-client.js';
import type { RestTransport } from '../../client/transport.js';
import { CompiledZone } from './answers.js';
import { Forwarder } from './forwarder.js';
import { listenDns, type DnsListener, type ListenAddress } from './listeners.js';
import { DnsMetrics } from './metrics.js';
import { QueryHandler } from './query-handler.js';
import { serviceFragment, serviceNameLabel } from './records.js';
import { ClusterZoneIndex } from './zone-index.js';
import { objectKey } from '../../client/paths.js';
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

/** EndpointSlices indexed by their Service's namespace/name (the kubernetes.io/service-name label). */
const sliceServiceIndex = 'kites-dns/service';
function sliceServiceKeys(o: StoredObject): string[] {
  const name = o.metadata.labels?.[serviceNameLabel];
  return name ? [`${o.metadata.namespace ?? ''}/${name}`] : [];
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
  const slices = factory.informerFor<StoredObject>(endpointSlicesRef, { indexers: { [sliceServiceIndex]: sliceServiceKeys } });

  const upstreams = opts.upstreams?.map(parseUpstream) ?? nameserversFromResolvConf(
    await readFile(opts.resolvConfPath ?? '/etc/resolv.conf', 'utf8').catch(() => ''),
    opts.listen.map((l) => l.address),
  );
  const forwarder = new Forwarder({ upstreams, timeoutMs: opts.upstreamTimeoutMs, cacheCapacity: opts.cacheCapacity, now, log });
  const metrics = new DnsMetrics(opts.metricsRegistry, () => forwarder.cache.size);

  let zone: CompiledZone | undefined;
  let index: ClusterZoneIndex | undefined;
  let synced = false;
  const dirty = new Set<string>();
  let flushScheduled = false;
  let flushTimer: NodeJS.Timeout | undefined;
  let lastFlushEnd = 0;
  let lastFlushMs = 0;
  const fragmentFor = (key: string) => {
    const i = key.indexOf('/');
    const svc = services.lister.get(key.slice(0, i), key.slice(i + 1)) as unknown as Service | undefined;
    if (!svc) return undefined;
    return serviceFragment(svc, slices.lister.byIndex(sliceServiceIndex, key) as unknown as EndpointSlice[], index!.domain, ttl);
  };
  // Changed Services are recomputed together on a later turn: bursts (a re-list, a rollout)
  // coalesce. The first flush after sync builds everything.
  const flush = () => {
    flushScheduled = false;
    flushTimer = undefined;
    if (!synced || abort.signal.aborted) return;
    const t0 = performance.now();
    if (!index) {
      index = new ClusterZoneIndex({ domain: opts.clusterDomain, ttl, serial: Math.floor(now() / 1000) });
      for (const svc of services.lister.list()) {
        const key = objectKey(svc);
        index.set(key, fragmentFor(key));
      }
      dirty.clear();
      zone = new CompiledZone(index);
    } else {
      const keys = [...dirty];
      dirty.clear();
      for (const key of keys) zone!.invalidate(index.set(key, fragmentFor(key)));
    }
    lastFlushMs = performance.now() - t0;
    lastFlushEnd = performance.now();
    log.trace('zone updated', { names: index.names.size, ms: Math.round(lastFlushMs) });
  };
  // An update blocks queries while it runs, so the next one waits at least 4x as long as the last
  // took: under constant churn queries keep four fifths of the time.
  const schedule = (key: string | undefined) => {
    if (key === undefined || abort.signal.aborted) return;
    dirty.add(key);
    if (flushScheduled) return;
    flushScheduled = true;
    const wait = Math.min(2000, lastFlushEnd + 4 * lastFlushMs - performance.now());
    if (wait > 1) flushTimer = setTimeout(flush, wait);
    else setImmediate(flush);
  };
  const onService = (o: StoredObject) => schedule(objectKey(o));
  const onSlice = (o: StoredObject) => { for (const k of sliceServiceKeys(o)) schedule(k); };
  const removers = [
    services.addEventHandler({ onAdd: onService, onUpdate: (_o, n) => onService(n), onDelete: onService }),
    // An update may move a slice to another Service (label change): both are recomputed.
    slices.addEventHandler({ onAdd: onSlice, onUpdate: (o, n) => { onSlice(o); onSlice(n); }, onDelete: onSlice }),
  ];

  const queryHandler = new QueryHandler({ zone: () => zone, domain: opts.clusterDomain, forwarder, maxUdpPayload: opts.maxUdpPayload ?? defaultEdnsUdpSize, log });
  const listeners: DnsListener[] = [];
  const stop = async () => {
    abort.abort();
    clearTimeout(flushTimer);
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
    flush();
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
