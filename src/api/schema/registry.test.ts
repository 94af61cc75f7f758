import { describe, it, expect } from 'vitest';
import { builtinSchemas } from './index.js';

describe('builtinSchemas', () => {
  it('knows the top-level kinds of every served group/version', () => {
    const kinds = builtinSchemas.kinds();
    const has = (g: string, v: string, k: string) => kinds.some((x) => x.group === g && x.version === v && x.kind === k);
    expect(has('', 'v1', 'Pod')).toBe(true);
    expect(has('', 'v1', 'Binding')).toBe(true);
    expect(has('apps', 'v1', 'Deployment')).toBe(true);
    expect(has('autoscaling', 'v1', 'Scale')).toBe(true);
    expect(has('autoscaling', 'v2', 'HorizontalPodAutoscaler')).toBe(true);
    expect(has('policy', 'v1', 'Eviction')).toBe(true);
    expect(has('authentication.k8s.io', 'v1', 'TokenRequest')).toBe(true);
    expect(has('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview')).toBe(true);
    expect(has('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')).toBe(true);
    expect(has('meta.k8s.io', 'v1', 'DeleteOptions')).toBe(true);
    expect(has('apps', 'v1', 'DeploymentSpec')).toBe(false);
  });

  it('resolves kinds to messages, with meta options in every group', () => {
    expect(builtinSchemas.kindMessage('', 'v1', 'ConfigMap')?.name).toBe('k8s.io.api.core.v1.ConfigMap');
    expect(builtinSchemas.kindMessage('apps', 'v1', 'DeleteOptions')?.name).toBe('k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    expect(builtinSchemas.kindMessage('', 'v1', 'DeleteOptions')?.name).toBe('k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    expect(builtinSchemas.kindMessage('', 'v1', 'Status')?.name).toBe('k8s.io.apimachinery.pkg.apis.meta.v1.Status');
    expect(builtinSchemas.kindMessage('apps', 'v2', 'Deployment')).toBeUndefined();
    expect(builtinSchemas.kindMessage('nope', 'v1', 'DeleteOptions')).toBeUndefined();
  });

  it('records wire numbers, Go json facts and patch/list markers', () => {
    const spec = builtinSchemas.message('k8s.io.api.apps.v1.DeploymentSpec')!;
    const replicas = spec.fields.find((f) => f.name === 'replicas')!;
    expect(replicas).toMatchObject({ number: 1, type: { kind: 'scalar', scalar: 'int32' }, pointer: true, omitEmpty: true });
    expect(replicas.required).toBeUndefined();
    expect(spec.fields.find((f) => f.name === 'template')).toMatchObject({ required: true, type: { kind: 'message', ref: 'k8s.io.api.core.v1.PodTemplateSpec' } });
    expect(spec.fields.find((f) => f.name === 'strategy')?.patchStrategy).toBe('retainKeys');

    const podSpec = builtinSchemas.message('k8s.io.api.core.v1.PodSpec')!;
    expect(podSpec.fields.find((f) => f.name === 'containers')).toMatchObject({
      number: 2, repeated: true, patchMergeKey: 'name', patchStrategy: 'merge', listType: 'map', listMapKeys: ['name'], required: true,
    });
    const secret = builtinSchemas.message('k8s.io.api.core.v1.Secret')!;
    expect(secret.fields.find((f) => f.name === 'data')).toMatchObject({ number: 2, map: true, type: { kind: 'scalar', scalar: 'bytes' } });
    const meta = builtinSchemas.message('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta')!;
    expect(meta.fields.find((f) => f.name === 'creationTimestamp')?.type).toEqual({ kind: 'wellKnown', name: 'Time' });
    expect(meta.fields.find((f) => f.name === 'finalizers')).toMatchObject({ listType: 'set', patchStrategy: 'merge' });
    const props = builtinSchemas.message('k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps')!;
    expect(props.fields.find((f) => f.number === 3)?.name).toBe('$ref');
    expect(props.fields.find((f) => f.name === 'x-kubernetes-preserve-unknown-fields')).toBeDefined();
    expect(builtinSchemas.message('k8s.io.api.core.v1.ContainerPort')?.fields.find((f) => f.name === 'containerPort')?.required).toBe(true);
  });

  it('marks atomic structs and Go slice wrapper messages', () => {
    expect(builtinSchemas.message('k8s.io.api.core.v1.ObjectReference')?.atomic).toBe(true);
    expect(builtinSchemas.message('k8s.io.api.authentication.v1.ExtraValue')?.listWrapper).toBe(true);
  });

  it('walks JSON paths, looking through inline embedded structs', () => {
    const pod = builtinSchemas.node('', 'v1', 'Pod')!;
    const containers = pod.field('spec')?.element?.field('containers');
    expect(containers?.schema.patchMergeKey).toBe('name');
    expect(containers?.element?.field('image')?.schema.type).toEqual({ kind: 'scalar', scalar: 'string' });
    const volume = pod.field('spec')?.element?.field('volumes')?.element;
    expect(volume?.field('configMap')?.element?.field('items')?.schema.repeated).toBe(true);
    expect(volume?.field('volumeSource')).toBeUndefined();
    const eph = pod.field('spec')?.element?.field('ephemeralContainers')?.element;
    expect(eph?.field('image')).toBeDefined();
    expect(eph?.field('targetContainerName')).toBeDefined();
    expect(pod.field('metadata')?.element?.field('labels')?.schema.map).toBe(true);
    expect(pod.field('nope')).toBeUndefined();
    const crd = builtinSchemas.node('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')!;
    const schema = crd.field('spec')?.element?.field('versions')?.element?.field('schema')?.element?.field('openAPIV3Schema')?.element;
    expect(schema?.field('properties')?.element?.field('properties')?.element?.field('type')).toBeDefined();
  });

  it('parses every message of every table', () => {
    let n = 0;
    for (const k of builtinSchemas.kinds()) {
      const seen = new Set<string>();
      const visit = (name: string) => {
        if (seen.has(name)) return;
        seen.add(name);
        const m = builtinSchemas.message(name);
        expect(m, name).toBeDefined();
        n++;
        for (const f of m!.fields) if (f.type.kind === 'message') visit(f.type.ref);
      };
      visit(k.message);
    }
    expect(n).toBeGreaterThan(500);
  });
});
