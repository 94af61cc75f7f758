import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../types.js';
import { StatusError } from '../errors.js';
import { builtinSchemas } from '../schema/index.js';
import type { JSONSchemaProps } from '../crdschema/index.js';
import { rootTypeInfo, updateManagedFields, fieldTypeInfo } from '../fieldmanager/index.js';
import { applyObject } from './apply.js';
import { crdSchemaNode } from './crd-schema-node.js';

const objectMeta = builtinSchemas.node('', 'v1', 'ConfigMap')?.field('metadata');

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string' } },
        finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        ports: {
          type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: { type: 'object', required: ['port'], properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' }, name: { type: 'string' } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { app: { type: 'string' }, tier: { type: 'string' } } },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

const node = crdSchemaNode(schema, objectMeta);
const T1 = '2026-11-22T20:00:00Z';
const T2 = '2026-11-22T21:00:00Z';

function widget(spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns', ...(labels ? { labels } : {}) }, spec };
}

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, force = false): KubeObject {
  return applyObject({ live, applied, manager, force, apiVersion: 'demo.example.com/v1', kind: 'Widget', now: T2, schema: node });
}

function stored(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...o.metadata, uid: 'u', resourceVersion: '1', creationTimestamp: T1 } };
}

function conflictMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError && e.code === 409) return e.message;
    throw e;
  }
  throw new Error('expected a conflict');
}

describe('crdSchemaNode', () => {
  it('maps structural schema markers to list and map semantics', () => {
    const spec = node.field('spec')!.element!;
    expect(fieldTypeInfo(spec.field('tags')!)).toEqual({ kind: 'atomic' });
    expect(fieldTypeInfo(spec.field('finalizers')!)).toEqual({ kind: 'setList' });
    expect(fieldTypeInfo(spec.field('ports')!)).toMatchObject({ kind: 'keyedList', keys: ['port', 'protocol'], element: { kind: 'struct' } });
    expect(fieldTypeInfo(spec.field('labels')!)).toEqual({ kind: 'map', value: { kind: 'atomic' } });
    expect(fieldTypeInfo(spec.field('selector')!)).toEqual({ kind: 'atomic' });
    expect(fieldTypeInfo(spec.field('config')!)).toEqual({ kind: 'deduced' });
    expect(fieldTypeInfo(spec.field('port')!)).toEqual({ kind: 'atomic' });
    expect(rootTypeInfo(node)).toMatchObject({ kind: 'struct' });
    expect(fieldTypeInfo(node.field('metadata')!.element!.field('finalizers')!)).toEqual({ kind: 'setList' });
  });

  it('records an apply with struct fields, keyed ports (defaulted key) and map keys', () => {
    const out = apply(undefined, widget({ size: 1, ports: [{ port: 80 }], labels: { a: 'x' }, config: { deep: { x: 1 } } }, { team: 't' }), 'alice');
    expect(out.metadata?.managedFields?.[0].fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:team': {} } },
      'f:spec': {
        'f:config': { 'f:deep': { '.': {}, 'f:x': {} } },
        'f:labels': { 'f:a': {} },
        'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } },
        'f:size': {},
      },
    });
    expect((out.spec as { ports: unknown[] }).ports).toEqual([{ port: 80, protocol: 'TCP' }]);
  });

  it('merges keyed lists and maps between managers, conflicts on atomic ones', () => {
    const base = stored(apply(undefined, widget({ size: 1, tags: ['a'], ports: [{ port: 80, name: 'http' }], selector: { app: 'x' }, labels: { a: 'x' } }), 'alice'));
    const merged = apply(base, widget({ ports: [{ port: 443, name: 'https' }], labels: { b: 'y' }, finalizers: ['f'] }), 'bob');
    expect(merged.spec).toEqual({
      size: 1, tags: ['a'], selector: { app: 'x' }, labels: { a: 'x', b: 'y' }, finalizers: ['f'],
      ports: [{ port: 80, name: 'http', protocol: 'TCP' }, { port: 443, name: 'https', protocol: 'TCP' }],
    });
    expect(conflictMessage(() => apply(base, widget({ tags: ['b'] }), 'bob'))).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.tags');
    expect(conflictMessage(() => apply(base, widget({ selector: { app: 'x', tier: 'web' } }), 'bob'))).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.selector');
    expect(conflictMessage(() => apply(base, widget({ ports: [{ port: 80, protocol: 'TCP', name: 'web' }] }), 'bob')))
      .toBe('Apply failed with 1 conflict: conflict with "alice": .spec.ports[port=80,protocol="TCP"].name');
    // alice drops port 80 and tags: both go, bob's port stays
    const after = apply(stored(merged), widget({ size: 1, selector: { app: 'x' }, labels: { a: 'x' } }), 'alice');
    expect(after.spec).toEqual({ size: 1, selector: { app: 'x' }, labels: { a: 'x', b: 'y' }, finalizers: ['f'], ports: [{ port: 443, name: 'https', protocol: 'TCP' }] });
  });

  it('serves Update operations without inventing zero values', () => {
    const obj = widget({ size: 2 });
    expect(updateManagedFields(undefined, obj, 'kubectl-create', 'Update', 'demo.example.com/v1', T1, undefined, node)[0].fieldsV1).toEqual({
      'f:spec': { '.': {}, 'f:size': {} },
    });
  });
});
