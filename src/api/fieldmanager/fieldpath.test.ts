import { describe, it, expect } from 'vitest';
import { PathSet, fieldElement as f, keyElement, valueElement, parsePathElement, pathToString } from './fieldpath.js';

const set = (...paths: string[][]) => PathSet.of(...paths);

describe('PathSet', () => {
  it('inserts, finds and counts paths', () => {
    const s = set([f('metadata'), f('labels'), f('app')], [f('metadata'), f('labels')]);
    expect(s.has([f('metadata'), f('labels')])).toBe(true);
    expect(s.has([f('metadata')])).toBe(false);
    expect(s.size()).toBe(2);
    expect(new PathSet().empty()).toBe(true);
    expect([...s].map(pathToString)).toEqual(['.f:metadata.f:labels', '.f:metadata.f:labels.f:app']);
  });

  it('union, intersection, difference and recursive difference', () => {
    const a = set([f('a')], [f('b'), f('c')], [f('b')]);
    const b = set([f('b')], [f('d')]);
    expect(a.union(b).size()).toBe(4);
    expect(a.intersection(b).equals(set([f('b')]))).toBe(true);
    // difference removes exact paths only: b's child c stays
    expect(a.difference(b).equals(set([f('a')], [f('b'), f('c')]))).toBe(true);
    // recursive difference also drops everything under b
    expect(a.recursiveDifference(b).equals(set([f('a')]))).toBe(true);
  });

  it('writes FieldsV1 with "." for members that have children, in upstream order', () => {
    const c = keyElement({ name: 'nginx' });
    const s = set(
      [f('spec'), f('containers'), c], [f('spec'), f('containers'), c, f('image')], [f('spec'), f('containers'), c, f('resources')],
      [f('metadata'), f('finalizers'), valueElement('example.com/hold')],
      [f('spec'), f('ports'), keyElement({ protocol: 'TCP', containerPort: 443 })], [f('spec'), f('ports'), keyElement({ containerPort: 80, protocol: 'TCP' })],
    );
    const v1 = s.toFieldsV1();
    expect(v1).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"example.com/hold"': {} } },
      'f:spec': {
        'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:resources': {} } },
        'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {}, 'k:{"containerPort":443,"protocol":"TCP"}': {} },
      },
    });
    // numeric key order (80 before 443), not string order
    expect(Object.keys((v1['f:spec'] as Record<string, Record<string, unknown>>)['f:ports'])).toEqual(['k:{"containerPort":80,"protocol":"TCP"}', 'k:{"containerPort":443,"protocol":"TCP"}']);
    expect(PathSet.fromFieldsV1(v1).equals(s)).toBe(true);
  });

  it('canonicalizes parsed elements', () => {
    expect(parsePathElement('k:{"protocol":"TCP", "containerPort":80}')).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    expect(parsePathElement('v: "x"')).toBe('v:"x"');
    expect(() => parsePathElement('z:1')).toThrow();
    expect(() => PathSet.fromFieldsV1({ 'f:a': 1 })).toThrow();
  });

  it('reads "." as membership of the parent element', () => {
    const s = PathSet.fromFieldsV1({ 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': {} } });
    expect(s.has([f('data')])).toBe(true);
    expect(s.has([f('data'), f('a')])).toBe(true);
    expect(s.has([f('metadata')])).toBe(false);
    expect(s.has([f('metadata'), f('labels')])).toBe(true);
  });
});
