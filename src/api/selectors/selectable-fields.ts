// Which fields a field selector may name per resource, and their values for one object: upstream's
// per-resource ToSelectableFields / field-label conversion functions. Everything supports
// metadata.name and (namespaced resources) metadata.namespace.

import { errors } from '../errors.js';
import type { KubeObject } from '../types.js';
import type { FieldSelector } from './fields.js';

type Extractor = (obj: KubeObject) => Record<string, string>;

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Go's zero-value rendering: absent strings are "", absent numbers "0", absent booleans "false". */
const str = (obj: unknown, path: string): string => {
  const v = get(obj, path);
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
};
const num = (obj: unknown, path: string): string => {
  const v = get(obj, path);
  return typeof v === 'number' ? String(v) : '0';
};
const bool = (obj: unknown, path: string): string => (get(obj, path) === true ? 'true' : 'false');

function podFields(o: KubeObject): Record<string, string> {
  const podIPs = get(o, 'status.podIPs');
  const firstIP = Array.isArray(podIPs) && podIPs.length > 0 ? str(podIPs[0], 'ip') : str(o, 'status.podIP');
  return {
    'spec.nodeName': str(o, 'spec.nodeName'),
    // Old v1 clients send spec.host; upstream converts it to spec.nodeName.
    'spec.host': str(o, 'spec.nodeName'),
    'spec.restartPolicy': str(o, 'spec.restartPolicy'),
    'spec.schedulerName': str(o, 'spec.schedulerName'),
    'spec.serviceAccountName': str(o, 'spec.serviceAccountName'),
    'spec.hostNetwork': bool(o, 'spec.hostNetwork'),
    'status.phase': str(o, 'status.phase'),
    'status.podIP': firstIP,
    'status.nominatedNodeName': str(o, 'status.nominatedNodeName'),
  };
}

function coreEventFields(o: KubeObject): Record<string, string> {
  return {
    'involvedObject.kind': str(o, 'involvedObject.kind'),
    'involvedObject.namespace': str(o, 'involvedObject.namespace'),
    'involvedObject.name': str(o, 'involvedObject.name'),
    'involvedObject.uid': str(o, 'involvedObject.uid'),
    'involvedObject.apiVersion': str(o, 'involvedObject.apiVersion'),
    'involvedObject.resourceVersion': str(o, 'involvedObject.resourceVersion'),
    'involvedObject.fieldPath': str(o, 'involvedObject.fieldPath'),
    reason: str(o, 'reason'),
    reportingComponent: str(o, 'reportingComponent'),
    source: str(o, 'source.component'),
    type: str(o, 'type'),
  };
}

/**
 * events.k8s.io Events share the core registry upstream, so they answer to the core field names;
 * the v1 shape keeps the same facts under regarding / reportingController / deprecatedSource.
 */
function eventsV1Fields(o: KubeObject): Record<string, string> {
  return {
    'involvedObject.kind': str(o, 'regarding.kind'),
    'involvedObject.namespace': str(o, 'regarding.namespace'),
    'involvedObject.name': str(o, 'regarding.name'),
    'involvedObject.uid': str(o, 'regarding.uid'),
    'involvedObject.apiVersion': str(o, 'regarding.apiVersion'),
    'involvedObject.resourceVersion': str(o, 'regarding.resourceVersion'),
    'involvedObject.fieldPath': str(o, 'regarding.fieldPath'),
    reason: str(o, 'reason'),
    reportingComponent: str(o, 'reportingController'),
    source: str(o, 'deprecatedSource.component'),
    type: str(o, 'type'),
  };
}

interface FieldSpec {
  extract: Extractor;
  /** Cluster-scoped kinds whose upstream conversion refuses metadata.namespace. */
  noNamespaceLabel?: boolean;
}

const specific: Record<string, FieldSpec> = {
  '/pods': { extract: podFields },
  '/events': { extract: coreEventFields },
  'events.k8s.io/events': { extract: eventsV1Fields },
  '/secrets': { extract: (o) => ({ type: str(o, 'type') }) },
  '/nodes': { extract: (o) => ({ 'spec.unschedulable': bool(o, 'spec.unschedulable') }), noNamespaceLabel: true },
  '/namespaces': { extract: (o) => ({ 'status.phase': str(o, 'status.phase') }), noNamespaceLabel: true },
  '/replicationcontrollers': { extract: (o) => ({ 'status.replicas': num(o, 'status.replicas') }) },
  'apps/replicasets': { extract: (o) => ({ 'status.replicas': num(o, 'status.replicas') }) },
  'batch/jobs': { extract: (o) => ({ 'status.successful': num(o, 'status.succeeded') }) },
  '/services': { extract: (o) => ({ 'spec.clusterIP': str(o, 'spec.clusterIP'), 'spec.type': str(o, 'spec.type') }) },
  'certificates.k8s.io/certificatesigningrequests': { extract: (o) => ({ 'spec.signerName': str(o, 'spec.signerName') }) },
};

const emptyObject: KubeObject = {};

/**
 * The selectable fields of one object of group/resource. `extra` adds fields a custom resource
 * declares (CRD selectableFields), already evaluated by the caller.
 */
export function selectableFields(group: string, resource: string, obj: KubeObject, extra?: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
  const ns = obj.metadata?.namespace;
  if (ns !== undefined && ns !== '') out['metadata.namespace'] = ns;
  else if (!specific[`${group}/${resource}`]?.noNamespaceLabel) out['metadata.namespace'] = '';
  Object.assign(out, specific[`${group}/${resource}`]?.extract(obj) ?? {}, extra ?? {});
  return out;
}

/** The field labels a selector may use for group/resource. */
export function supportedFieldLabels(group: string, resource: string, extra: string[] = []): string[] {
  return Object.keys(selectableFields(group, resource, emptyObject)).concat(extra);
}

/**
 * Rejects selectors naming fields the resource does not support, as upstream's field-label
 * conversion does: 400 BadRequest `field label not supported: <label>`.
 */
export function validateFieldSelector(selector: FieldSelector, group: string, resource: string, extra: string[] = []): void {
  const allowed = new Set(supportedFieldLabels(group, resource, extra));
  for (const r of selector.requirements) {
    if (!allowed.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
  }
}
