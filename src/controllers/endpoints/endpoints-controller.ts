// The Endpoints controller (upstream pkg/controller/endpoint): keeps the legacy v1 Endpoints
// object named like each Service with a selector — ready addresses, not-ready addresses and ports,
// at most 1000 addresses (annotated over-capacity: truncated), the Service's labels plus the
// headless label. Endpoints of deleted Services are deleted; Services without a selector keep
// their hand-made Endpoints untouched.
import type { Logger } from '../../api/log.js';
import { selectorFromSet } from '../../api/selectors/index.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runController, type ReconcileResult } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { objectKey, splitKey } from '../../client/paths.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/status.js';
import { rfc3339 } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { canonicalJson } from '../common/hash.js';
import { podsResource, type PodObject } from '../common/types.js';
import { serviceSelector } from '../endpointslice/endpointslice-controller.js';
import { TriggerTimeTracker } from '../endpointslice/trackers.js';
import {
  annotationOverCapacity, annotationTriggerTime, endpointsResource, isHeadless, labelHeadless, servicesResource,
  type EndpointsObject, type ServiceObject,
} from '../endpointslice/types.js';
import { desiredSubsets, truncateSubsets } from './subsets.js';

export interface EndpointsControllerOptions {
  transport: RestTransport;
  log: Logger;
  informers?: InformerFactory;
  clock?: Clock;
  workers?: number;
}

/** How soon a sync that met a cache behind its own writes runs again. */
const staleCacheRetryMs = 100;

export class EndpointsController {
  readonly queue: WorkQueue<string>;
  private readonly informers: InformerFactory;
  private readonly services: SharedInformer<ServiceObject>;
  private readonly pods: SharedInformer<PodObject>;
  private readonly endpoints: SharedInformer<EndpointsObject>;
  private readonly client: ResourceClient<EndpointsObject>;
  private readonly triggers = new TriggerTimeTracker();
  /** Services seen with a selector, so the Endpoints of a deleted one is removed (and only then). */
  private readonly managed = new Set<string>();

  constructor(private readonly opts: EndpointsControllerOptions) {
    const rest = new RestClient(opts.transport, { fieldManager: 'endpoint-controller' });
    this.informers = opts.informers ?? new InformerFactory(rest, { clock: opts.clock ?? realClock, log: opts.log });
    this.client = rest.resource<EndpointsObject>(endpointsResource);
    this.services = this.informers.informerFor<ServiceObject>(servicesResource);
    this.pods = this.informers.informerFor<PodObject>(podsResource);
    this.endpoints = this.informers.informerFor<EndpointsObject>(endpointsResource);
    this.queue = new WorkQueue<string>({ name: 'endpoint', clock: opts.clock });
    const enqueue = (obj: { metadata?: { namespace?: string; name?: string } }) => this.queue.add(objectKey(obj));
    this.services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    const byPod = (pod: PodObject) => {
      for (const s of this.services.lister.list({ namespace: pod.metadata.namespace ?? '' })) {
        const sel = serviceSelector(s);
        if (sel && selectorFromSet(sel).matches(pod.metadata.labels ?? {})) enqueue(s);
      }
    };
    this.pods.addEventHandler({ onAdd: byPod, onUpdate: (o, n) => { byPod(n); byPod(o); }, onDelete: byPod });
    // An Endpoints object changed or deleted by someone else is put back (upstream does the same).
    this.endpoints.addEventHandler({ onUpdate: (_o, n) => this.enqueueIfManaged(n), onDelete: (e) => this.enqueueIfManaged(e) });
  }

  start(signal: AbortSignal): Promise<void> {
    return runController({ informers: this.informers, queue: this.queue, workers: this.opts.workers ?? 2, reconcile: (k) => this.sync(k), signal, log: this.opts.log });
  }

  private enqueueIfManaged(ep: EndpointsObject): void {
    const svc = this.services.lister.get(ep.metadata.namespace, ep.metadata.name);
    if (svc && serviceSelector(svc)) this.queue.add(objectKey(ep));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.lister.get(namespace, name);
    if (!svc) {
      this.triggers.forget(key);
      // The Endpoints goes with its Service, as upstream deletes it whatever the selector was.
      if (this.managed.delete(key) || this.endpoints.lister.get(namespace, name)) {
        try { await this.client.delete(namespace, name); } catch (e) { if (!isNotFound(e)) throw e; }
      }
      return;
    }
    const selector = serviceSelector(svc);
    if (!selector || svc.spec?.type === 'ExternalName') { this.managed.delete(key); return; }
    this.managed.add(key);
    const match = selectorFromSet(selector);
    const pods = this.pods.lister.list({ namespace }).filter((p) => match.matches(p.metadata.labels ?? {}));
    const subsets = desiredSubsets(svc, pods);
    const truncated = truncateSubsets(subsets);
    const trigger = this.triggers.compute(key, svc, pods);

    const current = this.endpoints.lister.get(namespace, name);
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (isHeadless(svc)) labels[labelHeadless] = '';
    else delete labels[labelHeadless];
    const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
    if (truncated) annotations[annotationOverCapacity] = 'truncated';
    else delete annotations[annotationOverCapacity];
    const stripTrigger = (a: Record<string, string> | undefined) => { const c = { ...(a ?? {}) }; delete c[annotationTriggerTime]; return c; };
    if (current
      && canonicalJson(current.subsets ?? []) === canonicalJson(subsets)
      && canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels)
      && canonicalJson(stripTrigger(current.metadata.annotations)) === canonicalJson(stripTrigger(annotations))) {
      return;
    }
    if (trigger !== undefined) annotations[annotationTriggerTime] = rfc3339(trigger);
    const body: EndpointsObject = {
      ...(current ?? {}),
      apiVersion: 'v1', kind: 'Endpoints',
      metadata: { ...(current?.metadata ?? {}), name, namespace, labels, annotations } as EndpointsObject['metadata'],
      subsets,
    };
    try {
      if (current) await this.client.update(namespace, body);
      else await this.client.create(namespace, body);
    } catch (e) {
      this.triggers.forget(key);
      // Our cache is behind our own last write: look again shortly, without growing the backoff
      // (a burst of pod events would otherwise push the retry out by minutes).
      if (isConflict(e) || isAlreadyExists(e)) return { requeueAfterMs: staleCacheRetryMs };
      throw e;
    }
  }
}
