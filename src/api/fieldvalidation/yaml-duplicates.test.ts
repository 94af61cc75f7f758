import { describe, it, expect } from 'vitest';
import { findDuplicateYamlFields } from './yaml-duplicates.js';

describe('findDuplicateYamlFields', () => {
  it('reports duplicate keys with their lines in one message', () => {
    const raw = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\ndata:\n  a: "1"\n  b: "2"\n  a: "3"\n';
    expect(findDuplicateYamlFields(raw)).toEqual(['yaml: unmarshal errors:\n  line 5: key "name" already set in map\n  line 9: key "a" already set in map']);
  });
  it('is quiet for clean YAML and JSON', () => {
    expect(findDuplicateYamlFields('a: 1\nb:\n  a: 2\n')).toEqual([]);
    expect(findDuplicateYamlFields('{"a":1,"b":{"a":2}}')).toEqual([]);
  });
});
