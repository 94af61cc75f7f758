import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../types.js';
import { StatusError } from '../errors.js';
import { builtinSchemas } from '../schema/index.js';
import { applyObject, type ApplyInput } from './apply.js';

const deploySchema = builtinSchemas.node('apps', 'v1', 'Deployment');
const T1 = '2026-11-22T20:00:00Z';
const T2 = '2026-11-22T21:00:00Z';

type Container = Record<string, unknown>;

function deployment(containers: Container[], extra: { labels?: Record<string, string>; finalizers?: string[] } = {}): KubeObject {
  const metadata: Record<string, unknown> = { name: 'web', namespace: 'default' };
  if (extra.labels) metadata.labels = extra.labels;
  if (extra.finalizers) metadata.finalizers = extra.finalizers;
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata,
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
  };
}

/** The store's view: identity metadata, and ports defaulted (protocol TCP) as the defaulter does. */
function stored(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  out.metadata = { ...out.metadata, uid: 'u1', resourceVersion: '3', creationTimestamp: T1 };
  for (const c of containersOf(out)) {
    if (Array.isArray(c.ports)) c.ports = (c.ports as Container[]).map((p) => ({ protocol: 'TCP', ...p }));
  }
  return out;
}

function containersOf(obj: KubeObject): Container[] {
  return (obj.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;
}

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, opts: Partial<ApplyInput> = {}): KubeObject {
  return applyObject({ live, applied, manager, force: false, apiVersion: 'apps/v1', now: T2, schema: deploySchema, ...opts });
}

function fieldsOf(obj: KubeObject, manager: string): Record<string, unknown> | undefined {
  return obj.metadata?.managedFields?.find((e) => e.manager === manager)?.fieldsV1;
}

function conflictOf(f: () => unknown): StatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

const app = (more: Container = {}): Container => ({ name: 'app', image: 'nginx:1', ...more });

describe('applyObject: Deployment containers (list-map by name) with env and ports', () => {
  const base = stored(apply(undefined, deployment([app({ ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] })]), 'alice', { now: T1 }));

  it('records list elements by key, with defaulted key fields, as upstream', () => {
    expect(fieldsOf(base, 'alice')).toEqual({
      'f:spec': {
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"app"}': {
            '.': {}, 'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:image': {}, 'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          } } },
        },
      },
    });
  });

  it('conflicts on a nested field with its full path', () => {
    const e = conflictOf(() => apply(base, deployment([app({ image: 'nginx:2' })]), 'bob'));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.template.spec.containers[name="app"].image');
    expect(e.details?.causes?.[0]).toEqual({ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.template.spec.containers[name="app"].image' });
  });

  it('conflicts on a port by its composite key', () => {
    const named = stored(apply(base, deployment([app({ ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'A', value: '1' }] })]), 'alice'));
    const e = conflictOf(() => apply(named, deployment([app({ ports: [{ containerPort: 80, protocol: 'TCP', name: 'web' }] })]), 'bob'));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"].name');
    // the same port with another protocol is another element: no conflict
    const udp = apply(named, deployment([app({ ports: [{ containerPort: 80, protocol: 'UDP', name: 'web' }] })]), 'bob');
    expect(containersOf(udp)[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 80, protocol: 'UDP', name: 'web' }]);
  });

  it('merges other appliers\' list elements and entries in place', () => {
    const out = apply(base, deployment([app({ env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 443 }] }), { name: 'sidecar', image: 'envoy' }]), 'bob');
    const containers = containersOf(out);
    expect(containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }]);
    expect(containers[0].image).toBe('nginx:1');
  });

  it('removes an env entry and a container the applier no longer applies', () => {
    const two = stored(apply(base, deployment([app({ ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }, { name: 'C', value: '3' }] }), { name: 'sidecar', image: 'envoy' }]), 'alice'));
    const out = apply(two, deployment([app({ ports: [{ containerPort: 80 }], env: [{ name: 'C', value: '3' }] })]), 'alice');
    expect(containersOf(out)).toEqual([{ name: 'app', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'C', value: '3' }] }]);
  });

  it('keeps an element another applier also applies, and drops only the fields nobody else owns', () => {
    const withBob = stored(apply(base, deployment([app({ env: [{ name: 'A', value: '1' }] })]), 'bob'));
    // alice stops applying env A and the ports; bob still applies env A
    const out = apply(withBob, deployment([app()]), 'alice');
    const c = containersOf(out)[0];
    expect(c.env).toEqual([{ name: 'A', value: '1' }]);
    expect(c.ports).toBeUndefined();
  });

  it('takes a nested field over with force, leaving the rest to the first owner', () => {
    const out = apply(base, deployment([app({ image: 'nginx:2' })]), 'bob', { force: true });
    expect(containersOf(out)[0].image).toBe('nginx:2');
    const alice = JSON.stringify(fieldsOf(out, 'alice'));
    expect(alice).not.toContain('f:image');
    expect(alice).toContain('f:env');
    expect(fieldsOf(out, 'bob')).toEqual({
      'f:spec': { 'f:selector': {}, 'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
    });
  });

  it('replaces atomic lists (args) as a whole and conflicts on them as one field', () => {
    const withArgs = stored(apply(base, deployment([app({ ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }], args: ['--a', '--b'] })]), 'alice'));
    const e = conflictOf(() => apply(withArgs, deployment([app({ args: ['--c'] })]), 'bob'));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.template.spec.containers[name="app"].args');
    const out = apply(withArgs, deployment([app({ args: ['--c'] })]), 'bob', { force: true });
    expect(containersOf(out)[0].args).toEqual(['--c']);
  });

  it('rejects duplicate keys in the applied configuration as upstream', () => {
    const e = conflictOf(() => apply(base, deployment([app(), app()]), 'bob'));
    expect(e.code).toBe(500);
    expect(e.message).toBe('failed to create typed patch object (apps/v1, Kind=Deployment; default/web): .spec.template.spec.containers: duplicate entries for key [name="app"]');
  });
});

