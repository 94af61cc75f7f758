// Moving from client-side to server-side apply (upstream's lastAppliedManager and
// lastAppliedUpdater, both active only for the field manager "kubectl", kubectl's default for
// `apply --server-side`):
//  - conflicts on fields that the last-applied-configuration annotation lists, with the same
//    value as live, are not conflicts: kubectl applied them before, client-side;
//  - after a successful apply, an existing annotation is rewritten to the new configuration so
//    a later client-side apply computes its patch from what was applied last.

import type { KubeObject } from '../types.js';
import { compareObjects, fieldSetOf, PathSet, type TypeInfo } from '../fieldmanager/index.js';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
/** The manager whose applies upgrade and sync the annotation. */
export const kubectlApplyManager = 'kubectl';
/** Upstream's limit on the total size of an object's annotations. */
const totalAnnotationSizeLimit = 256 * 1024;

function annotationOf(obj: KubeObject | undefined): string | undefined {
  const v = obj?.metadata?.annotations?.[lastAppliedAnnotation];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The fields the live object's last-applied configuration sets to the values they still have;
 * undefined when there is no usable annotation (missing, not JSON, another apiVersion).
 */
export function allowedConflictsFromLastApplied(live: KubeObject, apiVersion: string, info: TypeInfo): PathSet | undefined {
  const text = annotationOf(live);
  if (text === undefined) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof lastApplied !== 'object' || lastApplied === null || Array.isArray(lastApplied)) return undefined;
  if ((lastApplied as KubeObject).apiVersion !== apiVersion) return undefined;
  const set = fieldSetOf(lastApplied, info);
  const cmp = compareObjects(lastApplied, live, info);
  return set.difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
}

/** Go's encoding/json output for a decoded JSON value: object keys sorted, no spaces. */
function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${goJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** The annotation value for an applied configuration: itself without the annotation, as JSON with a newline. */
export function buildLastApplied(applied: KubeObject): string {
  const copy = structuredClone(applied);
  const annotations = copy.metadata?.annotations;
  if (annotations) delete annotations[lastAppliedAnnotation];
  return `${goJson(copy)}\n`;
}

/** Rewrites an existing annotation on `result` (mutated) to the applied configuration. */
export function syncLastApplied(result: KubeObject, applied: KubeObject): void {
  if (annotationOf(result) === undefined) return;
  const annotations = { ...(result.metadata?.annotations ?? {}) };
  annotations[lastAppliedAnnotation] = buildLastApplied(applied);
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += k.length + v.length;
  if (size > totalAnnotationSizeLimit) delete annotations[lastAppliedAnnotation];
  result.metadata = { ...(result.metadata ?? {}), annotations };
}
