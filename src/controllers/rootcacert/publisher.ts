// The root CA publisher (upstream pkg/controller/certificates/rootcacertpublisher): every
// namespace holds a `kube-root-ca.crt` ConfigMap whose `ca.crt` is the cluster CA, restored when
// it is changed or deleted, so pods can verify the API server.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import { RestClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController } from '../../client/controller.js';
import type { Clock } from '../../client/clock.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/status.js';
import type { RestTransport } from '../../client/transport.js';

export interface RootCACertPublisherOptions {
  transport: RestTransport;
  log: Logger;
  /** The cluster CA bundle (PEM). */
  rootCA: string;
  informers?: InformerFactory;
  clock?: Clock;
  workers?: number;
}

export const rootCAConfigMapName = 'kube-root-ca.crt';
export const rootCADataKey = 'ca.crt';
/** The annotation upstream puts on the ConfigMap. */
export const descriptionAnnotation = 'kubernetes.io/description';
const description = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

const namespacesRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false } as const;
const configMapsRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true } as const;

type ConfigMap = KubeObject & { data?: Record<string, string> };

function namespaceActive(ns: KubeObject | undefined): boolean {
  if (!ns || ns.metadata?.deletionTimestamp) return false;
  return (ns as { status?: { phase?: string } }).status?.phase !== 'Terminating';
}

export class RootCACertPublisher {
  readonly queue: WorkQueue<string>;
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly nsInformer: SharedInformer<KubeObject>;
  private readonly cmInformer: SharedInformer<ConfigMap>;

  constructor(private readonly opts: RootCACertPublisherOptions) {
    this.client = new RestClient(opts.transport, { fieldManager: 'root-ca-cert-publisher' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { clock: opts.clock, log: opts.log });
    this.nsInformer = this.informers.informerFor<KubeObject>(namespacesRef);
    this.cmInformer = this.informers.informerFor<ConfigMap>(configMapsRef);
    this.queue = new WorkQueue<string>({ name: 'root_ca_cert_publisher', clock: opts.clock });
    const byNs = (ns: KubeObject) => this.queue.add(ns.metadata?.name ?? '');
    this.nsInformer.addEventHandler({ onAdd: byNs, onUpdate: (_o, n) => byNs(n) });
    const byCm = (cm: KubeObject) => { if (cm.metadata?.name === rootCAConfigMapName) this.queue.add(cm.metadata?.namespace ?? ''); };
    this.cmInformer.addEventHandler({ onAdd: byCm, onUpdate: (_o, n) => byCm(n), onDelete: byCm });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 2, reconcile: (k) => this.sync(k), signal, log: this.opts.log });
  }

  async sync(namespace: string): Promise<void> {
    if (!namespaceActive(this.nsInformer.lister.get(undefined, namespace))) return;
    const cms = this.client.resource<ConfigMap>(configMapsRef);
    const cached = this.cmInformer.lister.get(namespace, rootCAConfigMapName);
    const data = { [rootCADataKey]: this.opts.rootCA };
    try {
      if (!cached) {
        await cms.create(namespace, {
          apiVersion: 'v1', kind: 'ConfigMap',
          metadata: { name: rootCAConfigMapName, annotations: { [descriptionAnnotation]: description } }, data,
        } as ConfigMap);
        return;
      }
      const d = cached.data ?? {};
      // The data must be exactly the CA; the description annotation only has to be present (as upstream).
      if (Object.keys(d).length === 1 && d[rootCADataKey] === this.opts.rootCA && cached.metadata?.annotations?.[descriptionAnnotation]) return;
      const next = structuredClone(cached);
      next.data = data;
      next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [descriptionAnnotation]: description } };
      await cms.update(namespace, next);
    } catch (e) {
      // The cache will catch up and wake us again (conflict, already exists, namespace gone).
      if (isAlreadyExists(e) || isConflict(e) || isNotFound(e)) return;
      if (e instanceof Error && /being terminated/i.test(e.message)) return;
      throw e;
    }
  }
}
