import { describe, it, expect } from 'vitest';
import { findDuplicateJsonFields } from './duplicates.js';

describe('findDuplicateJsonFields', () => {
  it('finds duplicate keys at any depth with strict-decoder paths', () => {
    const raw = '{"kind":"Pod","kind":"Pod","spec":{"containers":[{"name":"a","image":"x","name":"b"}],"x":{"k":1,"k":2}}}';
    expect(findDuplicateJsonFields(raw)).toEqual([
      'duplicate field "kind"',
      'duplicate field "spec.containers[0].name"',
      'duplicate field "spec.x.k"',
    ]);
  });
  it('compares decoded keys and reports each path once', () => {
    expect(findDuplicateJsonFields('{"a":1,"\\u0061":2,"a":3}')).toEqual(['duplicate field "a"']);
  });
  it('handles escaped quotes and backslashes in keys and values', () => {
    const raw = String.raw`{"a\\":"x\"y","a\\":1,"b\"":2,"b\"":3}`;
    expect(findDuplicateJsonFields(raw)).toEqual([String.raw`duplicate field "a\\"`, String.raw`duplicate field "b\""`]);
  });
  it('is quiet for clean or invalid input', () => {
    expect(findDuplicateJsonFields('{"a":{"b":[1,{"c":"}\\"{"}]},"b":true}')).toEqual([]);
    expect(findDuplicateJsonFields('{"a":')).toEqual([]);
    expect(findDuplicateJsonFields('  [ {"a":1}, {"a":2} ] ')).toEqual([]);
  });
});
