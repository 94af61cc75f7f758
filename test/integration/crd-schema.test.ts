// Custom objects checked against their CRD's structural schema through the in-process API server:
// rejections name the fields as upstream does, unknown fields are pruned, defaults applied, CEL rules
// (including transition rules) enforced. The widgets CRD mirrors the acceptance chart's
// (charts/demo/crds/widgets.yaml: size 1..10 required, color enum).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';

const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };

const widgetsCRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.demo.example.com' },
  spec: {
    group: 'demo.example.com', scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wg'] },
    versions: [{
      name: 'v1', served: true, storage: true, subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 1, maximum: 10 }, color: { type: 'string', enum: ['red', 'green', 'blue'] } } },
            status: { type: 'object', properties: { ready: { type: 'boolean' } } },
          },
        },
      },
    }],
  },
};

const gadgetsCRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.demo.example.com' },
  spec: {
    group: 'demo.example.com', scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [{
      name: 'v1', served: true, storage: true,
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              'x-kubernetes-validations': [
                { rule: 'self.minReplicas <= self.maxReplicas', message: 'minReplicas must not exceed maxReplicas' },
                { rule: 'self.mode == oldSelf.mode', message: 'mode is immutable' },
              ],
              properties: {
                minReplicas: { type: 'integer', default: 1 },
                maxReplicas: { type: 'integer', default: 5 },
                mode: { type: 'string', default: 'fast' },
                labels: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
    }],
  },
};

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
  for (const crd of [widgetsCRD, gadgetsCRD]) {
    await t.client.resource<KubeObject>(crds).create(undefined, crd as unknown as KubeObject);
    await waitEstablished(crd.metadata.name);
  }
});
afterAll(async () => { await t?.stop(); });

async function waitEstablished(name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const crd = await t.client.resource<KubeObject>(crds).get(undefined, name);
    const conds = (crd.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
    if (conds.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`CRD ${name} not established`);
}

async function rejected(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    return e as StatusError;
  }
  throw new Error('expected the request to be rejected');
}

describe('custom resource schemas', () => {
  const widgets = { group: 'demo.example.com', version: 'v1', resource: 'widgets', namespaced: true };
  const gadgets = { group: 'demo.example.com', version: 'v1', resource: 'gadgets', namespaced: true };

  it('rejects out-of-range size and unsupported color, naming spec.size and spec.color', async () => {
    const w = t.client.resource<KubeObject>(widgets);
    const err = await rejected(w.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 99, color: 'purple' } } as KubeObject));
    expect(err.code).toBe(422);
    expect(err.message).toMatch(/^Widget(\.demo\.example\.com)? "bad" is invalid: \[spec\.size: Invalid value: 99: spec\.size in body should be less than or equal to 10, spec\.color: Unsupported value: "purple": supported values: "red", "green", "blue"\]$/);
    expect(err.details?.causes?.map((c) => c.field)).toEqual(['spec.size', 'spec.color']);
    const missing = await rejected(w.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name: 'bad2' }, spec: {} } as KubeObject));
    expect(missing.message).toContain('spec.size: Required value');
  });

  it('prunes unknown fields and accepts valid objects, also on update', async () => {
    const w = t.client.resource<KubeObject>(widgets);
    const created = await w.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name: 'ok' }, spec: { size: 3, color: 'red', extra: 1 } } as KubeObject);
    expect(created.spec).toEqual({ size: 3, color: 'red' });
    const err = await rejected(w.update('default', { ...created, spec: { size: 0 } }));
    expect(err.code).toBe(422);
    expect(err.message).toContain('spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1');
  });

  it('applies defaults and enforces CEL rules and transition rules', async () => {
    const g = t.client.resource<KubeObject>(gadgets);
    const created = await g.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: {} } as KubeObject);
    expect(created.spec).toEqual({ minReplicas: 1, maxReplicas: 5, mode: 'fast' });
    const bad = await rejected(g.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Gadget', metadata: { name: 'g2' }, spec: { minReplicas: 9 } } as KubeObject));
    expect(bad.code).toBe(422);
    expect(bad.message).toContain('spec: Invalid value: minReplicas must not exceed maxReplicas');
    const immut = await rejected(g.update('default', { ...created, spec: { ...(created.spec as object), mode: 'slow' } }));
    expect(immut.message).toContain('spec: Invalid value: mode is immutable');
    const typeErr = await rejected(g.create('default', { apiVersion: 'demo.example.com/v1', kind: 'Gadget', metadata: { name: 'g3' }, spec: { labels: { a: 1 } } } as KubeObject));
    expect(typeErr.message).toContain('spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"');
  });
});
