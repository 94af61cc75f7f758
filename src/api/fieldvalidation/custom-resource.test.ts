import { describe, it, expect } from 'vitest';
import { builtinSchemas } from '../schema/index.js';
import { createCustomResourceFieldChecker } from './custom-resource.js';
import { createFieldChecker } from './checker.js';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        cronSpec: { type: 'string' },
        replicas: { type: 'integer' },
        labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
        steps: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
};

describe('custom resource unknown fields (structural pruning)', () => {
  const checker = createCustomResourceFieldChecker(builtinSchemas);

  it('accepts known fields, meta fields at the root and in embedded resources', () => {
    const cr = {
      apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'x', labels: { a: 'b' } },
      spec: {
        cronSpec: '* * * * *', replicas: 1, labels: { k: { v: 'x' } }, steps: [{ name: 'a' }],
        free: { anything: 1, known: { a: 'x' } },
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { whatever: true } },
      },
    };
    expect(checker.check(schema, cr, 'Strict')).toEqual({ errors: [], warnings: [], typeErrors: [] });
  });

  it('reports metadata unknowns first, then pruned paths sorted', () => {
    const cr = {
      apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'x', nmae: 'y' },
      spec: {
        zeta: 1, cronSpec: 'x', labels: { k: { w: 1 } }, steps: [{ name: 'a' }, { nam: 'b' }],
        free: { known: { b: 1 } }, template: { metadata: { bogus: 1 }, extra: 1 },
      },
      top: 1,
    };
    const r = checker.check(schema, cr, 'Strict');
    expect(r.errors).toEqual([
      'unknown field "metadata.nmae"',
      'unknown field "spec.free.known.b"',
      'unknown field "spec.labels.k.w"',
      'unknown field "spec.steps[1].nam"',
      'unknown field "spec.template.extra"',
      'unknown field "spec.zeta"',
      'unknown field "top"',
      'unknown field "spec.template.metadata.bogus"',
    ]);
    expect(checker.check(schema, cr, 'Warn').warnings).toHaveLength(8);
    expect(checker.check(schema, cr, 'Ignore')).toEqual({ errors: [], warnings: [], typeErrors: [] });
  });

  it('a CRD without schema (preserve unknown fields) checks only metadata', () => {
    expect(checker.check(undefined, { metadata: { x: 1 }, spec: { y: 2 } }, 'Strict').errors).toEqual(['unknown field "metadata.x"']);
    expect(checker.check({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, { spec: { y: 2 } }, 'Strict').errors).toEqual([]);
  });

  it('checkMessage roots paths where the object sits', () => {
    const r = createFieldChecker(builtinSchemas).checkMessage('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta', { labels: { a: 1 }, foo: 1 }, 'Strict', 'spec.template.metadata');
    expect(r.errors).toEqual(['unknown field "spec.template.metadata.foo"']);
    expect(r.typeErrors.map((e) => e.field)).toEqual(['spec.template.metadata.labels[a]']);
  });
});
