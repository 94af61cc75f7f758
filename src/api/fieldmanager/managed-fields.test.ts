import { describe, it, expect } from 'vitest';
import type { KubeObject, ManagedFieldsEntry } from '../types.js';
import { fixtureNode } from '../patch/testing/schema-fixture.js';
import { PathSet, fieldElement } from './fieldpath.js';
import { updateManagedFields } from './managed-fields.js';

const deploySchema = fixtureNode('Deployment');
const cmSchema = fixtureNode('ConfigMap');
const T1 = '2026-11-22T20:00:00.123Z';
const T2 = '2026-11-22T21:00:00Z';

function nginx(): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      replicas: 1, revisionHistoryLimit: 10, selector: { matchLabels: { app: 'nginx' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }], restartPolicy: 'Always', securityContext: {} },
      },
    },
    status: {},
  };
}

function stored(obj: KubeObject, managedFields: ManagedFieldsEntry[]): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: 'u1', resourceVersion: '5', creationTimestamp: '2026-11-22T20:00:00Z', managedFields } };
}

describe('updateManagedFields', () => {
  it('records a create like upstream (kubectl create deployment)', () => {
    const entries = updateManagedFields(undefined, nginx(), 'kubectl-create', 'Update', 'apps/v1', T1, undefined, deploySchema);
    expect(entries).toEqual([{
      manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: '2026-11-22T20:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:replicas': {}, 'f:revisionHistoryLimit': {}, 'f:selector': {},
          'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': {
              'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} } },
              'f:restartPolicy': {}, 'f:securityContext': {},
            },
          },
        },
      },
    }]);
    // JSON key order as upstream writes it
    expect(Object.keys(entries[0])).toEqual(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
  });

  it('moves changed fields to the new manager and keeps the others', () => {
    const created = updateManagedFields(undefined, nginx(), 'kubectl-create', 'Update', 'apps/v1', T1, undefined, deploySchema);
    const live = stored(nginx(), created);
    const next = structuredClone(live);
    const c = (next.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0];
    c.image = 'nginx:2';
    c.env = [{ name: 'A', value: '1' }];
    const entries = updateManagedFields(live, next, 'kubectl-edit', 'Update', 'apps/v1', T2, undefined, deploySchema);
    expect(entries.map((e) => e.manager)).toEqual(['kubectl-create', 'kubectl-edit']);
    const [create, edit] = entries.map((e) => PathSet.fromFieldsV1(e.fieldsV1));
    const container = ['spec', 'template', 'spec', 'containers'].map(fieldElement).concat('k:{"name":"nginx"}');
    expect(create.has([...container, fieldElement('image')])).toBe(false);
    expect(create.has([...container, fieldElement('name')])).toBe(true);
    expect(edit.toFieldsV1()).toEqual({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': {
        'f:env': { '.': {}, 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:image': {},
      } } } } },
    });
    expect(entries[0].time).toBe('2026-11-22T20:00:00Z'); // the untouched manager keeps its time
    expect(entries[1].time).toBe(T2);
  });

  it('removes deleted fields from their owners and drops emptied entries', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    const created = updateManagedFields(undefined, cm, 'kubectl-create', 'Update', 'v1', T1, undefined, cmSchema);
    expect(created[0].fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:a': {} } });
    const live = stored(cm, created);
    const next = { ...structuredClone(live), data: { b: '2' } };
    const entries = updateManagedFields(live, next, 'kubectl-client-side-apply', 'Update', 'v1', T2, undefined, cmSchema);
    expect(entries).toHaveLength(2);
    expect(entries[0].manager).toBe('kubectl-create');
    expect(entries[0].fieldsV1).toEqual({ 'f:data': {} }); // the map itself, which it added
    expect(entries[1].fieldsV1).toEqual({ 'f:data': { 'f:b': {} } });

    const next2 = { ...structuredClone(live), data: undefined, metadata: { ...live.metadata } };
    delete next2.data;
    const entries2 = updateManagedFields(live, next2, 'x', 'Update', 'v1', T2, undefined, cmSchema);
    expect(entries2).toEqual([]); // everything kubectl-create owned is gone; x changed nothing it can own
  });

  it('a no-op update changes nothing, not even times', () => {
    const created = updateManagedFields(undefined, nginx(), 'kubectl-create', 'Update', 'apps/v1', T1, undefined, deploySchema);
    const live = stored(nginx(), created);
    expect(updateManagedFields(live, structuredClone(live), 'kubectl-edit', 'Update', 'apps/v1', T2, undefined, deploySchema)).toEqual(created);
  });

  it('does not start tracking an existing object without managedFields; [] resets them', () => {
    const live = stored(nginx(), []);
    delete live.metadata!.managedFields;
    const next = { ...structuredClone(live), spec: { ...(live.spec as object), replicas: 3 } };
    expect(updateManagedFields(live, next, 'kubectl-scale', 'Update', 'apps/v1', T2, undefined, deploySchema)).toEqual([]);

    const tracked = stored(nginx(), updateManagedFields(undefined, nginx(), 'a', 'Update', 'apps/v1', T1, undefined, deploySchema));
    const reset = { ...structuredClone(tracked), metadata: { ...tracked.metadata, managedFields: [] } };
    expect(updateManagedFields(tracked, reset, 'b', 'Update', 'apps/v1', T2, undefined, deploySchema)).toEqual([]);
  });

  it('uses managedFields sent in the request as the base', () => {
    const live = stored(nginx(), updateManagedFields(undefined, nginx(), 'a', 'Update', 'apps/v1', T1, undefined, deploySchema));
    const mine: ManagedFieldsEntry = { manager: 'custom', operation: 'Update', apiVersion: 'apps/v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } };
    const next = { ...structuredClone(live), metadata: { ...live.metadata, managedFields: [mine] } };
    expect(updateManagedFields(live, next, 'b', 'Update', 'apps/v1', T2, undefined, deploySchema)).toEqual([mine]);
  });

  it('records subresource writes separately and honours ignored fields', () => {
    const live = stored(nginx(), updateManagedFields(undefined, nginx(), 'kubectl-create', 'Update', 'apps/v1', T1, undefined, deploySchema));
    const next = { ...structuredClone(live), status: { replicas: 1 }, spec: { ...(live.spec as object), replicas: 5 } };
    const ignoredFields = PathSet.of([fieldElement('spec')]);
    const entries = updateManagedFields(live, next, 'kube-controller-manager', 'Update', 'apps/v1', T2, 'status', deploySchema, { ignoredFields });
    expect(entries[1]).toMatchObject({ manager: 'kube-controller-manager', subresource: 'status', fieldsV1: { 'f:status': { 'f:replicas': {} } } });
    expect(Object.keys(entries[1]).at(-1)).toBe('subresource');
    expect(PathSet.fromFieldsV1(entries[0].fieldsV1).has(['spec', 'replicas'].map(fieldElement))).toBe(true);
  });

  it('records set and keyed list elements by value and key', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } };
    const [e] = updateManagedFields(undefined, cm, 'kubectl-client-side-apply', 'Update', 'v1', T1, undefined, cmSchema);
    expect(e.fieldsV1).toEqual({ 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"example.com/hold"': {} } } });

    const pod = fixtureNode('Pod');
    const p: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } };
    const [pe] = updateManagedFields(undefined, p, 'm', 'Update', 'v1', T1, undefined, pod);
    expect(pe.fieldsV1).toEqual({ 'f:spec': { 'f:containers': { 'k:{"name":"c"}': {
      '.': {}, 'f:name': {}, 'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } }, 'f:resources': {},
    } } } });
  });

  it('without a schema treats maps as granular and lists as atomic', () => {
    const w: KubeObject = { apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name: 'w1', labels: { a: 'b' } }, spec: { size: 3, items: [1, 2] } };
    const [e] = updateManagedFields(undefined, w, 'kubectl-client-side-apply', 'Update', 'demo.example.com/v1', T1);
    expect(e.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { '.': {}, 'f:items': {}, 'f:size': {} },
    });
  });

  it('folds the oldest of more than 10 update managers into ancient-changes', () => {
    let live: KubeObject = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} }, []);
    live.metadata!.managedFields = updateManagedFields(undefined, { ...live, data: { k0: '0' } }, 'm0', 'Update', 'v1', '2026-01-01T00:00:00Z', undefined, cmSchema);
    live = { ...live, data: { k0: '0' } };
    for (let i = 1; i <= 10; i++) {
      const next = { ...structuredClone(live), data: { ...(live.data as object), [`k${i}`]: String(i) } };
      const mf = updateManagedFields(live, next, `m${i}`, 'Update', 'v1', `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`, undefined, cmSchema);
      live = { ...next, metadata: { ...next.metadata, managedFields: mf } };
    }
    const mf = live.metadata!.managedFields!;
    expect(mf).toHaveLength(10);
    expect(mf[0].manager).toBe('ancient-changes');
    expect(mf[0].time).toBe('2026-01-01T00:00:01Z');
    expect(PathSet.fromFieldsV1(mf[0].fieldsV1).has(['data', 'k0'].map(fieldElement))).toBe(true);
    expect(PathSet.fromFieldsV1(mf[0].fieldsV1).has(['data', 'k1'].map(fieldElement))).toBe(true);
    expect(mf.map((e) => e.manager)).not.toContain('m0');
  });

  it('ignores malformed live managedFields', () => {
    const live = stored(nginx(), [{ manager: 'x', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV2' as 'FieldsV1', fieldsV1: {} }]);
    expect(updateManagedFields(live, structuredClone(live), 'y', 'Update', 'apps/v1', T2, undefined, deploySchema)).toEqual([]);
  });
});

describe('defaultResetFields', () => {
  it('keeps status out of main-resource writes and spec/metadata out of /status writes', async () => {
    const { defaultResetFields } = await import('./reset-fields.js');
    expect(defaultResetFields(undefined, true).toFieldsV1()).toEqual({ 'f:status': {} });
    expect(defaultResetFields(undefined, false).empty()).toBe(true);
    expect(defaultResetFields('status', true).toFieldsV1()).toEqual({ 'f:metadata': {}, 'f:spec': {} });

    const live = stored(nginx(), updateManagedFields(undefined, nginx(), 'a', 'Update', 'apps/v1', T1, undefined, deploySchema));
    const next = { ...structuredClone(live), status: { replicas: 3 }, metadata: { ...live.metadata, labels: { app: 'x' } } };
    const entries = updateManagedFields(live, next, 'ctrl', 'Update', 'apps/v1', T2, 'status', deploySchema, { ignoredFields: defaultResetFields('status', true) });
    expect(entries.find((e) => e.manager === 'ctrl')?.fieldsV1).toEqual({ 'f:status': { 'f:replicas': {} } });
  });
});
