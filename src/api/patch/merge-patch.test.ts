import { describe, it, expect } from 'vitest';
import { isStatusError } from '../errors.js';
import { applyMergePatch } from './merge-patch.js';

describe('applyMergePatch', () => {
  const cases: Array<{ name: string; original: unknown; patch: unknown; want: unknown }> = [
    {
      name: 'finalizers null removes them',
      original: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
      patch: { metadata: { finalizers: null } },
      want: { metadata: { name: 'held' } },
    },
    {
      name: 'annotation added',
      original: { metadata: { name: 'web' }, spec: { replicas: 1 } },
      patch: { metadata: { annotations: { note: 'x' } } },
      want: { metadata: { name: 'web', annotations: { note: 'x' } }, spec: { replicas: 1 } },
    },
    {
      name: 'lists are replaced wholesale',
      original: { spec: { containers: [{ name: 'a', image: 'a' }, { name: 'b' }] } },
      patch: { spec: { containers: [{ name: 'a', image: 'b' }] } },
      want: { spec: { containers: [{ name: 'a', image: 'b' }] } },
    },
    {
      name: 'nulls inside new values are pruned',
      original: { spec: {} },
      patch: { spec: { template: { a: null, b: 1, c: [{ d: null, e: 2 }] } } },
      want: { spec: { template: { b: 1, c: [{ e: 2 }] } } },
    },
    {
      name: 'RFC 7386 example',
      original: { title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'This will be unchanged' },
      patch: { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] },
      want: { title: 'Hello!', author: { givenName: 'John' }, tags: ['example'], content: 'This will be unchanged', phoneNumber: '+01-123-456-7890' },
    },
    {
      name: 'status subresource style patch',
      original: { spec: { size: 3 }, status: { ready: false } },
      patch: { status: { ready: true } },
      want: { spec: { size: 3 }, status: { ready: true } },
    },
    {
      name: 'existing nulls in the target stay',
      original: { e: null },
      patch: { a: 1 },
      want: { a: 1, e: null },
    },
    {
      name: 'nested new objects lose their nulls but keep empty maps',
      original: {},
      patch: { a: { bb: { ccc: null } } },
      want: { a: { bb: {} } },
    },
    {
      name: 'a list patch replaces the whole document',
      original: { a: 'b' },
      patch: ['c'],
      want: ['c'],
    },
    {
      name: 'object replaces scalar',
      original: { a: 1 },
      patch: { a: { b: null, c: 1 } },
      want: { a: { c: 1 } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const original = structuredClone(c.original);
      expect(applyMergePatch(original, c.patch)).toEqual(c.want);
      expect(original).toEqual(c.original);
    });
  }

  for (const bad of [null, 'x', 3]) {
    it(`400 for a ${JSON.stringify(bad)} patch`, () => {
      let err: unknown;
      try { applyMergePatch({}, bad); } catch (e) { err = e; }
      expect(isStatusError(err, 'BadRequest')).toBe(true);
      expect((err as Error).message).toBe('Invalid JSON Patch');
    });
  }
});
