// The namespaces every cluster has (default, kube-system, kube-public, kube-node-lease).
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';

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
