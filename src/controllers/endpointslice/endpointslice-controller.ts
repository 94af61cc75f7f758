// The EndpointSlice controller (upstream pkg/controller/endpointslice): for every Service with a
// selector, keeps discovery.k8s.io/v1 EndpointSlices listing the selected pods — one endpoint per
// pod with its address, conditions, node, zone and pod reference, grouped by the ports each pod
// resolves, at most maxEndpointsPerSlice per slice. Services without a selector are left to their
// owners; ExternalName Services get none. Deleted Services' slices go with the garbage collector
// (owner reference), as upstream.
import type { Logger } from '../../api/log.js';
import { selectorFromSet } from '../../api/selectors/index.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { objectKey, splitKey } from '../../client/paths.js';
import { rfc3339 } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { podsResource, type PodObject } from '../common/types.js';
import { endpointPorts, podToEndpoint, portsKey, shouldPodBeInEndpoints } from './pod-endpoints.js';
import { planSlices, type EndpointGroup, type SlicePlan } from './reconciler.js';
import { writeSlicePlan } from './slice-writer.js';
import { SliceWriteTracker, TriggerTimeTracker } from './trackers.js';
import {
  controllerName, endpointSlicesResource, labelManagedBy, labelServiceName, nodesResource, servicesResource, zoneLabel,
  type EndpointSliceObject, type NodeObject, type ServiceObject,
} from './types.js';

export interface EndpointSliceControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  clock?: Clock;
  workers?: number;
  /** upstream --max-endpoints-per-slice (default 100, at most 1000). */
  maxEndpointsPerSlice?: number;
}

/** The selector of a Service that has one (a missing or empty selector means user-managed endpoints). */
export function serviceSelector(svc: ServiceObject): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

export class EndpointSliceController {
  readonly queue: WorkQueue<string>;
  private readonly informers: InformerFactory;
  private readonly services: SharedInformer<ServiceObject>;
  private readonly pods: SharedInformer<PodObject>;
  private readonly nodes: SharedInformer<NodeObject>;
  private readonly slices: SharedInformer<EndpointSliceObject>;
  private readonly sliceClient: ResourceClient<EndpointSliceObject>;
  private readonly clock: Clock;
  private readonly triggers = new TriggerTimeTracker();
  private readonly written: SliceWriteTracker;
  private readonly max: number;

  constructor(private readonly opts: EndpointSliceControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.max = Math.min(1000, Math.max(1, opts.maxEndpointsPerSlice ?? 100));
    const client = new RestClient(opts.transport, { fieldManager: controllerName });
    this.informers = opts.informers ?? new InformerFactory(client, { clock: opts.clock, log: opts.log });
    this.sliceClient = client.resource<EndpointSliceObject>(endpointSlicesResource);
    this.services = this.informers.informerFor<ServiceObject>(servicesResource);
    this.pods = this.informers.informerFor<PodObject>(podsResource);
    this.nodes = this.informers.informerFor<NodeObject>(nodesResource);
    this.slices = this.informers.informerFor<EndpointSliceObject>(endpointSlicesResource, { labelSelector: `${labelManagedBy}=${controllerName}` });
    this.written = new SliceWriteTracker(() => this.clock.now());
    this.queue = new WorkQueue<string>({ name: 'endpoint_slice', clock: opts.clock });

    const enqueue = (key: string) => this.queue.add(key);
    this.services.addEventHandler({
      onAdd: (s) => enqueue(objectKey(s)),
      onUpdate: (_o, s) => enqueue(objectKey(s)),
      onDelete: (s) => { const k = objectKey(s); this.triggers.forget(k); this.written.forget(k); },
    });
    const byPod = (pod: PodObject) => { for (const s of this.servicesSelecting(pod)) enqueue(objectKey(s)); };
    this.pods.addEventHandler({
      onAdd: byPod,
      onUpdate: (o, n) => { byPod(n); if (o.metadata.labels !== n.metadata.labels) byPod(o); },
      onDelete: byPod,
    });
    // A slice changed by someone else is put right; our own writes come back as no-op syncs.
    const bySlice = (s: EndpointSliceObject) => {
      const svc = s.metadata.labels?.[labelServiceName];
      if (svc && s.metadata.namespace) enqueue(`${s.metadata.namespace}/${svc}`);
    };
    this.slices.addEventHandler({ onAdd: bySlice, onUpdate: (_o, n) => bySlice(n), onDelete: bySlice });
    // Zones come from node labels; a node changing zone is rare, so every Service is looked at again.
    this.nodes.addEventHandler({
      onUpdate: (o, n) => {
        if (o.metadata.labels?.[zoneLabel] === n.metadata.labels?.[zoneLabel]) return;
        for (const s of this.services.lister.list()) enqueue(objectKey(s));
      },
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 2, reconcile: (k) => this.sync(k), signal, log: this.opts.log });
  }

  private servicesSelecting(pod: PodObject): ServiceObject[] {
    return this.services.lister.list({ namespace: pod.metadata.namespace ?? '' }).filter((s) => {
      const sel = serviceSelector(s);
      return sel !== undefined && selectorFromSet(sel).matches(pod.metadata.labels ?? {});
    });
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.lister.get(namespace, name);
    if (!svc) return;
    const selector = serviceSelector(svc);
    if (!selector) return;
    const cachedSlice = (n: string) => this.slices.lister.get(namespace, n)?.metadata;
    if (!this.written.isCurrent(key, cachedSlice)) return { requeueAfterMs: 50 };
    const existing = this.slices.lister
      .list({ namespace })
      .filter((s) => s.metadata.labels?.[labelServiceName] === name && s.addressType === 'IPv4' && !s.metadata.deletionTimestamp);

    if (svc.spec?.type === 'ExternalName') {
      return this.write(key, { create: [], update: [], delete: existing });
    }
    const match = selectorFromSet(selector);
    const pods = this.pods.lister.list({ namespace }).filter((p) => match.matches(p.metadata.labels ?? {}));
    const desired = new Map<string, EndpointGroup>();
    for (const pod of pods) {
      // Terminating pods stay listed (serving, not ready) so proxies can drain them.
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      if (pod.status?.podIP?.includes(':')) continue; // IPv4 slices only, as the service CIDR is IPv4
      const ports = endpointPorts(svc, pod);
      const pk = portsKey(ports);
      let group = desired.get(pk);
      if (!group) desired.set(pk, (group = { ports, endpoints: [] }));
      const node = pod.spec?.nodeName ? this.nodes.lister.get(undefined, pod.spec.nodeName) : undefined;
      group.endpoints.push(podToEndpoint(svc, pod, node));
    }
    const trigger = this.triggers.compute(key, svc, pods);
    const plan = planSlices(svc, desired, existing, { maxEndpointsPerSlice: this.max, triggerTime: trigger !== undefined ? rfc3339(trigger) : undefined });
    return this.write(key, plan);
  }

  private async write(key: string, plan: SlicePlan): Promise<void | ReconcileResult> {
    try {
      const r = await writeSlicePlan(this.sliceClient, this.written, key, splitKey(key).namespace, plan);
      if (r) this.triggers.forget(key);
      return r;
    } catch (e) {
      // A failed sync is retried with a fresh trigger computation.
      this.triggers.forget(key);
      throw e;
    }
  }
}
