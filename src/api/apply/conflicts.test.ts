import { describe, it, expect } from 'vitest';
import { PathSet, fieldElement, keyElement, valueElement, type Managed } from '../fieldmanager/index.js';
import { applyConflictError, compareConflictPaths, fieldPathString } from './conflicts.js';

const f = fieldElement;

describe('conflict messages', () => {
  it('prints paths as structured-merge-diff does', () => {
    expect(fieldPathString([f('spec'), f('containers'), keyElement({ name: 'app' }), f('image')])).toBe('.spec.containers[name="app"].image');
    expect(fieldPathString([f('ports'), keyElement({ protocol: 'TCP', containerPort: 80 })])).toBe('.ports[containerPort=80,protocol="TCP"]');
    expect(fieldPathString([f('metadata'), f('finalizers'), valueElement('a/b')])).toBe('.metadata.finalizers[="a/b"]');
    expect(fieldPathString([f('x'), valueElement(true)])).toBe('.x[=true]');
  });

  it('orders paths ending at a level before deeper ones, as upstream iterates a set', () => {
    const paths = [[f('a'), f('b')], [f('z')], [f('a'), f('a'), f('c')], [f('a'), f('c')]];
    expect(paths.sort(compareConflictPaths).map(fieldPathString)).toEqual(['.z', '.a.b', '.a.c', '.a.a.c']);
  });

  it('groups several managers, sorted, each with its paths', () => {
    const upd: Managed = { manager: 'kube-controller', operation: 'Update', apiVersion: 'apps/v1', set: new PathSet() };
    const app: Managed = { manager: 'helm', operation: 'Apply', apiVersion: 'apps/v1', set: new PathSet(), subresource: '' };
    const st: Managed = { manager: 'ctl', operation: 'Update', apiVersion: 'v1', subresource: 'status', set: new PathSet() };
    const e = applyConflictError([
      { manager: upd, path: [f('spec'), f('replicas')] },
      { manager: app, path: [f('spec'), f('paused')] },
      { manager: st, path: [f('status'), f('phase')] },
      { manager: app, path: [f('metadata'), f('labels'), f('x')] },
    ]);
    expect(e.code).toBe(409);
    expect(e.message).toBe(
      'Apply failed with 4 conflicts: conflicts with "ctl" with subresource "status" using v1:\n- .status.phase\n'
      + 'conflicts with "helm":\n- .metadata.labels.x\n- .spec.paused\n'
      + 'conflicts with "kube-controller" using apps/v1:\n- .spec.replicas',
    );
    expect(e.details?.causes?.map((c) => [c.message, c.field])).toEqual([
      ['conflict with "ctl" with subresource "status" using v1', '.status.phase'],
      ['conflict with "helm"', '.metadata.labels.x'],
      ['conflict with "helm"', '.spec.paused'],
      ['conflict with "kube-controller" using apps/v1', '.spec.replicas'],
    ]);
  });
});
