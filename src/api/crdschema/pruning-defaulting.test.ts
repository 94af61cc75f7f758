import { describe, it, expect } from 'vitest';
import { pruneObject } from './pruning.js';
import { applyDefaults, pruneNonNullableNullsWithoutDefaults } from './defaulting.js';
import { StructuralSchemas } from './index.js';
import type { JSONSchemaProps } from './schema.js';

describe('pruning', () => {
  it('drops unknown fields, keeps apiVersion/kind/metadata at the root', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } };
    const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', whatever: 1 }, spec: { a: 'x', b: 'y' }, extra: true };
    expect(pruneObject(obj, s)).toEqual(['spec.b', 'extra']);
    expect(obj).toEqual({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', whatever: 1 }, spec: { a: 'x' } });
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields but prunes declared sub-objects', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } } } };
    const obj = { spec: { free: { deep: 1 }, known: { a: 'x', b: 'y' } } };
    pruneObject(obj, s);
    expect(obj).toEqual({ spec: { free: { deep: 1 }, known: { a: 'x' } } });
  });

  it('follows additionalProperties and items', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        m: { type: 'object', additionalProperties: { type: 'object', properties: { a: { type: 'string' } } } },
        l: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } },
        any: { type: 'object', additionalProperties: true },
      },
    };
    const obj = { m: { k1: { a: 'x', b: 1 } }, l: [{ a: 'x', c: 2 }, { d: 3 }], any: { x: { y: 1 } } };
    expect(pruneObject(obj, s)).toEqual(['m.k1.b', 'l[0].c', 'l[1].d']);
    expect(obj).toEqual({ m: { k1: { a: 'x' } }, l: [{ a: 'x' }, {}], any: { x: { y: 1 } } });
  });

  it('keeps apiVersion/kind of embedded resources and prunes their metadata to ObjectMeta', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'integer' } } } } },
            raw: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    };
    const obj = {
      spec: {
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' }, bogus: 1 }, spec: { x: 1, y: 2 }, other: 1 },
        raw: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', bogus: 2 }, data: { k: 'v' } },
      },
    };
    pruneObject(obj, s);
    expect(obj.spec.template).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { x: 1 } });
    expect(obj.spec.raw).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
  });
});

describe('defaulting', () => {
  it('applies defaults for missing properties recursively, deep-copied', () => {
    const def = { a: 1 };
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object', default: {},
          properties: {
            replicas: { type: 'integer', default: 1 },
            opts: { type: 'object', default: def, properties: { a: { type: 'integer' }, b: { type: 'string', default: 'x' } } },
            list: { type: 'array', items: { type: 'object', properties: { p: { type: 'integer', default: 80 } } } },
            map: { type: 'object', additionalProperties: { type: 'object', properties: { q: { type: 'boolean', default: true } } } },
          },
        },
      },
    };
    const obj: Record<string, unknown> = { spec: { list: [{}, { p: 1 }], map: { k: {} } } };
    applyDefaults(obj, s);
    expect(obj).toEqual({ spec: { replicas: 1, opts: { a: 1, b: 'x' }, list: [{ p: 80 }, { p: 1 }], map: { k: { q: true } } } });
    expect((obj.spec as { opts: unknown }).opts).not.toBe(def);
    expect(def).toEqual({ a: 1 });
    const empty: Record<string, unknown> = {};
    applyDefaults(empty, s);
    expect(empty).toEqual({ spec: { replicas: 1, opts: { a: 1, b: 'x' } } });
  });

  it('replaces a null of a non-nullable field with its default, keeps nullable nulls, drops others', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        a: { type: 'string', default: 'd' },
        b: { type: 'string', nullable: true, default: 'd' },
        c: { type: 'string' },
        d: { type: 'string', nullable: true },
        l: { type: 'array', items: { type: 'string', default: 'i' } },
      },
    };
    const obj = { a: null, b: null, c: null, d: null, l: [null, 'x'] };
    applyDefaults(obj, s);
    pruneNonNullableNullsWithoutDefaults(obj, s);
    expect(obj).toEqual({ a: 'd', b: null, d: null, l: ['i', 'x'] });
  });

  it('prunes before defaulting in the combined step', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 3 } } } } };
    const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { junk: 1 } };
    new StructuralSchemas().pruneAndDefault(s, obj);
    expect(obj.spec).toEqual({ size: 3 });
  });

  it('keeps a "__proto__" key as data when copying defaults', () => {
    const def = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const s: JSONSchemaProps = { type: 'object', properties: { m: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, default: def } } };
    const obj: Record<string, unknown> = {};
    applyDefaults(obj, s);
    const m = obj.m as Record<string, unknown>;
    expect(Object.keys(m)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  });
});
