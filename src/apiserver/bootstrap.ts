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
