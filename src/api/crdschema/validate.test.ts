import { describe, it, expect } from 'vitest';
import { StructuralSchemas } from './index.js';
import type { JSONSchemaProps } from './schema.js';
import { goFloat } from './messages.js';

const schemas = new StructuralSchemas();
const wrap = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec: { type: 'object', properties: { f: spec } } } });
const errorsFor = (field: JSONSchemaProps, value: unknown): string[] =>
  schemas.validate(wrap(field), { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { f: value } }).map(String);

describe('OpenAPI keyword validation with upstream messages', () => {
  const cases: Array<[string, JSONSchemaProps, unknown, string[]]> = [
    ['maximum (int)', { type: 'integer', maximum: 10 }, 99, ['spec.f: Invalid value: 99: spec.f in body should be less than or equal to 10']],
    ['exclusive maximum', { type: 'integer', maximum: 10, exclusiveMaximum: true }, 10, ['spec.f: Invalid value: 10: spec.f in body should be less than 10']],
    ['minimum (int)', { type: 'integer', minimum: 1 }, 0, ['spec.f: Invalid value: 0: spec.f in body should be greater than or equal to 1']],
    ['exclusive minimum', { type: 'number', minimum: 1.5, exclusiveMinimum: true }, 1.5, ['spec.f: Invalid value: 1.5: spec.f in body should be greater than 1.5']],
    ['minimum within range', { type: 'integer', minimum: 1, maximum: 10 }, 5, []],
    ['multipleOf', { type: 'integer', multipleOf: 3 }, 7, ['spec.f: Invalid value: 7: spec.f in body should be a multiple of 3']],
    ['multipleOf float', { type: 'number', multipleOf: 0.5 }, 1.25, ['spec.f: Invalid value: 1.25: spec.f in body should be a multiple of 0.5']],
    ['enum', { type: 'string', enum: ['red', 'green', 'blue'] }, 'purple', ['spec.f: Unsupported value: "purple": supported values: "red", "green", "blue"']],
    ['enum numbers', { type: 'integer', enum: [1, 2] }, 3, ['spec.f: Unsupported value: 3: supported values: "1", "2"']],
    ['type integer given string', { type: 'integer' }, 'string', ['spec.f: Invalid value: "string": spec.f in body must be of type integer: "string"']],
    ['type integer given float', { type: 'integer' }, 1.5, ['spec.f: Invalid value: "number": spec.f in body must be of type integer: "number"']],
    ['type number accepts integer', { type: 'number' }, 2, []],
    ['type object given array', { type: 'object' }, [1], ['spec.f: Invalid value: "array": spec.f in body must be of type object: "array"']],
    ['type boolean', { type: 'boolean' }, 'yes', ['spec.f: Invalid value: "string": spec.f in body must be of type boolean: "string"']],
    ['null for non-nullable', { type: 'string' }, null, ['spec.f: Invalid value: "null": spec.f in body must be of type string: "null"']],
    ['null for nullable', { type: 'string', nullable: true }, null, []],
    ['int-or-string int', { 'x-kubernetes-int-or-string': true }, 3, []],
    ['int-or-string string', { 'x-kubernetes-int-or-string': true }, '30%', []],
    ['int-or-string bool', { 'x-kubernetes-int-or-string': true }, true, ['spec.f: Invalid value: "boolean": spec.f in body must be of type integer,string: "boolean"']],
    ['minLength', { type: 'string', minLength: 3 }, 'ab', ['spec.f: Invalid value: "ab": spec.f in body should be at least 3 chars long']],
    ['maxLength', { type: 'string', maxLength: 3 }, 'abcd', ['spec.f: Too long: may not be longer than 3']],
    ['maxLength counts characters', { type: 'string', maxLength: 3 }, 'äöü', []],
    ['pattern', { type: 'string', pattern: '^[a-z]+$' }, 'A1', ["spec.f: Invalid value: \"A1\": spec.f in body should match '^[a-z]+$'"]],
    ['format email', { type: 'string', format: 'email' }, 'nope', ['spec.f: Invalid value: "nope": spec.f in body must be of type email: "nope"']],
    ['format date-time ok', { type: 'string', format: 'date-time' }, '2024-01-02T03:04:05Z', []],
    ['format date-time bad', { type: 'string', format: 'date-time' }, '2024-13-02', ['spec.f: Invalid value: "2024-13-02": spec.f in body must be of type date-time: "2024-13-02"']],
    ['format date', { type: 'string', format: 'date' }, '2024-02-30', ['spec.f: Invalid value: "2024-02-30": spec.f in body must be of type date: "2024-02-30"']],
    ['format uuid', { type: 'string', format: 'uuid' }, '123e4567-e89b-12d3-a456-426614174000', []],
    ['format ipv4', { type: 'string', format: 'ipv4' }, '10.0.0.300', ['spec.f: Invalid value: "10.0.0.300": spec.f in body must be of type ipv4: "10.0.0.300"']],
    ['format ipv6', { type: 'string', format: 'ipv6' }, '::1', []],
    ['format hostname', { type: 'string', format: 'hostname' }, 'my-host.example.com', []],
    ['format uri', { type: 'string', format: 'uri' }, 'https://example.com/x', []],
    ['format byte', { type: 'string', format: 'byte' }, 'not base64!', ['spec.f: Invalid value: "not base64!": spec.f in body must be of type byte: "not base64!"']],
    ['format duration', { type: 'string', format: 'duration' }, '1h30m', []],
    ['format int32 on integer is a type hint', { type: 'integer', format: 'int32' }, 5, []],
    ['unknown format ignored', { type: 'string', format: 'fancy' }, 'x', []],
    ['minItems', { type: 'array', items: { type: 'string' }, minItems: 2 }, ['a'], ['spec.f: Invalid value: 1: spec.f in body should have at least 2 items']],
    ['maxItems', { type: 'array', items: { type: 'string' }, maxItems: 1 }, ['a', 'b'], ['spec.f: Too many: must have at most 1 items']],
    ['uniqueItems', { type: 'array', items: { type: 'string' }, uniqueItems: true }, ['a', 'a'], ['spec.f: Invalid value: "": spec.f in body shouldn\'t contain duplicates']],
    ['items path', { type: 'array', items: { type: 'integer', maximum: 1 } }, [1, 2], ['spec.f[1]: Invalid value: 2: spec.f[1] in body should be less than or equal to 1']],
    ['minProperties', { type: 'object', additionalProperties: { type: 'string' }, minProperties: 2 }, { a: 'x' }, ['spec.f: Invalid value: 2: spec.f in body should have at least 2 properties']],
    ['maxProperties', { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 1 }, { a: 'x', b: 'y' }, ['spec.f: Too many: must have at most 1 items']],
    ['additionalProperties values', { type: 'object', additionalProperties: { type: 'integer' } }, { a: 'x' }, ['spec.f.a: Invalid value: "string": spec.f.a in body must be of type integer: "string"']],
    ['required', { type: 'object', required: ['a'], properties: { a: { type: 'string' } } }, {}, ['spec.f.a: Required value']],
    ['anyOf', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, anyOf: [{ required: ['a'] }, { required: ['b'] }] }, {}, ['<nil>: Invalid value: "": spec.f must validate at least one schema (anyOf)', 'spec.f.a: Required value']],
    ['oneOf', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] }, { a: 'x', b: 'y' }, ['<nil>: Invalid value: "": spec.f must validate one and only one schema (oneOf). Found 2 valid alternatives']],
    ['allOf', { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 3 }] }, 5, ['spec.f: Invalid value: 5: spec.f in body should be less than or equal to 3', '<nil>: Invalid value: "": spec.f must validate all the schemas (allOf)']],
    ['not', { type: 'string', not: { enum: ['x'] } }, 'x', ['<nil>: Invalid value: "": spec.f must not validate the schema (not)']],
    ['list-type set duplicates', { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' }, ['a', 'b', 'a'], ['spec.f[2]: Duplicate value: "a"']],
    ['list-type map duplicates', { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, v: { type: 'integer' } } } }, [{ name: 'a', v: 1 }, { name: 'a', v: 2 }], ['spec.f[1]: Duplicate value: {"name":"a","v":2}']],
    ['list-type map distinct', { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name', 'port'], items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } } }, [{ name: 'a', port: 1 }, { name: 'a', port: 2 }], []],
  ];
  for (const [name, field, value, want] of cases) {
    it(name, () => expect(errorsFor(field, value)).toEqual(want));
  }

  it('reports the missing required spec field and the enum at once, by field path', () => {
    const widget: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 1, maximum: 10 }, color: { type: 'string', enum: ['red', 'green', 'blue'] } } } } };
    expect(schemas.validate(widget, { spec: { color: 'purple' } }).map(String)).toEqual([
      'spec.size: Required value',
      'spec.color: Unsupported value: "purple": supported values: "red", "green", "blue"',
    ]);
  });

  it('checks embedded resources for apiVersion and kind', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } } } } };
    expect(schemas.validate(s, { spec: { template: { metadata: {} } } }).map(String)).toEqual([
      'spec.template.apiVersion: Required value: must not be empty',
      'spec.template.kind: Required value: must not be empty',
    ]);
    expect(schemas.validate(s, { spec: { template: { apiVersion: 'v1', kind: 'Pod' } } })).toEqual([]);
    expect(schemas.validate(s, { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a/b', labels: { 'bad key!': 'x' } } } } }).map(String)).toEqual([
      'spec.template.metadata.name: Invalid value: "a/b": may not contain \'/\'',
      expect.stringMatching(/^spec\.template\.metadata\.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters/),
    ]);
  });

  it('renders float bounds like Go', () => {
    expect(goFloat(1e6)).toBe('1e+06');
    expect(goFloat(123456)).toBe('123456');
    expect(goFloat(0.5)).toBe('0.5');
    expect(goFloat(0.00001)).toBe('1e-05');
    expect(errorsFor({ type: 'number', maximum: 1000000 }, 2000000.5)).toEqual(['spec.f: Invalid value: 2000000.5: spec.f in body should be less than or equal to 1e+06']);
  });

  it('is fast for a typical object (schema state cached)', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object', required: ['size'],
          'x-kubernetes-validations': [{ rule: 'self.size <= 10' }],
          properties: { size: { type: 'integer', minimum: 1, maximum: 10 }, color: { type: 'string', enum: ['red', 'green', 'blue'] }, tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } } },
        },
      },
    };
    const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { size: 3, color: 'red', tags: ['a', 'b'] } };
    schemas.validate(s, obj);
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) schemas.validate(s, obj);
    const perObjectMs = (performance.now() - t0) / n;
    expect(perObjectMs).toBeLessThan(0.5);
  });
});
