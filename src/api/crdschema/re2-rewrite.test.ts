import { describe, it, expect } from 'vitest';
import { compileRE2 } from './re2.js';
import { rewriteRule } from './cel-rewrite.js';
import { StructuralSchemas } from './index.js';
import type { JSONSchemaProps } from './schema.js';

describe('RE2 patterns', () => {
  it('translates inline flags, anchors, named groups and POSIX classes', () => {
    expect(compileRE2('^(?i)abc$').test('ABC')).toBe(true);
    expect(compileRE2('(?i:ab)c').test('ABc')).toBe(true);
    expect(compileRE2('\\Afoo\\z').test('foo')).toBe(true);
    expect(compileRE2('^(?P<x>[[:alpha:]]+)[[:digit:]]$').test('ab1')).toBe(true);
    expect(compileRE2('^\\pL+$').test('äb')).toBe(true);
  });

  it('rejects what RE2 lacks', () => {
    expect(() => compileRE2('a(?=b)')).toThrow('invalid or unsupported Perl syntax: `(?=`');
    expect(() => compileRE2('(a)\\1')).toThrow('invalid or unsupported Perl syntax');
    expect(() => compileRE2('a(')).toThrow(/^error parsing regexp: /);
  });
});

describe('CEL rule rewrites', () => {
  it('turns has() on indexed operands into optional selects and leaves plain has() alone', () => {
    expect(rewriteRule('has(self.a.b)')).toBe('has(self.a.b)');
    expect(rewriteRule('has(self[0].matches) && has(self.m["k.x"].y)')).toBe('((self[0]).?matches.hasValue()) && ((self.m["k.x"]).?y.hasValue())');
    expect(rewriteRule('"has(self[0].x)" == s')).toBe('"has(self[0].x)" == s');
  });

  it('routes matches() to the RE2 matcher outside strings only', () => {
    expect(rewriteRule("self.matches('^(?i)a$') && 'x.matches(' != ''")).toBe("self.re2Matches('^(?i)a$') && 'x.matches(' != ''");
  });

  it('lets rules with RE2 flags and indexed has() run', () => {
    const schemas = new StructuralSchemas();
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [
            { rule: "self.name.matches('^(?i)[a-z]+$')", message: 'letters only' },
            { rule: 'self.items.size() == 0 || has(self.items[0].name)', message: 'first item needs a name' },
          ],
          properties: { name: { type: 'string', pattern: '^(?i)[a-z]+$' }, items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } },
        },
      },
    };
    expect(schemas.validate(s, { spec: { name: 'AbC', items: [{ name: 'x' }] } })).toEqual([]);
    expect(schemas.validate(s, { spec: { name: 'A1', items: [{}] } }).map(String)).toEqual([
      "spec.name: Invalid value: \"A1\": spec.name in body should match '^(?i)[a-z]+$'",
      'spec: Invalid value: letters only',
      'spec: Invalid value: first item needs a name',
    ]);
  });
});
