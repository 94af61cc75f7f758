// The endpoints of default/kubernetes (upstream pkg/controlplane/reconcilers): the API server
// itself keeps the Endpoints and the EndpointSlice `kubernetes` pointing at the API servers'
// advertised addresses and secure port, since that Service has no selector for a controller to
// follow. The Endpoints carries skip-mirror (the slice is written directly, as upstream's adapter
// does); the slice is labelled with the service name only and lists each address as ready.
import type { Logger } from '../../api/log.js';
import { silentLogger } from '../../api/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/status.js';
import { canonicalJson } from '../common/hash.js';
import {
  endpointSlicesResource, endpointsResource, labelServiceName, labelSkipMirror,
  type EndpointSliceObject, type EndpointsObject,
} from '../endpointslice/types.js';

export interface KubernetesEndpointsOptions {
  /** The API servers' advertise addresses (IPv4). */
  addresses: string[];
  /** The secure port the API server serves on (6443 by default). */
  port: number;
}

const namespace = 'default';
const name = 'kubernetes';

/** Makes default/kubernetes Endpoints and EndpointSlice list exactly these addresses; idempotent. */
export async function reconcileKubernetesEndpoints(client: RestClient, opts: KubernetesEndpointsOptions): Promise<void> {
  const addresses = [...new Set(opts.addresses)].sort();
  const port = { name: 'https', port: opts.port, protocol: 'TCP' };
  await ensure<EndpointsObject>(client, endpointsResource, (current) => ({
    ...(current ?? {}),
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { ...(current?.metadata ?? {}), name, namespace, labels: { ...(current?.metadata.labels ?? {}), [labelSkipMirror]: 'true' } } as EndpointsObject['metadata'],
    subsets: addresses.length ? [{ addresses: addresses.map((ip) => ({ ip })), ports: [port] }] : [],
  }), (o) => canonicalJson([o.subsets ?? [], o.metadata.labels ?? {}]));
  await ensure<EndpointSliceObject>(client, endpointSlicesResource, (current) => ({
    ...(current ?? {}),
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { ...(current?.metadata ?? {}), name, namespace, labels: { [labelServiceName]: name } } as EndpointSliceObject['metadata'],
    addressType: 'IPv4',
    endpoints: addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [port],
  }), (o) => canonicalJson([o.addressType, o.endpoints ?? [], o.ports ?? [], o.metadata.labels ?? {}]));
}

async function ensure<T extends EndpointsObject | EndpointSliceObject>(
  client: RestClient,
  ref: typeof endpointsResource | typeof endpointSlicesResource,
  build: (current: T | undefined) => T,
  compare: (o: T) => string,
): Promise<void> {
  const rc = client.resource<T>(ref);
  // Another server may write at the same moment: re-read and retry on conflicts, a few times.
  for (let attempt = 0; ; attempt++) {
    let current: T | undefined;
    try { current = await rc.get(namespace, name); } catch (e) { if (!isNotFound(e)) throw e; }
    const want = build(current);
    if (current && compare(current) === compare(want)) return;
    try {
      if (current) await rc.update(namespace, want);
      else await rc.create(namespace, want);
      return;
    } catch (e) {
      if (attempt < 4 && (isConflict(e) || isAlreadyExists(e))) continue;
      throw e;
    }
  }
}

/**
 * Keeps reconciling every `intervalMs` (upstream's endpoint reconciler runs every 10 s) until
 * `signal` aborts; failures are logged and retried on the next round. Resolves when stopped.
 */
export async function runKubernetesEndpointsReconciler(
  client: RestClient, opts: KubernetesEndpointsOptions, signal: AbortSignal, o: { intervalMs?: number; log?: Logger } = {},
): Promise<void> {
  const log = o.log ?? silentLogger;
  while (!signal.aborted) {
    try {
      await reconcileKubernetesEndpoints(client, opts);
    } catch (e) {
      if (!signal.aborted) log.warn('could not reconcile the kubernetes service endpoints', { err: e });
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, o.intervalMs ?? 10_000);
      function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
