// The service (load balancer) controller (upstream k8s.io/cloud-provider/controllers/service):
// for every Service of type LoadBalancer without a loadBalancerClass it adds the cleanup
// finalizer, ensures the provider's balancer and writes status.loadBalancer; when the Service is
// deleted or stops being a LoadBalancer it deletes the balancer, clears the status and removes
// the finalizer. Events as upstream: EnsuringLoadBalancer, EnsuredLoadBalancer,
// DeletingLoadBalancer, DeletedLoadBalancer, SyncLoadBalancerFailed.
import type { Logger } from '../../api/log.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { ItemExponentialFailureRateLimiter } from '../../client/rate-limiter.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import type { Clock } from '../../client/clock.js';
import { objectKey, splitKey } from '../../client/paths.js';
import { isConflict, isNotFound } from '../../client/status.js';
import { EventRecorder } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { errorMessage } from '../common/pod-control.js';
import {
  hasCleanupFinalizer, loadBalancerCleanupFinalizer, needsCleanup, wantsLoadBalancer,
  type LoadBalancerProvider, type LoadBalancerStatus, type NodeObject, type ServiceObject,
} from './types.js';

export interface ServiceControllerOptions {
  transport: RestTransport;
  log: Logger;
  loadBalancer: LoadBalancerProvider;
  /** upstream --cluster-name (default "kubernetes"), passed to the provider. */
  clusterName?: string;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
  /** First retry delay after a failed sync (upstream 5 s, doubling to 300 s). */
  retryBaseMs?: number;
}

const servicesRef = { group: '', version: 'v1', resource: 'services', namespaced: true } as const;
const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;

/** Spec fields whose change means the balancer must be ensured again (upstream needsUpdate). */
function balancerFingerprint(svc: ServiceObject): string {
  const s = svc.spec ?? {};
  return canonicalJson([
    wantsLoadBalancer(svc), svc.metadata.uid, s.ports ?? [], s.loadBalancerIP ?? '', s.loadBalancerSourceRanges ?? [],
    s.externalIPs ?? [], s.externalTrafficPolicy ?? '', s.healthCheckNodePort ?? 0, s.ipFamilies ?? [], s.sessionAffinity ?? '',
    svc.metadata.annotations ?? {},
  ]);
}

/** A node's part in the balancer: its InternalIPs and whether it is excluded. */
const nodeFingerprint = (n: NodeObject) => canonicalJson([
  (n.status?.addresses ?? []).filter((a) => a.type === 'InternalIP'), n.metadata.labels?.['node.kubernetes.io/exclude-from-external-load-balancers'] ?? null,
]);

export class ServiceController {
  readonly queue: WorkQueue<string>;
  private readonly informers: InformerFactory;
  private readonly services: SharedInformer<ServiceObject>;
  private readonly nodes: SharedInformer<NodeObject>;
  private readonly client: ResourceClient<ServiceObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly clusterName: string;
  /** The last state seen of each Service, to clean up after one deleted without our finalizer. */
  private readonly lastKnown = new Map<string, ServiceObject>();

