// The slice packing of upstream's EndpointSlice reconciler (staging k8s.io/endpointslice), as a
// pure function from the wanted endpoints and the existing slices to the writes that get there
// with little churn: endpoints stay in the slice they are in, changed slices are updated in place,
// new endpoints first fill slices that are being written anyway, then one unchanged slice they
// fit in, and only then go to new slices; a slice that would be deleted while another is created
// is reused instead; a Service with no endpoints keeps exactly one empty placeholder slice.
import type { OwnerReference } from '../../api/types.js';
import { canonicalJson } from '../common/hash.js';
import { endpointKey, portsKey } from './pod-endpoints.js';
import {
  annotationTriggerTime, controllerName, isHeadless, labelHeadless, labelManagedBy, labelServiceName,
  type Endpoint, type EndpointPort, type EndpointSliceObject, type ServiceObject,
} from './types.js';

export interface EndpointGroup { ports: EndpointPort[]; endpoints: Endpoint[] }

/** A slice to create: no name yet (generateName). */
export interface NewSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: { generateName: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string>; ownerReferences: OwnerReference[] };
  addressType: 'IPv4';
  endpoints: Endpoint[];
  ports: EndpointPort[];
}

export interface SlicePlan {
  create: NewSlice[];
  update: EndpointSliceObject[];
  delete: EndpointSliceObject[];
}

export interface PlanOptions {
  maxEndpointsPerSlice: number;
  /** RFC 3339 time of the change that triggered this sync, written on every slice written. */
  triggerTime?: string;
  /** Keep one empty slice when there are no endpoints (the EndpointSlice controller does; mirroring does not). */
  placeholder?: boolean;
}

/** The labels a Service's slices carry (setEndpointSliceLabels): the Service's own plus ours. */
export function sliceLabels(svc: ServiceObject): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
    if (k === labelServiceName || k === labelManagedBy || k === labelHeadless) continue;
    labels[k] = v;
  }
  if (isHeadless(svc)) labels[labelHeadless] = '';
  labels[labelServiceName] = svc.metadata.name;
  labels[labelManagedBy] = controllerName;
  return labels;
}

/** generateName for a Service's slices: its name and a dash, cut so the generated name fits 63. */
export function slicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  return prefix.length > 58 ? prefix.slice(0, 58) : prefix;
}

export function serviceOwnerRef(svc: ServiceObject): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true };
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

interface Draft { slice?: EndpointSliceObject; ports: EndpointPort[]; endpoints: Endpoint[] }

/** Who the slices belong to: their labels, owner and name prefix. */
export interface SliceOwner {
  namespace: string;
  generateName: string;
  labels: Record<string, string>;
  ownerRef: OwnerReference;
}

/** The slices of a Service with a selector (the EndpointSlice controller's). */
export function planSlices(svc: ServiceObject, desired: ReadonlyMap<string, EndpointGroup>, existing: readonly EndpointSliceObject[], opts: PlanOptions): SlicePlan {
  return planSlicesFor({ namespace: svc.metadata.namespace ?? '', generateName: slicePrefix(svc.metadata.name), labels: sliceLabels(svc), ownerRef: serviceOwnerRef(svc) }, desired, existing, opts);
}

