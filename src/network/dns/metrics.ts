// Prometheus metrics under CoreDNS's names, so dashboards and alerts written for CoreDNS work
// unchanged (label sets trimmed to what kites has: one view, one server block per address).
// Label children are looked up once and kept, so counting a query does not hash label sets.
import { Counter, Gauge, Registry } from 'prom-client';
import { FastCounter, FastHistogram, type FastCounterChild, type FastHistogramChild } from './fast-metrics.js';
import { rcodeName, typeName } from './wire.js';

/** CoreDNS's duration buckets (plugin/pkg/metrics/vars: exponential from 0.25 ms). */
const durationBuckets = [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192];

export type Proto = 'udp' | 'tcp';
export type Plugin = 'kubernetes' | 'forward' | 'cache' | '';
const pluginIndex: Record<Plugin, number> = { kubernetes: 0, forward: 1, cache: 2, '': 3 };

/** Counting for one listening address (CoreDNS's `server` label, e.g. dns://10.43.0.10:53). */
export interface ServerMetrics {
  request(proto: Proto, family: 4 | 6, qtype: number): void;
  response(rcode: number, plugin: Plugin, qtype: number, seconds: number): void;
  cacheHit(denial: boolean): void;
  cacheMiss(): void;
}

export class DnsMetrics {
  readonly registry: Registry;
  private readonly requests: FastCounter;
  private readonly responses: FastCounter;
  private readonly duration: FastHistogram;
  private readonly cacheHits: FastCounter;
  private readonly cacheMisses: FastCounter;
  readonly cacheEntries: Gauge<string>;
  readonly forwardRequests: Counter<string>;

  constructor(registry?: Registry, cacheSize?: () => number) {
    this.registry = registry ?? new Registry();
    const registers = [this.registry];
    const r = this.registry;
    this.requests = new FastCounter('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.', r);
    this.responses = new FastCounter('coredns_dns_responses_total', 'Counter of response status codes.', r);
    this.duration = new FastHistogram('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took per zone.', durationBuckets, r);
    this.cacheHits = new FastCounter('coredns_cache_hits_total', 'The count of cache hits.', r);
    this.cacheMisses = new FastCounter('coredns_cache_misses_total', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.', r);
    this.cacheEntries = new Gauge({
      name: 'coredns_cache_entries', help: 'The number of elements in the cache.', labelNames: ['server', 'type', 'zones', 'view'], registers,
      collect() { if (cacheSize) this.set({ server: 'dns://:53', type: 'success', zones: '.', view: '' }, cacheSize()); },
    });
    this.forwardRequests = new Counter({ name: 'coredns_forward_requests_total', help: 'Counter of requests made per upstream.', labelNames: ['to'], registers });
  }

  forServer(server: string): ServerMetrics {
    const zone = '.';
    const view = '';
    const requests = new Map<number, FastCounterChild>();
    const responses = new Map<number, FastCounterChild>();
    const durations = new Map<number, FastHistogramChild>();
    const hits = { success: this.cacheHits.child({ server, type: 'success', zones: zone, view }), denial: this.cacheHits.child({ server, type: 'denial', zones: zone, view }) };
    const misses = this.cacheMisses.child({ server, zones: zone, view });
    const typeLabel = (qtype: number) => typeName[qtype] ?? 'other';
    return {
      request: (proto, family, qtype) => {
        const k = qtype * 4 + (proto === 'tcp' ? 2 : 0) + (family === 6 ? 1 : 0);
        let c = requests.get(k);
        if (!c) requests.set(k, (c = this.requests.child({ server, zone, view, proto, family: String(family === 6 ? 2 : 1), type: typeLabel(qtype) })));
        c.inc();
      },
      response: (rcode, plugin, qtype, seconds) => {
        const k = rcode * 8 + pluginIndex[plugin];
        let c = responses.get(k);
        if (!c) responses.set(k, (c = this.responses.child({ server, zone, view, rcode: rcodeName[rcode] ?? String(rcode), plugin })));
        c.inc();
        const dk = typeName[qtype] ? qtype : -1;
        let h = durations.get(dk);
        if (!h) durations.set(dk, (h = this.duration.child({ server, zone, view, type: typeLabel(qtype) })));
        h.observe(seconds);
      },
      cacheHit: (denial) => (denial ? hits.denial : hits.success).inc(),
      cacheMiss: () => misses.inc(),
    };
  }

  /** The Prometheus text exposition of every metric in the registry. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
