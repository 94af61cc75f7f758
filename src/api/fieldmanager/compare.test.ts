import { describe, it, expect } from 'vitest';
import { fixtureNode } from '../patch/testing/schema-fixture.js';
import { compareObjects, fieldSetOf } from './compare.js';
import type { PathSet } from './fieldpath.js';
import { rootTypeInfo } from './type-info.js';

const show = (s: PathSet) => [...s].map((p) => p.join('.')).sort();
const deduced = rootTypeInfo(undefined);
const pod = rootTypeInfo(fixtureNode('Pod'));

describe('compareObjects', () => {
  const cases: Array<{ name: string; lhs: unknown; rhs: unknown; info?: typeof pod; removed?: string[]; modified?: string[]; added?: string[] }> = [
    { name: 'equal', lhs: { a: 1 }, rhs: { a: 1 } },
    { name: 'scalar changed, added, removed', lhs: { a: 1, b: 2 }, rhs: { a: 3, c: 4 }, removed: ['f:b'], modified: ['f:a'], added: ['f:c'] },
    { name: 'new map adds itself and its keys', lhs: {}, rhs: { m: { k: 'v' } }, added: ['f:m', 'f:m.f:k'] },
    { name: 'null to empty map is a leaf change', lhs: { m: null }, rhs: { m: {} }, modified: ['f:m'] },
    { name: 'absent to empty map is an added leaf', lhs: {}, rhs: { m: {} }, added: ['f:m'] },
    { name: 'lists without schema are atomic', lhs: { l: [1] }, rhs: { l: [1, 2] }, modified: ['f:l'] },
    { name: 'map to scalar also removes the map keys', lhs: { a: { b: {} } }, rhs: { a: 'b' }, removed: ['f:a.f:b'], modified: ['f:a'] },
    {
      name: 'keyed list element renamed', info: pod,
      lhs: { spec: { containers: [{ name: 'a', image: 'x' }] } }, rhs: { spec: { containers: [{ name: 'b', image: 'x' }] } },
      removed: ['f:spec.f:containers.k:{"name":"a"}', 'f:spec.f:containers.k:{"name":"a"}.f:image', 'f:spec.f:containers.k:{"name":"a"}.f:name', 'f:spec.f:containers.k:{"name":"a"}.f:resources'],
      added: ['f:spec.f:containers.k:{"name":"b"}', 'f:spec.f:containers.k:{"name":"b"}.f:image', 'f:spec.f:containers.k:{"name":"b"}.f:name', 'f:spec.f:containers.k:{"name":"b"}.f:resources'],
    },
    {
      name: 'set list element added', info: pod,
      lhs: { metadata: { finalizers: ['a'] } }, rhs: { metadata: { finalizers: ['a', 'b'] } }, added: ['f:metadata.f:finalizers.v:"b"'],
    },
    {
      // As upstream: the duplicated element is removed as a whole, the single new one added afresh.
      name: 'duplicated keys resolved to one element', info: pod,
      lhs: { spec: { containers: [{ name: 'a' }, { name: 'a', image: 'x' }] } }, rhs: { spec: { containers: [{ name: 'a' }] } },
      removed: ['f:spec.f:containers.k:{"name":"a"}'],
      added: ['f:spec.f:containers.k:{"name":"a"}', 'f:spec.f:containers.k:{"name":"a"}.f:name', 'f:spec.f:containers.k:{"name":"a"}.f:resources'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = compareObjects(c.lhs, c.rhs, c.info ?? deduced);
      expect({ removed: show(got.removed), modified: show(got.modified), added: show(got.added) })
        .toEqual({ removed: c.removed ?? [], modified: c.modified ?? [], added: c.added ?? [] });
    });
  }
});

describe('fieldSetOf', () => {
  it('lists leaves, list elements, map keys and empty structs', () => {
    const obj = { metadata: { labels: { a: 'b' }, finalizers: ['f'] }, spec: { containers: [{ name: 'c', resources: {} }], restartPolicy: 'Always' } };
    expect(show(fieldSetOf(obj, pod))).toEqual([
      'f:metadata.f:finalizers.v:"f"', 'f:metadata.f:labels.f:a',
      'f:spec.f:containers.k:{"name":"c"}', 'f:spec.f:containers.k:{"name":"c"}.f:name', 'f:spec.f:containers.k:{"name":"c"}.f:resources',
      'f:spec.f:restartPolicy',
    ]);
  });
});
