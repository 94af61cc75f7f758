import { describe, it, expect } from 'vitest';
import { builtinResources, findByKind, findResource, resourcesByGroupVersion, storagePrefix } from './catalog.js';

describe('builtin resource catalog', () => {
  it('has unique group/version/resource and group/version/kind entries', () => {
    const gvr = new Set(builtinResources.map((r) => `${r.group}/${r.version}/${r.resource}`));
    expect(gvr.size).toBe(builtinResources.length);
    const gvk = new Set(builtinResources.map((r) => `${r.group}/${r.version}/${r.kind}`));
    expect(gvk.size).toBe(builtinResources.length);
  });

  it('describes pods as discovery does', () => {
    const pods = findResource('', 'v1', 'pods')!;
    expect(pods).toMatchObject({ kind: 'Pod', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'] });
    const eviction = pods.subresources!.find((s) => s.name === 'eviction');
    expect(eviction).toEqual({ name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    expect(pods.subresources!.map((s) => s.name).sort()).toEqual(
      ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'resize', 'status']);
  });

  it('lists scale as autoscaling/v1 Scale on scalable workloads', () => {
    for (const [g, r] of [['apps', 'deployments'], ['apps', 'replicasets'], ['apps', 'statefulsets'], ['', 'replicationcontrollers']]) {
      const info = findResource(g, 'v1', r)!;
      expect(info.subresources!.find((s) => s.name === 'scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    }
  });

  it('leaves deletecollection off namespaces and narrows special verbs', () => {
    expect(findResource('', 'v1', 'namespaces')!.verbs).not.toContain('deletecollection');
    expect(findResource('', 'v1', 'componentstatuses')!.verbs).toEqual(['get', 'list']);
    expect(findResource('', 'v1', 'bindings')!.verbs).toEqual(['create']);
  });

  it('marks reviews virtual and create-only', () => {
    for (const r of builtinResources.filter((x) => x.group.startsWith('authorization.') || x.group.startsWith('authentication.'))) {
      expect(r.virtual).toBe(true);
      expect(r.verbs).toEqual(['create']);
    }
    expect(findResource('authorization.k8s.io', 'v1', 'localsubjectaccessreviews')!.namespaced).toBe(true);
  });

  it('serves HPAs in autoscaling v1 and v2 from v2 storage', () => {
    expect(findResource('autoscaling', 'v1', 'horizontalpodautoscalers')!.storageVersion).toBe('v2');
    expect(findByKind('autoscaling', 'v2', 'HorizontalPodAutoscaler')!.categories).toEqual(['all']);
  });

  it('keeps singular names upstream spells irregularly', () => {
    expect(findResource('', 'v1', 'endpoints')!.singular).toBe('endpoints');
    expect(findResource('networking.k8s.io', 'v1', 'ingresses')!.singular).toBe('ingress');
    expect(findResource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!.shortNames).toEqual(['crd', 'crds']);
  });

  it('groups by apiVersion and builds storage prefixes', () => {
    const byGv = resourcesByGroupVersion();
    expect([...byGv.keys()][0]).toBe('v1');
    expect(byGv.get('apps/v1')!.map((r) => r.resource)).toContain('deployments');
    expect(storagePrefix(findResource('', 'v1', 'pods')!)).toBe('/registry/core/pods/');
    expect(storagePrefix(findResource('apps', 'v1', 'deployments')!)).toBe('/registry/apps/deployments/');
  });
});
