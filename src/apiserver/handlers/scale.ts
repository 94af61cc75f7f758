// The scale subresource (autoscaling/v1 Scale) of workloads: spec.replicas in and out, the
// label selector as a string in status, as `kubectl scale` and autoscalers read it.
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject, StoredObject } from '../../api/types.js';
import { errors, fieldErrors } from '../../api/errors.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function selectorString(selector: unknown): string {
  const s = rec(selector);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(rec(s.matchLabels)).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${k}=${String(v)}`);
  for (const e of Array.isArray(s.matchExpressions) ? s.matchExpressions.map(rec) : []) {
    const values = (Array.isArray(e.values) ? e.values : []).map(String).sort();
    switch (e.operator) {
      case 'In': parts.push(`${String(e.key)} in (${values.join(',')})`); break;
      case 'NotIn': parts.push(`${String(e.key)} notin (${values.join(',')})`); break;
      case 'Exists': parts.push(String(e.key)); break;
      case 'DoesNotExist': parts.push(`!${String(e.key)}`); break;
    }
  }
  return parts.join(',');
}

export function scaleOf(_info: ResourceInfo, obj: StoredObject): KubeObject {
  const spec = rec(obj.spec), status = rec(obj.status);
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: selectorString(spec.selector) },
  };
}

export function applyScale(current: StoredObject, scale: KubeObject): KubeObject {
  const replicas = rec(scale.spec).replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('autoscaling', 'Scale', current.metadata.name, [
      // Upstream: spec.replicas: Invalid value: -1: must be greater than or equal to 0
      fieldErrors.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
    ]);
  }
  return { ...current, spec: { ...rec(current.spec), replicas } };
}
