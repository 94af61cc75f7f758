import { describe, it, expect } from 'vitest';
import { StructuralSchemas } from './index.js';
import type { JSONSchemaProps, ValidationRule } from './schema.js';

const schemas = new StructuralSchemas();
const specWith = (rules: ValidationRule[], props: Record<string, JSONSchemaProps> = {}): JSONSchemaProps => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object', 'x-kubernetes-validations': rules,
      properties: { min: { type: 'integer' }, max: { type: 'integer' }, name: { type: 'string' }, ratio: { type: 'number' }, tags: { type: 'array', items: { type: 'string' } }, ...props },
    },
  },
});
const run = (s: JSONSchemaProps, spec: unknown, oldSpec?: unknown) =>
  schemas.validate(s, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'obj' }, spec }, oldSpec === undefined ? undefined : { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'obj' }, spec: oldSpec }).map(String);

describe('x-kubernetes-validations', () => {
  it('passes and fails rules on self with upstream messages', () => {
    const s = specWith([{ rule: 'self.min <= self.max', message: 'min must not exceed max' }, { rule: 'self.tags.all(t, t.size() < 4)' }]);
    expect(run(s, { min: 1, max: 2, tags: ['a'] })).toEqual([]);
    expect(run(s, { min: 3, max: 2, tags: ['abcd'] })).toEqual([
      'spec: Invalid value: min must not exceed max',
      'spec: Invalid value: failed rule: self.tags.all(t, t.size() < 4)',
    ]);
  });

  it('types date-time, duration and byte strings as timestamps, durations and bytes', () => {
    const s = specWith([
      { rule: "self.at > timestamp('2020-01-01T00:00:00Z')" },
      { rule: "self.every >= duration('1m')" },
      { rule: 'self.data.size() == 3' },
    ], { at: { type: 'string', format: 'date-time' }, every: { type: 'string', format: 'duration' }, data: { type: 'string', format: 'byte' } });
    expect(run(s, { at: '2024-05-01T00:00:00Z', every: '1h30m', data: 'AQID' })).toEqual([]);
    expect(run(s, { at: '2019-05-01T00:00:00Z', every: '30s', data: 'AQID' })).toHaveLength(2);
  });

  it('types integers as int and numbers as double', () => {
    const s = specWith([{ rule: 'self.min + 1 == 3' }, { rule: 'self.ratio > 0.5' }, { rule: 'type(self.min) == int' }]);
    expect(run(s, { min: 2, ratio: 1 })).toEqual([]);
  });

  it('shows the value for scalar nodes and uses messageExpression, reason and fieldPath', () => {
    const s = specWith([
      { rule: 'self.name.startsWith("a")', messageExpression: '"name " + self.name + " must start with a"', fieldPath: '.name', reason: 'FieldValueForbidden' },
    ], { name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() <= 3', message: 'too long' }] } });
    expect(run(s, { name: 'bcdef' })).toEqual([
      'spec.name: Forbidden: name bcdef must start with a',
      'spec.name: Invalid value: "bcdef": too long',
    ]);
  });

  it('falls back to message when messageExpression fails', () => {
    const s = specWith([{ rule: 'false', message: 'plain', messageExpression: 'self.missing' }]);
    expect(run(s, {})).toEqual(['spec: Invalid value: plain']);
  });

  it('reports evaluation errors with the rule', () => {
    const s = specWith([{ rule: 'self.name == "x"' }]);
    expect(run(s, {})).toEqual(['spec: Invalid value: "object": no such key: name evaluating rule: self.name == "x"']);
  });

  it('skips transition rules on create and compares oldSelf on update', () => {
    const s = specWith([{ rule: 'self.name == oldSelf.name', message: 'name is immutable' }]);
    expect(run(s, { name: 'a' })).toEqual([]);
    expect(run(s, { name: 'a' }, { name: 'a' })).toEqual([]);
    expect(run(s, { name: 'b' }, { name: 'a' })).toEqual(['spec: Invalid value: name is immutable']);
  });

  it('evaluates optionalOldSelf rules on create with an empty oldSelf', () => {
    const s = specWith([{ rule: '!oldSelf.hasValue() || self.name == oldSelf.value().name', message: 'name is immutable', optionalOldSelf: true }]);
    expect(run(s, { name: 'a' })).toEqual([]);
    expect(run(s, { name: 'b' }, { name: 'a' })).toEqual(['spec: Invalid value: name is immutable']);
  });

  it('correlates list-type map items by key for transition rules', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            ports: {
              type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
              items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'may not decrease' }] } } },
            },
          },
        },
      },
    };
    expect(run(s, { ports: [{ name: 'b', port: 1 }, { name: 'a', port: 5 }] }, { ports: [{ name: 'a', port: 10 }] })).toEqual([
      'spec.ports[1].port: Invalid value: 5: may not decrease',
    ]);
  });

  it('sees apiVersion, kind and metadata name at the root', () => {
    const s: JSONSchemaProps = { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.metadata.name.startsWith("ok") && self.kind == "X"', message: 'bad name' }], properties: { spec: { type: 'object' } } };
    expect(run(s, {})).toEqual(['<nil>: Invalid value: bad name']);
  });

  it('skips rules when the object has type errors', () => {
    const s = specWith([{ rule: 'self.min <= self.max' }]);
    expect(run(s, { min: 'x', max: 1 })).toEqual([
      'spec.min: Invalid value: "string": spec.min in body must be of type integer: "string"',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('reports a rule that does not compile', () => {
    const s = specWith([{ rule: 'self.min <=' }]);
    const errs = run(s, { min: 1 });
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^spec: Invalid value: "object": rule compile error: /);
  });

  it('accepts and skips rules using unimplemented Kubernetes CEL libraries', () => {
    const s = specWith([{ rule: "quantity(self.name).isGreaterThan(quantity('1'))" }, { rule: 'math.abs(self.min) > 100' }, { rule: 'self.tags.reverse() == self.tags' }]);
    expect(run(s, { name: '2', min: 1, tags: [] })).toEqual([]);
  });

  it('offers Kubernetes list and string helpers', () => {
    const s = specWith([
      { rule: 'self.tags.isSorted() && self.name.replace("-", "") == "ab" && self.tags.indexOf("b") == 1' },
      { rule: 'self.name.find("[a-z]") == "a" && self.name.findAll("[a-z]").size() == 2 && isURL("https://x.io/a") && !isURL("nope")' },
    ]);
    expect(run(s, { tags: ['a', 'b'], name: 'a-b' })).toEqual([]);
  });
});
