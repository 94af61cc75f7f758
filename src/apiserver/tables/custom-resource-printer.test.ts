import { describe, it, expect } from 'vitest';
import { buildTable, customResourcePrinter } from './index.js';
import { findResults } from './jsonpath.js';
import { meta, now } from './testing.js';
import type { ResourceInfo } from '../../api/resources/types.js';

const widgets: ResourceInfo = { group: 'example.com', version: 'v1', resource: 'widgets', singular: 'widget', kind: 'Widget', namespaced: true, verbs: ['get', 'list'] };
const h = 3600_000;

describe('custom resource printer', () => {
  it('prints additionalPrinterColumns through JSONPath', () => {
    const printer = customResourcePrinter([
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Tags', type: 'string', jsonPath: '.spec.tags', priority: 1 },
      { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    const w = { metadata: meta('w1', 2 * h), spec: { replicas: 3, tags: ['a', 'b'] }, status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] } };
    const t = buildTable(widgets, [w], { now, printer });
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0], ['Replicas', 'integer', 0], ['Ready', 'string', 0], ['Tags', 'string', 1], ['Missing', 'string', 0], ['Age', 'date', 0],
    ]);
    expect(t.rows[0].cells).toEqual(['w1', 3, 'True', '["a","b"]', null, '120m']);
  });

  it('serves an AGE column when the CRD declares none', () => {
    const t = buildTable(widgets, [{ metadata: meta('w1', 30_000) }], { now, printer: customResourcePrinter(undefined) });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Age']);
    expect(t.rows[0].cells).toEqual(['w1', '30s']);
  });

  it('evaluates the JSONPath subset', () => {
    const doc = { a: { 'b.c': 1, list: [{ n: 1 }, { n: 2 }] } };
    expect(findResults(".a['b.c']", doc)).toEqual([1]);
    expect(findResults('.a.list[1].n', doc)).toEqual([2]);
    expect(findResults('.a.list[*].n', doc)).toEqual([1, 2]);
    expect(findResults('{.a.list[?(@.n==2)].n}', doc)).toEqual([2]);
    expect(findResults('.a.list[?(@.n!=2)].n', doc)).toEqual([1]);
    expect(findResults('.x.y', doc)).toEqual([]);
  });
});
