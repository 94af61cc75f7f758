// The namespaces every cluster has (default, kube-system, kube-public, kube-node-lease).
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import { nthAddress } from './admission/service-allocation.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapNamespaces(create: (ns: KubeObject) => Promise<unknown>): Promise<void> {
  for (const name of systemNamespaces) {
    try {
      await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) throw e;
    }
  }
}

/** Creates each object unless it exists (system PriorityClasses and the like). */
export async function bootstrapObjects(objects: KubeObject[], create: (o: KubeObject) => Promise<unknown>): Promise<void> {
  for (const o of objects) {
    try {
      await create(structuredClone(o));
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) throw e;
    }
  }
}

/** default/kubernetes: the API server's own Service, on the first address of the service range. */
export function kubernetesService(serviceCidr: string, port: number): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: nthAddress(serviceCidr, 1), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }], sessionAffinity: 'None' },
  };
}
