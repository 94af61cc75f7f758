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

/** Where a custom resource keeps replicas and its selector (the CRD's scale subresource). */
export interface ScalePaths { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string }

const builtinPaths: ScalePaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };

function segments(path: string): string[] {
  return path.replace(/^\./, '').split('.').filter(Boolean);
}

function read(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of segments(path)) cur = rec(cur)[k];
  return cur;
}

function write(obj: Obj, path: string, value: unknown): Obj {
  const [head, ...rest] = segments(path);
  if (!head) return obj;
  return { ...obj, [head]: rest.length ? write(rec(obj[head]), rest.join('.'), value) : value };
}

export function scaleOf(_info: ResourceInfo, obj: StoredObject, paths?: ScalePaths): KubeObject {
  const m = obj.metadata;
  const p = paths ?? builtinPaths;
  const specReplicas = read(obj, p.specReplicasPath);
  const statusReplicas = read(obj, p.statusReplicasPath);
  // Built-in workloads carry a LabelSelector object; custom resources a selector string at labelSelectorPath.
  const selector = paths ? (p.labelSelectorPath ? read(obj, p.labelSelectorPath) : undefined) : selectorString(rec(obj.spec).selector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
    status: { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0, ...(typeof selector === 'string' && selector ? { selector } : {}) },
  };
}

export function applyScale(current: StoredObject, scale: KubeObject, paths?: ScalePaths): KubeObject {
  const replicas = rec(scale.spec).replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('autoscaling', 'Scale', current.metadata.name, [
      // Upstream: spec.replicas: Invalid value: -1: must be greater than or equal to 0
      fieldErrors.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
    ]);
  }
  return write(current as Obj, (paths ?? builtinPaths).specReplicasPath, replicas) as KubeObject;
}
