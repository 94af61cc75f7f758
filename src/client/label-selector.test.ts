import { describe, it, expect } from 'vitest';
import { parseFieldSelector, parseSelector, selectorFromLabelSelector, selectorFromSet } from './label-selector.js';
import { Indexer, Lister, indexByField } from './indexer.js';
import type { KubeObject } from '../api/types.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', version: '3' };

  it('parses and matches the string forms', () => {
    const m = (s: string) => parseSelector(s).matches(labels);
    expect(m('')).toBe(true);
    expect(m('app=web')).toBe(true);
    expect(m('app==web,tier=front')).toBe(true);
    expect(m('app = web')).toBe(true);
    expect(m('app!=web')).toBe(false);
    expect(m('missing!=x')).toBe(true);
    expect(m('app in (web, api)')).toBe(true);
    expect(m('app notin (web)')).toBe(false);
    expect(m('tier,!legacy')).toBe(true);
    expect(m('!app')).toBe(false);
    expect(m('version>2,version<4')).toBe(true);
    expect(m('env in (a,b),app=web')).toBe(false);
    expect(() => parseSelector('a=b,,c')).toThrow();
    expect(() => parseSelector('a in b')).toThrow();
  });

  it('turns LabelSelector objects into selectors as upstream does', () => {
    expect(selectorFromLabelSelector(undefined).matches(labels)).toBe(false);
    expect(selectorFromLabelSelector({}).matches(labels)).toBe(true);
    expect(selectorFromLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }, { key: 'x', operator: 'DoesNotExist' }] }).matches(labels)).toBe(true);
    expect(selectorFromLabelSelector({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }).matches(labels)).toBe(false);
    expect(selectorFromSet({ app: 'web' }).toString()).toBe('app=web');
  });

  it('matches field selectors over dotted paths', () => {
    const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
    expect(parseFieldSelector('spec.nodeName=n1,status.phase!=Failed')(pod)).toBe(true);
    expect(parseFieldSelector('spec.nodeName=')({ spec: {} })).toBe(true);
    expect(parseFieldSelector('metadata.name==q')(pod)).toBe(false);
  });
});

describe('Indexer', () => {
  type Obj = KubeObject & { spec?: { nodeName?: string } };
  const obj = (ns: string, name: string, node?: string, labels?: Record<string, string>): Obj => ({ metadata: { namespace: ns, name, labels }, spec: { nodeName: node } });

  it('keeps indexes in step with updates and deletes', () => {
    const idx = new Indexer<Obj>({ byNode: indexByField<Obj>((o) => o.spec?.nodeName) });
    idx.set(obj('a', 'p1', 'n1'));
    idx.set(obj('b', 'p2', 'n1'));
    idx.set(obj('a', 'p3'));
    expect(idx.indexKeys('byNode', 'n1').sort()).toEqual(['a/p1', 'b/p2']);
    idx.set(obj('a', 'p1', 'n2'));
    expect(idx.indexKeys('byNode', 'n1')).toEqual(['b/p2']);
    expect(idx.indexKeys('byNode', 'n2')).toEqual(['a/p1']);
    idx.delete('b/p2');
    expect(idx.indexKeys('byNode', 'n1')).toEqual([]);
    idx.addIndexers({ byName: (o) => [o.metadata!.name!] });
    expect(idx.byIndex('byName', 'p3')).toHaveLength(1);
    expect(() => idx.byIndex('nope', 'x')).toThrow(/does not exist/);

    const lister = new Lister(idx);
    idx.set(obj('a', 'web', undefined, { app: 'web' }));
    expect(lister.list({ namespace: 'a' }).map((o) => o.metadata!.name).sort()).toEqual(['p1', 'p3', 'web']);
    expect(lister.list({ selector: 'app=web' }).map((o) => o.metadata!.name)).toEqual(['web']);
    expect(lister.get('a', 'p1')?.spec?.nodeName).toBe('n2');
    const cluster = new Indexer<Obj>();
    cluster.set({ metadata: { name: 'node1' } });
    expect(new Lister(cluster).get(undefined, 'node1')).toBeTruthy();
  });
});