  constructor(private readonly opts: ServiceControllerOptions) {
    const rest = new RestClient(opts.transport, { fieldManager: 'service-controller' });
    this.informers = opts.informers ?? new InformerFactory(rest, { clock: opts.clock, log: opts.log });
    this.client = rest.resource<ServiceObject>(servicesRef);
    this.clusterName = opts.clusterName ?? 'kubernetes';
    this.services = this.informers.informerFor<ServiceObject>(servicesRef);
    this.nodes = this.informers.informerFor<NodeObject>(nodesRef);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'service-controller', clock: opts.clock, log: opts.log });
    this.queue = new WorkQueue<string>({
      name: 'service', clock: opts.clock,
      rateLimiter: new ItemExponentialFailureRateLimiter<string>(opts.retryBaseMs ?? 5000, 300_000),
    });
    const enqueue = (s: ServiceObject) => this.queue.add(objectKey(s));
    this.services.addEventHandler({
      onAdd: (s) => { this.lastKnown.set(objectKey(s), s); if (wantsLoadBalancer(s) || needsCleanup(s)) enqueue(s); },
      onUpdate: (o, s) => {
        this.lastKnown.set(objectKey(s), s);
        if (needsCleanup(s) || balancerFingerprint(o) !== balancerFingerprint(s) || (wantsLoadBalancer(s) && !hasCleanupFinalizer(s))) enqueue(s);
      },
      onDelete: (s) => enqueue(s),
    });
    // The balancer spans the nodes (ServiceLB publishes on node addresses): a node set change re-ensures all.
    const byNode = () => { for (const s of this.services.lister.list()) if (wantsLoadBalancer(s)) enqueue(s); };
    this.nodes.addEventHandler({
      onAdd: (_n, initial) => { if (!initial) byNode(); },
      onUpdate: (o, n) => { if (nodeFingerprint(o) !== nodeFingerprint(n)) byNode(); },
      onDelete: byNode,
    });
  }

  /** The Services as cached (for a provider that rebuilds its holdings from their status). */
  listServices(): ServiceObject[] {
    return this.services.lister.list();
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({
      informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 1, reconcile: (k) => this.sync(k), signal, log: this.opts.log,
      onStop: () => (this.ownRecorder ? this.recorder.stop(1000) : undefined),
    });
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.lister.get(namespace, name);
    const lb = this.opts.loadBalancer;
    if (!svc) {
      // Deleted without our finalizer (created before this controller ran, or finalizer removed by hand).
      const last = this.lastKnown.get(key);
      this.lastKnown.delete(key);
      if (last && (await lb.getLoadBalancer(this.clusterName, last)).exists) await this.deleteBalancer(last);
      return;
    }
    if (!wantsLoadBalancer(svc) && !hasCleanupFinalizer(svc)) {
      // Not ours (another type or a loadBalancerClass); release any address we still hold, quietly.
      if (svc.spec?.loadBalancerClass === undefined && (await lb.getLoadBalancer(this.clusterName, svc)).exists) {
        await lb.ensureLoadBalancerDeleted(this.clusterName, svc);
      }
      return;
    }
    try {
      if (needsCleanup(svc)) await this.cleanup(svc);
      else await this.ensure(svc);
    } catch (e) {
      if (isConflict(e)) return { requeueAfterMs: 100 };
      if (isNotFound(e)) return;
      throw e;
    }
  }

  private async ensure(svc: ServiceObject): Promise<void> {
    this.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    let current = svc;
    if (!hasCleanupFinalizer(current)) {
      current = await this.client.patch(svc.metadata.namespace, svc.metadata.name, 'merge', {
        metadata: { finalizers: [...(svc.metadata.finalizers ?? []), loadBalancerCleanupFinalizer], resourceVersion: svc.metadata.resourceVersion },
      });
    }
    let status: LoadBalancerStatus;
    try {
      const nodes = this.nodes.lister.list();
      status = await this.opts.loadBalancer.ensureLoadBalancer(this.clusterName, current, nodes);
    } catch (e) {
      this.recorder.event(current, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: ${errorMessage(e)}`);
      throw e;
    }
    this.recorder.event(current, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    await this.writeStatus(current, status);
  }

  private async cleanup(svc: ServiceObject): Promise<void> {
    if ((await this.opts.loadBalancer.getLoadBalancer(this.clusterName, svc)).exists) await this.deleteBalancer(svc);
    // Status first, then the finalizer: once it is gone the Service may be gone too.
    const cleared = await this.writeStatus(svc, {});
    await this.client.patch(cleared.metadata.namespace, cleared.metadata.name, 'merge', {
      metadata: { finalizers: (cleared.metadata.finalizers ?? []).filter((f) => f !== loadBalancerCleanupFinalizer), resourceVersion: cleared.metadata.resourceVersion },
    });
  }

  private async deleteBalancer(svc: ServiceObject): Promise<void> {
    this.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    try {
      await this.opts.loadBalancer.ensureLoadBalancerDeleted(this.clusterName, svc);
    } catch (e) {
      this.recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error deleting load balancer: ${errorMessage(e)}`);
      throw e;
    }
    this.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
  }

  private async writeStatus(svc: ServiceObject, lbStatus: LoadBalancerStatus): Promise<ServiceObject> {
    if (canonicalJson(svc.status?.loadBalancer ?? {}) === canonicalJson(lbStatus)) return svc;
    return this.client.updateStatus(svc.metadata.namespace, { ...svc, status: { ...(svc.status ?? {}), loadBalancer: lbStatus } });
  }
}
