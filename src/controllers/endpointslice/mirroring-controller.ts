// The EndpointSlice mirroring controller (upstream pkg/controller/endpointslicemirroring): a
// Service without a selector whose Endpoints its user writes by hand gets EndpointSlices mirroring
// them, so consumers that read only slices (the service proxy, DNS) see those endpoints too.
// Endpoints labelled skip-mirror (the Endpoints controller's own, the kubernetes Service's) are
// left alone. Mirrored slices are owned by the Endpoints, labelled managed-by the mirroring
// controller, and list ready addresses as ready and not-ready ones as not ready.
import type { Logger } from '../../api/log.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { objectKey, splitKey } from '../../client/paths.js';
import type { RestTransport } from '../../client/transport.js';
import type { EndpointAddress, EndpointSubset } from 'kubernetes-types/core/v1.js';
import { serviceSelector } from './endpointslice-controller.js';
import { portsKey } from './pod-endpoints.js';
import { planSlicesFor, slicePrefix, type EndpointGroup } from './reconciler.js';
import { writeSlicePlan } from './slice-writer.js';
import { SliceWriteTracker } from './trackers.js';
import {
  endpointSlicesResource, endpointsResource, labelManagedBy, labelServiceName, labelSkipMirror, servicesResource,
  type Endpoint, type EndpointPort, type EndpointSliceObject, type EndpointsObject, type ServiceObject,
} from './types.js';

export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
/** upstream --mirroring-max-endpoints-per-subset. */
const maxEndpointsPerSubset = 1000;

export interface EndpointSliceMirroringControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  clock?: Clock;
  workers?: number;
  maxEndpointsPerSlice?: number;
}

/** The slice endpoints and ports for an Endpoints object's subsets (IPv4 addresses only). */
export function mirroredGroups(subsets: readonly EndpointSubset[]): Map<string, EndpointGroup> {
  const groups = new Map<string, EndpointGroup>();
  for (const subset of subsets) {
    const ports: EndpointPort[] = (subset.ports ?? []).map((p) => {
      const ep: EndpointPort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
      if (p.appProtocol) ep.appProtocol = p.appProtocol;
      return ep;
    });
    const pk = portsKey(ports);
    let group = groups.get(pk);
    if (!group) groups.set(pk, (group = { ports, endpoints: [] }));
    const seen = new Set(group.endpoints.map((e) => e.addresses[0]));
    let budget = maxEndpointsPerSubset;
    const add = (a: EndpointAddress, ready: boolean) => {
      if (budget <= 0 || seen.has(a.ip) || a.ip.includes(':')) return;
      seen.add(a.ip);
      budget--;
      const e: Endpoint = { addresses: [a.ip], conditions: { ready } };
      if (a.hostname) e.hostname = a.hostname;
      if (a.nodeName) e.nodeName = a.nodeName;
      if (a.targetRef) e.targetRef = a.targetRef;
      group!.endpoints.push(e);
    };
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
  }
  for (const [k, g] of groups) if (g.endpoints.length === 0) groups.delete(k);
  return groups;
}

export class EndpointSliceMirroringController {
  readonly queue: WorkQueue<string>;
  private readonly informers: InformerFactory;
  private readonly services: SharedInformer<ServiceObject>;
  private readonly endpoints: SharedInformer<EndpointsObject>;
  private readonly slices: SharedInformer<EndpointSliceObject>;
  private readonly sliceClient: ResourceClient<EndpointSliceObject>;
  private readonly written: SliceWriteTracker;

  constructor(private readonly opts: EndpointSliceMirroringControllerOptions) {
    const clock = opts.clock ?? realClock;
    const client = new RestClient(opts.transport, { fieldManager: mirroringControllerName });
    this.informers = opts.informers ?? new InformerFactory(client, { clock: opts.clock, log: opts.log });
    this.sliceClient = client.resource<EndpointSliceObject>(endpointSlicesResource);
    this.services = this.informers.informerFor<ServiceObject>(servicesResource);
    this.endpoints = this.informers.informerFor<EndpointsObject>(endpointsResource);
    this.slices = this.informers.informerFor<EndpointSliceObject>(endpointSlicesResource, { labelSelector: `${labelManagedBy}=${mirroringControllerName}` });
    this.written = new SliceWriteTracker(() => clock.now());
    this.queue = new WorkQueue<string>({ name: 'endpoint_slice_mirroring', clock: opts.clock });
    const enqueue = (o: { metadata?: { namespace?: string; name?: string } }) => this.queue.add(objectKey(o));
    this.endpoints.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    this.services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    const bySlice = (s: EndpointSliceObject) => {
      const svc = s.metadata.labels?.[labelServiceName];
      if (svc && s.metadata.namespace) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    this.slices.addEventHandler({ onAdd: bySlice, onUpdate: (_o, n) => bySlice(n), onDelete: bySlice });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 2, reconcile: (k) => this.sync(k), signal, log: this.opts.log });
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    if (!this.written.isCurrent(key, (n) => this.slices.lister.get(namespace, n)?.metadata)) return { requeueAfterMs: 50 };
    const existing = this.slices.lister.list({ namespace })
      .filter((s) => s.metadata.labels?.[labelServiceName] === name && s.addressType === 'IPv4' && !s.metadata.deletionTimestamp);
    const svc = this.services.lister.get(namespace, name);
    const ep = this.endpoints.lister.get(namespace, name);
    const mirror = svc && ep && !serviceSelector(svc) && svc.spec?.type !== 'ExternalName' && ep.metadata.labels?.[labelSkipMirror] !== 'true';
    if (!mirror) {
      if (existing.length === 0) return;
      return writeSlicePlan(this.sliceClient, this.written, key, namespace, { create: [], update: [], delete: existing });
    }
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(ep.metadata.labels ?? {})) if (k !== labelManagedBy && k !== labelServiceName) labels[k] = v;
    labels[labelServiceName] = name;
    labels[labelManagedBy] = mirroringControllerName;
    const owner = { namespace, generateName: slicePrefix(name), labels, ownerRef: { apiVersion: 'v1', kind: 'Endpoints', name, uid: ep.metadata.uid, controller: true, blockOwnerDeletion: true } };
    const plan = planSlicesFor(owner, mirroredGroups(ep.subsets ?? []), existing, {
      maxEndpointsPerSlice: this.opts.maxEndpointsPerSlice ?? 100, placeholder: false,
      triggerTime: ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'],
    });
    return writeSlicePlan(this.sliceClient, this.written, key, namespace, plan);
  }
}
