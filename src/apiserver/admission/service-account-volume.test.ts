import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { mountServiceAccountToken, serviceAccountMountPath } from './service-account-volume.js';

const pod = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec });

describe('service account token volume', () => {
  it('mounts kube-api-access-<5> in every container, as upstream', () => {
    const p = pod({ initContainers: [{ name: 'i' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'x', mountPath: '/x' }] }] });
    mountServiceAccountToken(p, undefined);
    const spec = p.spec as { volumes: Array<{ name: string; projected: { sources: unknown[]; defaultMode: number } }>; containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string; readOnly: boolean }> }>; initContainers: Array<{ volumeMounts: unknown[] }> };
    expect(spec.volumes).toHaveLength(1);
    expect(spec.volumes[0]!.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(spec.volumes[0]!.projected.defaultMode).toBe(420);
    expect(spec.volumes[0]!.projected.sources).toEqual([
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    expect(spec.containers[1]!.volumeMounts).toEqual([{ name: 'x', mountPath: '/x' }, { name: spec.volumes[0]!.name, readOnly: true, mountPath: serviceAccountMountPath }]);
    expect(spec.initContainers[0]!.volumeMounts).toHaveLength(1);
  });

  it('honours automountServiceAccountToken on the pod and on the ServiceAccount, and own mounts', () => {
    const off = pod({ automountServiceAccountToken: false, containers: [{ name: 'a' }] });
    mountServiceAccountToken(off, undefined);
    expect((off.spec as { volumes?: unknown }).volumes).toBeUndefined();
    const saOff = pod({ containers: [{ name: 'a' }] });
    mountServiceAccountToken(saOff, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' }, automountServiceAccountToken: false } as KubeObject);
    expect((saOff.spec as { volumes?: unknown }).volumes).toBeUndefined();
    const podWins = pod({ automountServiceAccountToken: true, containers: [{ name: 'a' }] });
    mountServiceAccountToken(podWins, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' }, automountServiceAccountToken: false } as KubeObject);
    expect((podWins.spec as { volumes: unknown[] }).volumes).toHaveLength(1);
    const own = pod({ containers: [{ name: 'a', volumeMounts: [{ name: 't', mountPath: serviceAccountMountPath }] }] });
    mountServiceAccountToken(own, undefined);
    expect((own.spec as { volumes?: unknown }).volumes).toBeUndefined();
  });
});
