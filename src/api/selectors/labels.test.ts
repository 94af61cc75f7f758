import { describe, it, expect } from 'vitest';
import { isStatusError } from '../errors.js';
import { labelSelectorFromObject, parseLabelSelector, selectorFromSet } from './index.js';

function parseError(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    expect(isStatusError(e, 'BadRequest')).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`expected ${s} to fail`);
}

describe('label selector string form', () => {
  it('parses every operator and matches', () => {
    const s = parseLabelSelector('a=b,c!=d,e in (x,y),f notin (z),g,!h, i==j');
    const ok = { a: 'b', c: 'x', e: 'y', f: 'q', g: '', i: 'j' };
    expect(s.matches(ok)).toBe(true);
    expect(s.matches({ ...ok, h: '1' })).toBe(false);
    expect(s.matches({ ...ok, c: 'd' })).toBe(false);
    expect(s.matches({ ...ok, e: 'w' })).toBe(false);
    expect(s.matches({ ...ok, f: 'z' })).toBe(false);
    const { g: _g, ...noG } = ok;
    expect(s.matches(noG)).toBe(false);
  });

  it('renders sorted by key with sorted set values', () => {
    expect(parseLabelSelector('z=1,a in (c,b,b),!m,k').toString()).toBe('a in (b,c),k,!m,z=1');
    expect(parseLabelSelector('x notin (),y==2').toString()).toBe('x notin (),y==2');
  });

  it('treats in/notin as values inside sets and empty entries as ""', () => {
    const s = parseLabelSelector('x in (in,notin,),y');
    expect(s.requirements[0].values).toEqual(['', 'in', 'notin']);
    expect(parseLabelSelector('x=').matches({ x: '' })).toBe(true);
    expect(parseLabelSelector('').empty()).toBe(true);
  });

  it('supports gt and lt on integers', () => {
    expect(parseLabelSelector('n>3').matches({ n: '4' })).toBe(true);
    expect(parseLabelSelector('n<3').matches({ n: '4' })).toBe(false);
    expect(parseLabelSelector('n>3').matches({ n: 'x' })).toBe(false);
  });

  it('reports upstream messages', () => {
    expect(parseError('a b')).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(parseError('a in (x')).toBe("unable to parse requirement: found '', expected: ',' or ')'");
    expect(parseError('a,')).toBe("found '', expected: identifier after ','");
    expect(parseError('=a')).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(parseError('a=b c')).toBe("found 'c', expected: ',' or 'end of string'");
    expect(parseError('_a=b')).toBe(
      "unable to parse requirement: <nil>: Invalid value: \"_a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    expect(parseError('a=-b')).toBe(
      "unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    expect(parseError('Bad.Prefix/a')).toContain('prefix part a lowercase RFC 1123 subdomain');
  });
});

describe('label selector object form', () => {
  it('converts matchLabels and matchExpressions', () => {
    const s = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['fe', 'be'] },
        { key: 'old', operator: 'DoesNotExist' },
        { key: 'env', operator: 'Exists' },
        { key: 'zone', operator: 'NotIn', values: ['a'] },
      ],
    });
    expect(s.toString()).toBe('app=web,env,!old,tier in (be,fe),zone notin (a)');
    expect(s.matches({ app: 'web', tier: 'fe', env: 'p' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'fe', env: 'p', old: 'y' })).toBe(false);
  });

  it('selects nothing for null and everything for empty', () => {
    expect(labelSelectorFromObject(null).matches({})).toBe(false);
    expect(labelSelectorFromObject(undefined).matchesNothing()).toBe(true);
    expect(labelSelectorFromObject({}).matches({ a: 'b' })).toBe(true);
  });

  it('rejects bad operators and value counts', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Has' }] })).toThrow('"Has" is not a valid label selector operator');
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }))
      .toThrow("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }))
      .toThrow('values set must be empty for exists and does not exist');
  });

  it('builds from a set', () => {
    const s = selectorFromSet({ b: '2', a: '1' });
    expect(s.toString()).toBe('a=1,b=2');
    expect(s.requiresExactMatch('a')).toBe('1');
  });
});

describe('label selector grammar edge cases', () => {
  it('accepts the documented example with empty set members', () => {
    const s = parseLabelSelector('x in (foo,,baz),y,z notin ()');
    expect(s.toString()).toBe('x in (,baz,foo),y,z notin ()');
    expect(s.matches({ x: '', y: '1' })).toBe(true);
    expect(s.matches({ x: 'foo', y: '1', z: '' })).toBe(false);
  });

  it('tolerates whitespace around operators and commas', () => {
    expect(parseLabelSelector(' a = b , c != d ').toString()).toBe('a=b,c!=d');
    expect(parseLabelSelector('env in(dev, prod)').requirements[0].values).toEqual(['dev', 'prod']);
  });

  it('rejects dangling operators', () => {
    expect(() => parseLabelSelector('a in')).toThrow("unable to parse requirement: found '' expected: '('");
    expect(() => parseLabelSelector('!')).toThrow("unable to parse requirement: found '', expected: identifier");
    expect(() => parseLabelSelector('a=b=c')).toThrow("found '=', expected: ',' or 'end of string'");
  });
});
