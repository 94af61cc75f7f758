import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { validateObject, validateObjectUpdate } from './index.js';

const ns = { namespaced: true };
const cluster = { namespaced: false };
const msgs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());

describe('config and services', () => {
  it('checks configmap keys and immutability', () => {
    const errs = msgs(validateObject('', 'v1', 'ConfigMap', { metadata: { name: 'c', namespace: 'd' }, data: { 'a b': 'x' } }, ns));
    expect(errs[0]).toMatch(/^data\[a b\]: Invalid value: "a b": a valid config key must consist of alphanumeric characters/);
    const old = { metadata: { name: 'c', namespace: 'd', resourceVersion: '1' }, immutable: true, data: { a: '1' } };
    expect(msgs(validateObjectUpdate('', 'v1', 'ConfigMap', { ...old, data: { a: '2' } }, old, ns))).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
  });

  it('checks typed secrets and the immutable type', () => {
    const errs = msgs(validateObject('', 'v1', 'Secret', { metadata: { name: 's', namespace: 'd' }, type: 'kubernetes.io/tls', data: {} }, ns));
    expect(errs).toEqual(['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
    const old = { metadata: { name: 's', namespace: 'd', resourceVersion: '1' }, type: 'Opaque' };
    expect(msgs(validateObjectUpdate('', 'v1', 'Secret', { ...old, type: 'x/y' }, old, ns))).toEqual(['type: Invalid value: "x/y": field is immutable']);
  });

  it('checks service ports and types', () => {
    const svc = { metadata: { name: 's', namespace: 'd' }, spec: { type: 'Bogus', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', name: 'a' }, { port: 81, protocol: 'TCP' }] } };
    const errs = msgs(validateObject('', 'v1', 'Service', svc, ns));
    expect(errs).toContain('spec.ports[1].name: Required value');
    expect(errs).toContain('spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"');
  });

  it('keeps a ClusterIP once set', () => {
    const old = { metadata: { name: 's', namespace: 'd', resourceVersion: '1' }, spec: { type: 'ClusterIP', sessionAffinity: 'None', clusterIP: '10.0.0.1', ports: [{ port: 80, protocol: 'TCP' }] } };
    const next = { ...old, spec: { ...old.spec, clusterIP: '10.0.0.2' } };
    expect(msgs(validateObjectUpdate('', 'v1', 'Service', next, old, ns))).toEqual(['spec.clusterIPs[0]: Invalid value: "10.0.0.2": may not change once set']);
  });
});

describe('other groups', () => {
  it('keeps a role binding roleRef', () => {
    const old = { metadata: { name: 'b', namespace: 'd', resourceVersion: '1' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [] };
    const next = { ...old, roleRef: { ...old.roleRef, name: 'other' } };
    expect(msgs(validateObjectUpdate('rbac.authorization.k8s.io', 'v1', 'RoleBinding', next, old, ns))).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
    ]);
  });

  it('allows RBAC names with colons', () => {
    expect(validateObject('rbac.authorization.k8s.io', 'v1', 'ClusterRole', { metadata: { name: 'system:controller:x' }, rules: [] }, cluster)).toEqual([]);
  });

  it('rejects a PDB with both bounds', () => {
    const errs = msgs(validateObject('policy', 'v1', 'PodDisruptionBudget', { metadata: { name: 'p', namespace: 'd' }, spec: { minAvailable: 1, maxUnavailable: 1 } }, ns));
    expect(errs).toEqual(['spec.minAvailable: Invalid value: 1: minAvailable and maxUnavailable cannot be both set']);
  });

  it('requires ingress path types', () => {
    const ing = { metadata: { name: 'i', namespace: 'd' }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } };
    expect(msgs(validateObject('networking.k8s.io', 'v1', 'Ingress', ing, ns))).toEqual(['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']);
  });

  it('checks CRD names', () => {
    const crd = { metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget', listKind: 'WidgetList' }, versions: [{ name: 'v1', served: true, storage: true }] } };
    expect(validateObject('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', crd, cluster)).toEqual([]);
    const bad = { ...crd, spec: { ...crd.spec, names: { listKind: 'WidgetList' } } };
    const errs = msgs(validateObject('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', bad, cluster));
    expect(errs).toContain('spec.names.plural: Required value');
    expect(errs).toContain('spec.names.kind: Required value');
  });

  it('requires an endpoint slice address type and a storage class provisioner', () => {
    expect(msgs(validateObject('discovery.k8s.io', 'v1', 'EndpointSlice', { metadata: { name: 'e', namespace: 'd' } }, ns))).toEqual(['addressType: Required value']);
    expect(msgs(validateObject('storage.k8s.io', 'v1', 'StorageClass', { metadata: { name: 's' } }, cluster))).toEqual(['provisioner: Required value']);
  });
});

describe('quotas and limit ranges', () => {
  it('checks quantities and ordering', () => {
    const q = { metadata: { name: 'q', namespace: 'd' }, spec: { hard: { pods: '10', 'requests.cpu': '-1', 'count/deployments.apps': 'lots' } } };
    expect(validateObject('', 'v1', 'ResourceQuota', q, { namespaced: true }).map(String)).toEqual([
      `spec.hard[count/deployments.apps]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
      'spec.hard[requests.cpu]: Invalid value: "-1": must be greater than or equal to 0',
    ]);
    const lr = { metadata: { name: 'l', namespace: 'd' }, spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] } };
    expect(validateObject('', 'v1', 'LimitRange', lr, { namespaced: true }).map(String)).toEqual([
      'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
    ]);
  });
});

describe('claims', () => {
  const claim = (storage: string, phase?: string): KubeObject => ({
    metadata: { name: 'c', namespace: 'd', resourceVersion: '1' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, volumeMode: 'Filesystem' },
    ...(phase ? { status: { phase, capacity: { storage: '1Gi' } } } : {}),
  });

  it('lets bound claims grow and binds a volume name once', () => {
    expect(validateObjectUpdate('', 'v1', 'PersistentVolumeClaim', claim('2Gi', 'Bound'), claim('1Gi', 'Bound'), { namespaced: true })).toEqual([]);
    const bound = claim('1Gi', 'Pending');
    (bound.spec as Record<string, unknown>).volumeName = 'pv-1';
    expect(validateObjectUpdate('', 'v1', 'PersistentVolumeClaim', bound, claim('1Gi', 'Pending'), { namespaced: true })).toEqual([]);
  });

  it('keeps unbound claims and shrinking fixed', () => {
    expect(validateObjectUpdate('', 'v1', 'PersistentVolumeClaim', claim('2Gi', 'Pending'), claim('1Gi', 'Pending'), { namespaced: true }).map(String)).toEqual([
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ]);
    expect(validateObjectUpdate('', 'v1', 'PersistentVolumeClaim', claim('512Mi', 'Bound'), claim('1Gi', 'Bound'), { namespaced: true }).map(String)).toEqual([
      'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    ]);
  });
});
