import { describe, it, expect } from 'vitest';
import { isStatusError } from '../errors.js';
import { applyJsonPatch, parsePointer } from './json-patch.js';

const doc = () => ({
  metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web', 'a~b': 'x' } },
  spec: { replicas: 1, revisionHistoryLimit: 10, list: ['a', 'b', 'c'] },
});

describe('applyJsonPatch', () => {
  const cases: Array<{ name: string; ops: unknown[]; check: (out: ReturnType<typeof doc>) => void }> = [
    { name: 'replace', ops: [{ op: 'replace', path: '/spec/revisionHistoryLimit', value: 2 }], check: (o) => expect(o.spec.revisionHistoryLimit).toBe(2) },
    { name: 'add a new key', ops: [{ op: 'add', path: '/metadata/annotations', value: { n: 'x' } }], check: (o) => expect((o.metadata as Record<string, unknown>).annotations).toEqual({ n: 'x' }) },
    { name: 'add appends with -', ops: [{ op: 'add', path: '/spec/list/-', value: 'd' }], check: (o) => expect(o.spec.list).toEqual(['a', 'b', 'c', 'd']) },
    { name: 'add inserts at index', ops: [{ op: 'add', path: '/spec/list/1', value: 'z' }], check: (o) => expect(o.spec.list).toEqual(['a', 'z', 'b', 'c']) },
    { name: 'remove a list element', ops: [{ op: 'remove', path: '/spec/list/0' }], check: (o) => expect(o.spec.list).toEqual(['b', 'c']) },
    { name: '~1 escapes a slash', ops: [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }], check: (o) => expect(o.metadata.labels).toEqual({ 'a~b': 'x' }) },
    { name: '~0 escapes a tilde', ops: [{ op: 'replace', path: '/metadata/labels/a~0b', value: 'y' }], check: (o) => expect(o.metadata.labels['a~b']).toBe('y') },
    { name: 'move', ops: [{ op: 'move', from: '/spec/replicas', path: '/spec/count' }], check: (o) => expect(o.spec).toEqual({ count: 1, revisionHistoryLimit: 10, list: ['a', 'b', 'c'] }) },
    { name: 'copy is deep', ops: [{ op: 'copy', from: '/spec/list', path: '/spec/copy' }, { op: 'add', path: '/spec/copy/-', value: 'q' }], check: (o) => expect(o.spec.list).toEqual(['a', 'b', 'c']) },
    { name: 'test then replace', ops: [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'replace', path: '/spec/replicas', value: 3 }], check: (o) => expect(o.spec.replicas).toBe(3) },
    { name: 'test of a structure', ops: [{ op: 'test', path: '/spec/list', value: ['a', 'b', 'c'] }], check: (o) => expect(o.spec.list.length).toBe(3) },
    { name: 'negative index counts from the end', ops: [{ op: 'remove', path: '/spec/list/-1' }], check: (o) => expect(o.spec.list).toEqual(['a', 'b']) },
    { name: 'add at -1 appends (index from len+1)', ops: [{ op: 'add', path: '/spec/list/-1', value: 'z' }], check: (o) => expect(o.spec.list).toEqual(['a', 'b', 'c', 'z']) },
    { name: 'replace sets a missing object key (v4 behaviour)', ops: [{ op: 'replace', path: '/spec/paused', value: true }], check: (o) => expect((o.spec as Record<string, unknown>).paused).toBe(true) },
    { name: 'test of a missing key against null', ops: [{ op: 'test', path: '/spec/nope', value: null }], check: (o) => expect(o.spec.replicas).toBe(1) },
    { name: 'replace of the root', ops: [{ op: 'replace', path: '', value: { a: 1 } }], check: (o) => expect(o).toEqual({ a: 1 }) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = doc();
      const out = applyJsonPatch(input, c.ops) as ReturnType<typeof doc>;
      c.check(out);
      expect(input).toEqual(doc());
    });
  }

  const failing: Array<{ name: string; ops: unknown }> = [
    { name: 'failed test', ops: [{ op: 'test', path: '/spec/replicas', value: 2 }] },
    { name: 'replace of a missing list index', ops: [{ op: 'replace', path: '/spec/list/3', value: 2 }] },
    { name: 'replace under a missing parent', ops: [{ op: 'replace', path: '/spec/nope/x', value: 2 }] },
    { name: 'add at the root', ops: [{ op: 'add', path: '', value: {} }] },
    { name: 'operation without path', ops: [{ op: 'add', value: 1 }] },
    { name: 'remove with -', ops: [{ op: 'remove', path: '/spec/list/-' }] },
    { name: 'remove of a missing key', ops: [{ op: 'remove', path: '/metadata/annotations' }] },
    { name: 'add under a missing parent', ops: [{ op: 'add', path: '/status/x/y', value: 1 }] },
    { name: 'index out of range', ops: [{ op: 'add', path: '/spec/list/9', value: 1 }] },
    { name: 'unknown op', ops: [{ op: 'frob', path: '/spec' }] },
  ];
  for (const c of failing) {
    it(`422 on ${c.name}`, () => {
      let err: unknown;
      try { applyJsonPatch(doc(), c.ops); } catch (e) { err = e; }
      expect(isStatusError(err, 'Invalid')).toBe(true);
      if (isStatusError(err)) {
        expect(err.code).toBe(422);
        expect(err.message).toBe('the server rejected our request due to an error in our request');
      }
    });
  }

  it('400 when the body is not a list of operations', () => {
    let err: unknown;
    try { applyJsonPatch(doc(), { op: 'add' }); } catch (e) { err = e; }
    expect(isStatusError(err, 'BadRequest')).toBe(true);
    expect((err as Error).message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });

  it('413 over the operation cap', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 }));
    let err: unknown;
    try { applyJsonPatch(doc(), ops); } catch (e) { err = e; }
    expect(isStatusError(err, 'RequestEntityTooLarge')).toBe(true);
    expect((err as Error).message).toBe('Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  });

  it('parses pointers', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1']);
  });
});
