// The ServiceAccount admission plugin's token volume: unless the pod or its ServiceAccount turns
// automounting off, a pod gets a projected volume `kube-api-access-<5 chars>` (a bound token
// that expires in 3607 s, the cluster CA from kube-root-ca.crt, the namespace) mounted read-only
// at /var/run/secrets/kubernetes.io/serviceaccount in every container that has nothing there —
// what in-cluster clients (client-go, the Python and JS clients, helm, operators) read.
import { randomInt } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
export const apiAccessVolumePrefix = 'kube-api-access-';

// upstream's utilrand alphabet: no vowels (no words), no easily confused characters
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export function apiAccessVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** Adds the volume and mounts (mutating the pod spec); `serviceAccount` is the pod's, when known. */
export function mountServiceAccountToken(pod: KubeObject, serviceAccount: KubeObject | undefined): void {
  const spec = rec(pod.spec);
  if (spec.automountServiceAccountToken === false) return;
  if (spec.automountServiceAccountToken === undefined && (serviceAccount as Obj | undefined)?.automountServiceAccountToken === false) return;
  const containers = [
    ...(Array.isArray(spec.initContainers) ? spec.initContainers : []),
    ...(Array.isArray(spec.containers) ? spec.containers : []),
  ].map(rec);
  const needs = containers.filter((c) => !(Array.isArray(c.volumeMounts) ? c.volumeMounts : []).some((m) => rec(m).mountPath === serviceAccountMountPath));
  if (needs.length === 0) return;
  const volumes = Array.isArray(spec.volumes) ? spec.volumes.map(rec) : [];
  let name = '';
  do name = apiAccessVolumePrefix + suffix(); while (volumes.some((v) => v.name === name));
  volumes.push(apiAccessVolume(name));
  spec.volumes = volumes;
  for (const c of needs) {
    const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
    c.volumeMounts = [...mounts, { name, readOnly: true, mountPath: serviceAccountMountPath }];
  }
}
