import { describe, it, expect } from 'vitest';
import type { KubeObject, ManagedFieldsEntry } from '../types.js';
import { StatusError } from '../errors.js';
import { builtinSchemas } from '../schema/index.js';
import { defaultResetFields, updateManagedFields } from '../fieldmanager/index.js';
import { applyObject, type ApplyInput } from './apply.js';

const cmSchema = builtinSchemas.node('', 'v1', 'ConfigMap');
const T1 = '2026-11-22T20:00:00.250Z';
const T2 = '2026-11-22T21:00:00Z';
const T3 = '2026-11-22T22:00:00Z';

/** What the store would hold: the object plus identity metadata. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: 'u1', resourceVersion: '7', creationTimestamp: '2026-11-22T20:00:00Z' } };
}

function cm(data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data, ...extra };
}

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, opts: Partial<ApplyInput> = {}): KubeObject {
  return applyObject({ live, applied, manager, force: false, apiVersion: applied.apiVersion ?? 'v1', now: T2, schema: cmSchema, ...opts });
}

function entry(obj: KubeObject, manager: string): ManagedFieldsEntry | undefined {
  return obj.metadata?.managedFields?.find((e) => e.manager === manager);
}

function thrown(f: () => unknown): StatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('applyObject: one ConfigMap, two managers', () => {
  const created = stored(apply(undefined, cm({ owner: 'a', shared: 'x' }), 'alice', { now: T1 }));

  it('creates the object with the applier as sole owner', () => {
    expect(created.data).toEqual({ owner: 'a', shared: 'x' });
    expect(created.metadata?.managedFields).toEqual([{
      manager: 'alice', operation: 'Apply', apiVersion: 'v1', time: '2026-11-22T20:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:owner': {}, 'f:shared': {} } },
    }]);
  });

  it('rejects a different value for a field another applier owns, like upstream', () => {
    const e = thrown(() => apply(created, cm({ owner: 'b' }), 'bob'));
    expect(e.code).toBe(409);
    expect(e.reason).toBe('Conflict');
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "alice": .data.owner');
    expect(e.details).toEqual({ causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.owner' }] });
  });

  it('names Update managers with their apiVersion', () => {
    const byCreate = stored({ ...cm({ owner: 'a' }), metadata: { name: 'c', namespace: 'default', managedFields: updateManagedFields(undefined, cm({ owner: 'a' }), 'kubectl-create', 'Update', 'v1', T1, undefined, cmSchema) } });
    const e = thrown(() => apply(byCreate, cm({ owner: 'b' }), 'bob'));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.owner');
    expect(e.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using v1', field: '.data.owner' }]);
  });

  it('lists several conflicts grouped by manager', () => {
    const e = thrown(() => apply(created, cm({ owner: 'b', shared: 'y' }), 'bob'));
    expect(e.message).toBe('Apply failed with 2 conflicts: conflicts with "alice":\n- .data.owner\n- .data.shared');
    expect(e.details?.causes?.map((c) => c.field)).toEqual(['.data.owner', '.data.shared']);
  });

  it('takes the field over with force', () => {
    const out = apply(created, cm({ owner: 'b' }), 'bob', { force: true });
    expect(out.data).toEqual({ owner: 'b', shared: 'x' });
    expect(entry(out, 'alice')?.fieldsV1).toEqual({ 'f:data': { 'f:shared': {} } });
    expect(entry(out, 'alice')?.time).toBe('2026-11-22T20:00:00Z');
    expect(entry(out, 'bob')).toEqual({
      manager: 'bob', operation: 'Apply', apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:owner': {} } },
    });
  });

  it('shares ownership of a field applied with the same value', () => {
    const out = apply(created, cm({ shared: 'x' }), 'bob');
    expect(out.data).toEqual({ owner: 'a', shared: 'x' });
    expect(entry(out, 'alice')?.fieldsV1).toEqual({ 'f:data': { 'f:owner': {}, 'f:shared': {} } });
    // nothing changed in the object, so the new entry gets no timestamp (as upstream)
    expect(entry(out, 'bob')).toEqual({ manager: 'bob', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:shared': {} } } });
    // a shared field stays when one owner stops applying it
    const after = apply(stored(out), cm({ owner: 'a' }), 'alice', { now: T3 });
    expect(after.data).toEqual({ owner: 'a', shared: 'x' });
    expect(entry(after, 'alice')?.fieldsV1).toEqual({ 'f:data': { 'f:owner': {} } });
  });

  it('removes a field its only applier stops applying', () => {
    const out = apply(created, cm({ owner: 'a' }), 'alice', { now: T3 });
    expect(out.data).toEqual({ owner: 'a' });
    expect(entry(out, 'alice')).toMatchObject({ time: T3, fieldsV1: { 'f:data': { 'f:owner': {} } } });
  });

  it('keeps a field another manager updated after the applier stops applying it', () => {
    const edited = { ...created, data: { owner: 'a', shared: 'edited' } };
    const withEdit = stored({ ...edited, metadata: { ...edited.metadata, managedFields: updateManagedFields(created, edited, 'kubectl-edit', 'Update', 'v1', T2, undefined, cmSchema) } });
    const out = apply(withEdit, cm({ owner: 'a' }), 'alice', { now: T3 });
    expect(out.data).toEqual({ owner: 'a', shared: 'edited' });
  });

  it('does not touch the object or the timestamp on an identical re-apply', () => {
    const out = apply(created, cm({ owner: 'a', shared: 'x' }), 'alice', { now: T3 });
    expect(out.data).toEqual(created.data);
    expect(out.metadata?.managedFields).toEqual(created.metadata?.managedFields);
  });

  it('removes the whole map once nobody applies any of its keys', () => {
    const out = apply(created, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } }, 'alice', { now: T3 });
    expect(out.data).toBeUndefined();
    expect(out.metadata?.managedFields).toBeUndefined();
  });
});

describe('applyObject: request checks', () => {
  it('refuses managedFields in the applied configuration', () => {
    const bad = cm({ a: '1' });
    bad.metadata!.managedFields = [];
    const e = thrown(() => apply(undefined, bad, 'a'));
    expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', 'metadata.managedFields must be nil']);
  });

  it('refuses another kind or version', () => {
    const e = thrown(() => applyObject({ live: undefined, applied: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } }, kind: 'ConfigMap', manager: 'a', force: false, apiVersion: 'v1', now: T1, schema: cmSchema }));
    expect([e.code, e.message]).toEqual([400, 'invalid object type: /v1, Kind=Secret']);
    const e2 = thrown(() => applyObject({ live: undefined, applied: { apiVersion: 'apps/v1beta1', kind: 'Deployment' }, kind: 'Deployment', manager: 'a', force: false, apiVersion: 'apps/v1', now: T1, schema: undefined }));
    expect(e2.message).toBe('invalid object type: apps/v1beta1, Kind=Deployment');
  });
});

describe('applyObject: objects nobody tracked yet', () => {
  it('records existing fields as before-first-apply', () => {
    const live = stored(cm({ owner: 'old', other: 'o' }));
    const e = thrown(() => apply(live, cm({ owner: 'new' }), 'alice'));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.owner');
    const out = apply(live, cm({ owner: 'new' }), 'alice', { force: true });
    expect(out.data).toEqual({ owner: 'new', other: 'o' });
    expect(out.metadata?.managedFields?.map((m) => [m.manager, m.operation, m.fieldsV1])).toEqual([
      ['alice', 'Apply', { 'f:data': { 'f:owner': {} } }],
      ['before-first-apply', 'Update', { 'f:data': { '.': {}, 'f:other': {} } }],
    ]);
  });
});

describe('applyObject: managedFields: null', () => {
  it('is accepted and changes nothing', () => {
    const created = stored(apply(undefined, cm({ a: '1' }), 'alice', { now: T1 }));
    const again = cm({ a: '1' });
    again.metadata!.managedFields = null as unknown as undefined;
    const out = apply(created, again, 'alice', { now: T3 });
    expect(out.metadata?.managedFields).toEqual(created.metadata?.managedFields);
    expect('managedFields' in (out.metadata ?? {})).toBe(true);
  });
});

describe('applyObject: creating', () => {
  it('treats a placeholder without uid as no live object', () => {
    const placeholder: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } };
    const out = apply(placeholder, cm({ a: '1' }, { metadata: { name: 'c', namespace: 'default', labels: { x: 'y' } } }), 'alice', { now: T1 });
    expect(out).toEqual({
      apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' },
      metadata: {
        name: 'c', namespace: 'default', labels: { x: 'y' },
        managedFields: [{ manager: 'alice', operation: 'Apply', apiVersion: 'v1', time: '2026-11-22T20:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } } }],
      },
    });
  });

  it('keys Service ports by port and the defaulted protocol', () => {
    const svc = (ports: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports } });
    const schema = builtinSchemas.node('', 'v1', 'Service');
    const out = applyObject({ live: undefined, applied: svc([{ port: 80, targetPort: 8080 }]), manager: 'a', force: false, apiVersion: 'v1', now: T1, schema });
    expect(out.metadata?.managedFields?.[0].fieldsV1).toEqual({
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} } } },
    });
  });
});

describe('applyObject: ignored (reset) fields', () => {
  it('does not own or conflict on status when applying to the main resource', () => {
    const pod = (phase: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'i' }] }, status: { phase } });
    const schema = builtinSchemas.node('', 'v1', 'Pod');
    const ignoredFields = defaultResetFields(undefined, true);
    const live = stored({ ...pod('Running'), metadata: { name: 'p', namespace: 'default', managedFields: updateManagedFields(undefined, pod('Running'), 'kubelet', 'Update', 'v1', T1, 'status', schema) } });
    const out = applyObject({ live, applied: pod('Failed'), manager: 'alice', force: false, apiVersion: 'v1', now: T2, schema, ignoredFields });
    const mine = out.metadata?.managedFields?.find((e) => e.manager === 'alice');
    expect(JSON.stringify(mine?.fieldsV1)).not.toContain('status');
    expect(out.metadata?.managedFields?.find((e) => e.manager === 'kubelet')?.fieldsV1).toHaveProperty('f:status');
  });
});

describe('applyObject: pruning never drops identity metadata', () => {
  it('keeps metadata when a configuration without metadata drops the labels', () => {
    const created = stored(apply(undefined, cm({ a: '1' }, { metadata: { name: 'c', namespace: 'default', labels: { x: 'y' } } }), 'alice', { now: T1 }));
    const out = apply(created, { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } }, 'alice');
    expect(out.metadata).toMatchObject({ name: 'c', namespace: 'default', uid: 'u1' });
    expect(out.metadata?.labels).toBeUndefined();
  });
});

describe('applyObject: with Update managers in between', () => {
  it('lets an update take a field from an applier, which then conflicts on re-apply', () => {
    const created = stored(apply(undefined, cm({ owner: 'a', keep: 'k' }), 'alice', { now: T1 }));
    const edited = { ...created, data: { owner: 'edited', keep: 'k' } };
    const afterEdit = stored({ ...edited, metadata: { ...edited.metadata, managedFields: updateManagedFields(created, edited, 'kubectl-edit', 'Update', 'v1', T2, undefined, cmSchema) } });
    expect(entry(afterEdit, 'alice')?.fieldsV1).toEqual({ 'f:data': { 'f:keep': {} } });
    const e = thrown(() => apply(afterEdit, cm({ owner: 'a', keep: 'k' }), 'alice', { now: T3 }));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.owner');
    // re-applying what is live now is fine, and shares the field
    const shared = apply(afterEdit, cm({ owner: 'edited', keep: 'k' }), 'alice', { now: T3 });
    expect(entry(shared, 'kubectl-edit')?.fieldsV1).toEqual({ 'f:data': { 'f:owner': {} } });
    expect(entry(shared, 'alice')?.fieldsV1).toEqual({ 'f:data': { 'f:keep': {}, 'f:owner': {} } });
  });
});
