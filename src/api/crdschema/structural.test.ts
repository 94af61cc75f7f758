import { describe, it, expect } from 'vitest';
import { validateCustomResourceDefinitionSchemas, validateStructuralSchema } from './structural.js';

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
    // Structural errors come sorted, as upstream sorts them.
    expect(check({ properties: { spec: { properties: { a: {} } } } })).toEqual([
      `${P}.properties[spec].properties[a].type: Required value: must not be empty for specified object fields`,
      `${P}.properties[spec].type: Required value: must not be empty for specified object fields`,
      `${P}.type: Required value: must not be empty at the root`,
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
        b: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false },
        c: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' },
        d: { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } }, 'x-kubernetes-list-type': 'map' },
        e: { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'] },
        f: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'string' } },
      },
    })).toEqual([
      `${P}.properties[b].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
      `${P}.properties[c].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
      `${P}.properties[d].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${P}.properties[e].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      `${P}.properties[f].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
  });

  it('reports an empty rule before compiling any', () => {
    expect(check({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a ==' }, { rule: '' }] })).toEqual([
      `${P}.x-kubernetes-validations[1].rule: Required value: rule is not specified`,
    ]);
  });

  it('accepts rules using Kubernetes CEL libraries this engine does not evaluate', () => {
    expect(check({ type: 'object', 'x-kubernetes-validations': [{ rule: 'isIP(self.addr)' }, { rule: 'sets.contains(self.a, self.b)' }] })).toEqual([]);
    expect(check({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a.sizee() > 1' }] })[0]).toContain("compilation failed: found no matching overload for 'dyn.sizee()'");
  });

  it('reports rules that do not compile, bad reasons and oldSelf on uncorrelatable items', () => {
    const errs = check({
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'self.a ==' }, { rule: 'undefinedVar > 1' }, { rule: 'true', reason: 'Nope' }],
      properties: { l: { type: 'array', items: { type: 'object', properties: { x: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'self.x == oldSelf.x' }] } } },
    });
    expect(errs).toHaveLength(4);
    expect(errs[0]).toBe(`${P}.properties[l].items.x-kubernetes-validations[0].rule: Invalid value: "self.x == oldSelf.x": oldSelf cannot be used on the uncorrelatable portion of the schema within ${P}.properties[l]`);
    expect(errs[1]!.startsWith(`${P}.x-kubernetes-validations[0].rule: Invalid value: "self.a ==": compilation failed: `)).toBe(true);
    expect(errs[2]).toBe(`${P}.x-kubernetes-validations[1].rule: Invalid value: "undefinedVar > 1": compilation failed: undeclared reference to 'undefinedVar' (in container '')`);
    expect(errs[3]).toBe(`${P}.x-kubernetes-validations[2].reason: Unsupported value: "Nope": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`);
  });

  it('restricts root metadata, junctors and patterns', () => {
    expect(check({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } }, spec: { type: 'object', properties: { p: { type: 'string', pattern: '(?=a)' } }, anyOf: [{ type: 'string' }] } } })).toEqual([
      `${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      `${P}.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${P}.properties[spec].properties[p].pattern: Invalid value: "(?=a)": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``,
    ]);
    expect(check({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } } } })).toEqual([]);
    expect(check({ type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } })).toEqual([]);
  });

  it('checks every version of a CRD spec', () => {
    expect(validateCustomResourceDefinitionSchemas({
      versions: [
        { name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } },
        { name: 'v2' },
        { name: 'v3', schema: { openAPIV3Schema: { type: 'object', properties: { a: {} } } } },
      ],
    }).map(String)).toEqual([
      'spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required',
      'spec.versions[2].schema.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields',
    ]);
  });

  it('checks defaults against their schema once the schema is valid', () => {
    expect(check({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            size: { type: 'integer', maximum: 10, default: 99 },
            color: { type: 'string', enum: ['red'], default: 'red' },
            opts: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 1 } },
            extra: { type: 'object', properties: { a: { type: 'string' } }, default: { b: 'x' } },
            named: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 3', message: 'short' }], default: 'long' },
          },
        },
      },
    })).toEqual([
      `${P}.properties[spec].properties[size].default: Invalid value: 99:  in body should be less than or equal to 10`,
      `${P}.properties[spec].properties[opts].default.a: Invalid value: "integer": a in body must be of type string: "integer"`,
      `${P}.properties[spec].properties[extra].default: Invalid value: {"b":"x"}: must not have unknown fields`,
      `${P}.properties[spec].properties[named].default: Invalid value: "long": short`,
    ]);
  });

  it('reports fields a rule selects that the schema does not declare', () => {
    const errs = check({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [
            { rule: 'self.replicas >= 0 && self.items.all(i, i.whatever) && self.labels.anything == "x"' },
            { rule: 'self.replicaz >= 0' },
            { rule: "self.items[0].nam == 'a'" },
          ],
          properties: {
            replicas: { type: 'integer' },
            items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
    });
    expect(errs).toEqual([
      `${P}.properties[spec].x-kubernetes-validations[1].rule: Invalid value: "self.replicaz >= 0": compilation failed: ERROR: <input>:1:5: undefined field 'replicaz'`,
      `${P}.properties[spec].x-kubernetes-validations[2].rule: Invalid value: "self.items[0].nam == 'a'": compilation failed: ERROR: <input>:1:14: undefined field 'nam'`,
    ]);
  });
});
