// Per-resource rules on top of the generic registry (upstream keeps these in one small strategy
// per resource): which objects carry a generation, how status is reset and preserved, graceful
// deletion, create-on-update. Everything not listed here behaves generically.
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject } from '../../api/types.js';
import { podQosClass } from './pod-qos.js';

export interface Strategy {
  /** Has a status subresource: the main resource ignores status changes and vice versa. */
  hasStatus: boolean;
  /** metadata.generation is 1 on create and bumped when anything but metadata/status changes. */
  hasGeneration: boolean;
  /** PUT of a missing object creates it. */
  allowCreateOnUpdate: boolean;
  /** Resets done on create (status, server-owned fields). */
  prepareForCreate(obj: KubeObject): void;
  /** Seconds of graceful deletion to apply (0: delete now, subject to finalizers). */
  deleteGracePeriod(obj: KubeObject, requested: number | undefined): number;
  /** Whether an object with a deletionTimestamp and no finalizers may now be removed. */
  readyToRemove(obj: KubeObject): boolean;
  /** Changes made when deletion starts (namespace phase Terminating). */
  onDeletionStarted?(obj: KubeObject): void;
}

// Kinds whose spec changes bump metadata.generation (their controllers report observedGeneration).
const generationGroups = new Set(['apps', 'batch', 'autoscaling', 'policy', 'apiextensions.k8s.io', 'admissionregistration.k8s.io']);
const generationResources = new Set(['replicationcontrollers', 'ingresses', 'networkpolicies', 'ingressclasses', 'flowschemas']);
// Created with their status as given (the node agent registers a Node with its status).
const keepStatusOnCreate = new Set(['nodes']);
const createOnUpdate = new Set(['leases', 'endpoints', 'events', 'endpointslices']);

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function strategyFor(info: ResourceInfo): Strategy {
  const hasStatus = !!info.subresources?.some((s) => s.name === 'status');
  const base: Strategy = {
    hasStatus,
    hasGeneration: generationGroups.has(info.group) || generationResources.has(info.resource) || isCustom(info),
    allowCreateOnUpdate: createOnUpdate.has(info.resource),
    prepareForCreate(obj) {
      if (hasStatus && !keepStatusOnCreate.has(info.resource)) delete obj.status;
    },
    deleteGracePeriod: () => 0,
    readyToRemove: () => true,
  };
  if (info.group === '' && info.resource === 'pods') return { ...base, ...podStrategy };
  if (info.group === '' && info.resource === 'namespaces') return { ...base, ...namespaceStrategy };
  if (info.group === 'apiextensions.k8s.io' && info.resource === 'customresourcedefinitions') {
    return {
      ...base,
      prepareForCreate(obj) {
        // Custom objects are removed before their definition goes (the CRD controller's job).
        const meta = (obj.metadata ??= {});
        if (!meta.finalizers?.includes('customresourcecleanup.apiextensions.k8s.io')) meta.finalizers = [...(meta.finalizers ?? []), 'customresourcecleanup.apiextensions.k8s.io'];
        obj.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: [] };
      },
    };
  }
  if (info.group === '' && (info.resource === 'persistentvolumeclaims' || info.resource === 'persistentvolumes')) {
    return { ...base, prepareForCreate(obj) { obj.status = { phase: 'Pending' }; } };
  }
  return base;
}

function isCustom(info: ResourceInfo): boolean {
  return info.group.includes('.') && !info.group.endsWith('.k8s.io') && info.group !== 'k8s.io';
}

const podStrategy: Partial<Strategy> = {
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending', qosClass: podQosClass(rec(obj.spec)) };
  },
  // Upstream: a pod that never reached a node, or has finished, goes at once; otherwise the
  // kubelet gets the grace period to stop it and deletes the object with grace 0.
  deleteGracePeriod(obj, requested) {
    const spec = rec(obj.spec), status = rec(obj.status);
    if (!spec.nodeName) return 0;
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
    if (requested !== undefined) return Math.max(0, requested);
    const g = spec.terminationGracePeriodSeconds;
    return typeof g === 'number' ? Math.max(0, g) : 30;
  },
};

const namespaceStrategy: Partial<Strategy> = {
  prepareForCreate(obj) {
    const spec = rec(obj.spec);
    if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
    obj.spec = spec;
    obj.status = { phase: 'Active' };
  },
  // The namespace controller empties the namespace, then clears spec.finalizers through /finalize.
  readyToRemove(obj) {
    const f = rec(obj.spec).finalizers;
    return !Array.isArray(f) || f.length === 0;
  },
  onDeletionStarted(obj) {
    obj.status = { ...rec(obj.status), phase: 'Terminating' };
  },
};
