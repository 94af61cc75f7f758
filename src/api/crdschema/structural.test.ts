import { describe, it, expect } from 'vitest';
import { validateStructuralSchema } from './structural.js';

const P = 'spec.versions[0].schema.openAPIV3Schema';
const check = (s: unknown) => validateStructuralSchema(s, P).map(String);

describe('validateStructuralSchema', () => {
  it('accepts a structural schema', () => {
    expect(check({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [{ rule: 'self.size > 0', messageExpression: '"size " + string(self.size)' }],
          properties: {
            size: { type: 'integer' }, port: { 'x-kubernetes-int-or-string': true }, free: { 'x-kubernetes-preserve-unknown-fields': true },
            tpl: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
            items: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
          },
          anyOf: [{ required: ['size'] }, { required: ['port'] }],
        },
      },
    })).toEqual([]);
  });

  it('reports missing and wrong types with upstream paths', () => {
    expect(check({ properties: { spec: { properties: { a: {} } } } })).toEqual([
      `${P}.type: Required value: must not be empty at the root`,
      `${P}.properties[spec].type: Required value: must not be empty for specified object fields`,
      `${P}.properties[spec].properties[a].type: Required value: must not be empty for specified object fields`,
    ]);
    expect(check({ type: 'string' })).toEqual([`${P}.type: Invalid value: "string": must be object at the root`]);
    expect(check({ type: 'object', properties: { l: { type: 'array' }, m: { type: 'array', items: {} } } })).toEqual([
      `${P}.properties[l].items: Required value: must be specified`,
      `${P}.properties[m].items.type: Required value: must not be empty for specified array items`,
    ]);
  });

  it('checks extensions and list types', () => {
    expect(check({
      type: 'object',
      properties: {
        a: { type: 'string', 'x-kubernetes-int-or-string': true },
        b: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false },
        c: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' },
        d: { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } }, 'x-kubernetes-list-type': 'map' },
        e: { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'] },
        f: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'string' } },
      },
    })).toEqual([
      `${P}.properties[a].type: Invalid value: "string": must be empty if x-kubernetes-int-or-string is true`,
      `${P}.properties[b].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
      `${P}.properties[c].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
      `${P}.properties[d].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${P}.properties[e].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      `${P}.properties[f].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
  });

  it('reports rules that do not compile', () => {
    const errs = check({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a ==' }, { rule: 'undefinedVar > 1' }, { rule: '' }, { rule: 'true', reason: 'Nope' }] });
    expect(errs[0]).toMatch(new RegExp(`^${P.replace(/[.[\]]/g, '\\$&')}\\.x-kubernetes-validations\\[0\\]\\.rule: Invalid value: "self.a ==": compilation failed: `));
    expect(errs[1]).toMatch(/x-kubernetes-validations\[1\]\.rule: Invalid value: "undefinedVar > 1": compilation failed: undeclared reference to: undefinedVar/);
    expect(errs[2]).toBe(`${P}.x-kubernetes-validations[2].rule: Required value`);
    expect(errs[3]).toBe(`${P}.x-kubernetes-validations[3].reason: Unsupported value: "Nope": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`);
  });
});
