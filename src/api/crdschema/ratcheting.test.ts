import { describe, it, expect } from 'vitest';
import { StructuralSchemas } from './index.js';
import type { JSONSchemaProps } from './schema.js';

const schemas = new StructuralSchemas();
const s: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer', maximum: 10 },
        name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 4', message: 'short names only' }] },
        ports: {
          type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', maximum: 100 } } },
        },
        tags: { type: 'array', items: { type: 'string', maxLength: 2 } },
      },
    },
  },
};
const obj = (spec: unknown) => ({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec });

describe('validation ratcheting on update', () => {
  it('drops errors of values unchanged from the old object, keeps errors of changed ones', () => {
    const old = obj({ size: 20, name: 'toolong', ports: [{ name: 'a', port: 500 }] });
    expect(schemas.validate(s, obj({ size: 20, name: 'toolong', ports: [{ name: 'b', port: 1 }, { name: 'a', port: 500 }] }), old)).toEqual([]);
    expect(schemas.validate(s, obj({ size: 21, name: 'toolong2', ports: [{ name: 'a', port: 501 }] }), old).map(String)).toEqual([
      'spec.size: Invalid value: 21: spec.size in body should be less than or equal to 10',
      'spec.ports[0].port: Invalid value: 501: spec.ports[0].port in body should be less than or equal to 100',
      'spec.name: Invalid value: "toolong2": short names only',
    ]);
  });

  it('does not correlate items of atomic lists', () => {
    const old = obj({ tags: ['abc', 'x'] });
    expect(schemas.validate(s, obj({ tags: ['abc', 'y'] }), old).map(String)).toEqual([
      'spec.tags[0]: Too long: may not be longer than 2',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
    expect(schemas.validate(s, obj({ tags: ['abc', 'x'] }), old)).toEqual([]);
  });
});