export function planSlicesFor(o: SliceOwner, desired: ReadonlyMap<string, EndpointGroup>, existing: readonly EndpointSliceObject[], opts: PlanOptions): SlicePlan {
  const max = Math.max(1, opts.maxEndpointsPerSlice);
  const labels = o.labels;
  const owner = o.ownerRef;
  const metaCurrent = (s: EndpointSliceObject) =>
    same(s.metadata.labels, labels) && (s.metadata.ownerReferences ?? []).some((r) => r.uid === owner.uid && r.controller === true);

  const byPorts = new Map<string, EndpointSliceObject[]>();
  for (const s of existing) {
    const k = portsKey(s.ports);
    byPorts.set(k, [...(byPorts.get(k) ?? []), s]);
  }
  const toWrite: Draft[] = [];
  const toDelete: EndpointSliceObject[] = [];
  const toCreate: Draft[] = [];

  for (const [pk, group] of desired) {
    const wanted = new Map(group.endpoints.map((e) => [endpointKey(e), e]));
    const updating: Draft[] = [];
    const unchanged: EndpointSliceObject[] = [];
    for (const slice of byPorts.get(pk) ?? []) {
      const kept: Endpoint[] = [];
      let changed = !metaCurrent(slice) || !same(slice.ports, group.ports);
      for (const ep of slice.endpoints ?? []) {
        const key = endpointKey(ep);
        const want = wanted.get(key);
        if (!want) { changed = true; continue; }
        if (!same(ep, want)) changed = true;
        kept.push(want);
        wanted.delete(key);
      }
      if (!changed) unchanged.push(slice);
      else if (kept.length === 0) toDelete.push(slice);
      else updating.push({ slice, ports: group.ports, endpoints: kept });
    }
    byPorts.delete(pk);
    const remaining = [...wanted.values()];
    // Slices written anyway take new endpoints first, fullest first (fewest slices in the end).
    updating.sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const d of updating) {
      while (remaining.length > 0 && d.endpoints.length < max) d.endpoints.push(remaining.shift()!);
    }
    // What is left goes into the fullest unchanged slice it fits in whole, saving a create.
    if (remaining.length > 0 && remaining.length < max) {
      const fit = unchanged
        .filter((s) => (s.endpoints?.length ?? 0) + remaining.length <= max)
        .sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0))[0];
      if (fit) {
        updating.push({ slice: fit, ports: group.ports, endpoints: [...(fit.endpoints ?? []), ...remaining.splice(0)] });
      }
    }
    while (remaining.length > 0) toCreate.push({ ports: group.ports, endpoints: remaining.splice(0, max) });
    toWrite.push(...updating);
  }
  // Slices whose port set nobody serves any more.
  for (const slices of byPorts.values()) toDelete.push(...slices);

  // No endpoints at all: one empty placeholder slice stays (upstream keeps it for consumers).
  const remainingSlices = existing.length - toDelete.length;
  if (opts.placeholder !== false && toCreate.length === 0 && toWrite.length === 0 && remainingSlices === 0) {
    const keep = toDelete.find((s) => (s.endpoints?.length ?? 0) === 0 && (s.ports?.length ?? 0) === 0 && metaCurrent(s));
    if (keep) toDelete.splice(toDelete.indexOf(keep), 1);
    else toCreate.push({ ports: [], endpoints: [] });
  }

  // Reuse slices due for deletion for what would be created: an update instead of two writes.
  while (toCreate.length > 0 && toDelete.length > 0) {
    const d = toCreate.shift()!;
    toWrite.push({ ...d, slice: toDelete.shift()! });
  }

  const annotate = (a: Record<string, string> | undefined) => {
    if (!opts.triggerTime) return a;
    return { ...(a ?? {}), [annotationTriggerTime]: opts.triggerTime };
  };
  return {
    create: toCreate.map((d) => {
      const annotations = annotate(undefined);
      return {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { generateName: o.generateName, namespace: o.namespace, labels, ...(annotations ? { annotations } : {}), ownerReferences: [owner] },
        addressType: 'IPv4', endpoints: d.endpoints, ports: d.ports,
      };
    }),
    update: toWrite.map((d) => {
      const s = d.slice!;
      const others = (s.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.uid && r.controller !== true);
      const annotations = annotate(s.metadata.annotations);
      return {
        ...s,
        metadata: { ...s.metadata, labels, ...(annotations ? { annotations } : {}), ownerReferences: [...others, owner] },
        endpoints: d.endpoints, ports: d.ports,
      };
    }),
    delete: toDelete,
  };
}
