import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../types.js';
import { StatusError } from '../errors.js';
import { builtinSchemas } from '../schema/index.js';
import { updateManagedFields } from '../fieldmanager/index.js';
import { applyObject } from './apply.js';
import { buildLastApplied, lastAppliedAnnotation } from './last-applied.js';

const deploySchema = builtinSchemas.node('apps', 'v1', 'Deployment');
const T1 = '2026-11-22T20:00:00Z';
const T2 = '2026-11-22T21:00:00Z';

function deployment(image: string, replicas = 2): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } } },
  };
}

/** What `kubectl apply` (client-side) leaves: the config, its annotation, and the kubectl-client-side-apply Update entry. */
function clientSideApplied(config: KubeObject): KubeObject {
  const obj = structuredClone(config);
  obj.metadata = { ...obj.metadata, annotations: { [lastAppliedAnnotation]: buildLastApplied(config) } };
  const managedFields = updateManagedFields(undefined, obj, 'kubectl-client-side-apply', 'Update', 'apps/v1', T1, undefined, deploySchema);
  return { ...obj, metadata: { ...obj.metadata, uid: 'u1', resourceVersion: '2', creationTimestamp: T1, managedFields } };
}

function imageOf(obj: KubeObject): unknown {
  return (obj.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0].image;
}

function serverSide(live: KubeObject, config: KubeObject, manager = 'kubectl'): KubeObject {
  return applyObject({ live, applied: config, manager, force: false, apiVersion: 'apps/v1', now: T2, schema: deploySchema });
}

function statusErrorOf(f: () => unknown): StatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('applyObject: from client-side to server-side apply', () => {
  const live = clientSideApplied(deployment('nginx:1'));

  it('writes the last-applied annotation as kubectl does (sorted JSON and a newline)', () => {
    expect(live.metadata?.annotations?.[lastAppliedAnnotation]).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1","name":"app"}]}}}}\n',
    );
  });

  it('applies the same configuration server-side without conflicts, sharing the fields', () => {
    const out = serverSide(live, deployment('nginx:1'));
    expect(out.metadata?.managedFields?.map((e) => [e.manager, e.operation])).toEqual([['kubectl', 'Apply'], ['kubectl-client-side-apply', 'Update']]);
    expect(out.spec).toEqual(live.spec);
  });

  it('lets kubectl change its own client-side applied fields, and updates the annotation', () => {
    const out = serverSide(live, deployment('nginx:2', 3));
    expect(imageOf(out)).toBe('nginx:2');
    expect((out.spec as { replicas: number }).replicas).toBe(3);
    expect(out.metadata?.annotations?.[lastAppliedAnnotation]).toBe(buildLastApplied(deployment('nginx:2', 3)));
    const csa = JSON.stringify(out.metadata?.managedFields?.find((e) => e.manager === 'kubectl-client-side-apply')?.fieldsV1);
    expect(csa).not.toContain('f:image');
    expect(csa).not.toContain('f:replicas');
  });

  it('still reports the conflict to other managers', () => {
    const e = statusErrorOf(() => serverSide(live, deployment('nginx:2'), 'argocd'));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.template.spec.containers[name="app"].image');
  });

  it('does not excuse fields changed since the client-side apply', () => {
    const edited = structuredClone(live);
    (edited.spec as { replicas: number }).replicas = 5;
    edited.metadata!.managedFields = updateManagedFields(live, edited, 'kubectl-scale', 'Update', 'apps/v1', T2, 'scale', deploySchema);
    const e = statusErrorOf(() => serverSide(edited, deployment('nginx:1', 3)));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas');
  });
});

describe('applyObject: custom resources without a schema', () => {
  const widget = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
  const applyCr = (live: KubeObject | undefined, applied: KubeObject, manager: string, force = false) =>
    applyObject({ live, applied, manager, force, apiVersion: 'example.com/v1', now: T2, schema: undefined });
  const stored = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, uid: 'u9', resourceVersion: '1' } });
  const base = stored(applyCr(undefined, widget({ size: 1, tags: ['a', 'b'], nested: { x: 1 } }), 'alice'));

  it('owns every object key and treats lists as atomic', () => {
    expect(base.metadata?.managedFields?.[0].fieldsV1).toEqual({
      'f:spec': { '.': {}, 'f:nested': { '.': {}, 'f:x': {} }, 'f:size': {}, 'f:tags': {} },
    });
    const e = statusErrorOf(() => applyCr(base, widget({ tags: ['c'] }), 'bob'));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.tags');
    expect(applyCr(base, widget({ tags: ['c'] }), 'bob', true).spec).toEqual({ size: 1, tags: ['c'], nested: { x: 1 } });
  });

  it('merges objects key by key and prunes what the applier drops', () => {
    const withBob = stored(applyCr(base, widget({ nested: { y: 2 } }), 'bob'));
    expect(withBob.spec).toEqual({ size: 1, tags: ['a', 'b'], nested: { x: 1, y: 2 } });
    const out = applyCr(withBob, widget({ size: 2 }), 'alice');
    expect(out.spec).toEqual({ size: 2, nested: { y: 2 } });
  });
});