describe('applyObject: set lists, granular maps', () => {
  it('merges finalizers by value and removes only the applier\'s own', () => {
    const a = stored(apply(undefined, deployment([app()], { finalizers: ['a.io/x', 'a.io/y'] }), 'alice'));
    expect(fieldsOf(a, 'alice')).toMatchObject({ 'f:metadata': { 'f:finalizers': { 'v:"a.io/x"': {}, 'v:"a.io/y"': {} } } });
    const b = stored(apply(a, deployment([app()], { finalizers: ['b.io/z'] }), 'bob'));
    expect(b.metadata?.finalizers).toEqual(['a.io/x', 'a.io/y', 'b.io/z']);
    const out = apply(b, deployment([app()], { finalizers: ['a.io/x'] }), 'alice');
    expect(out.metadata?.finalizers).toEqual(['a.io/x', 'b.io/z']);
  });

  it('owns labels key by key', () => {
    const a = stored(apply(undefined, deployment([app()], { labels: { team: 'a', tier: 'web' } }), 'alice'));
    const b = stored(apply(a, deployment([app()], { labels: { env: 'prod' } }), 'bob'));
    expect(b.metadata?.labels).toEqual({ team: 'a', tier: 'web', env: 'prod' });
    const e = conflictOf(() => apply(b, deployment([app()], { labels: { team: 'b' } }), 'bob'));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "alice": .metadata.labels.team');
    const out = apply(b, deployment([app()]), 'alice');
    expect(out.metadata?.labels).toEqual({ env: 'prod' });
    // and once no one applies any label, the field goes
    const none = apply(stored(out), deployment([app()]), 'bob');
    expect(none.metadata?.labels).toBeUndefined();
  });

  it('keeps the live order of list elements, shared ones following the applied order', () => {
    const a = stored(apply(undefined, deployment([{ name: 'x', image: 'i' }, { name: 'y', image: 'i' }, { name: 'z', image: 'i' }]), 'alice'));
    const out = apply(a, deployment([{ name: 'z', image: 'i' }, { name: 'new', image: 'i' }, { name: 'x', image: 'i' }]), 'bob');
    expect(containersOf(out).map((c) => c.name)).toEqual(['y', 'z', 'new', 'x']);
  });
});

describe('applyObject: malformed keyed list elements', () => {
  it('requires key fields without defaults, as upstream', () => {
    let e: unknown;
    try {
      apply(undefined, deployment([{ image: 'x' }]), 'bob');
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).message).toBe('failed to create typed patch object (apps/v1, Kind=Deployment; default/web): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)');
    // a port without protocol is fine: the key has a default
    expect(() => apply(undefined, deployment([app({ ports: [{ containerPort: 1 }] })]), 'bob')).not.toThrow();
  });
});
