// Typed views of the objects the agent reads, from kubernetes-types (types only).
import type { Container, Pod, PodSpec, PodStatus } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../../api/types.js';

export type { Container, PodSpec, PodStatus };
export type PodObject = StoredObject & { spec: PodSpec; status?: PodStatus };
export type KeyedData = StoredObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

export function asPod(obj: StoredObject): PodObject {
  return obj as PodObject;
}

/** What kubernetes-types calls Pod, for helpers that take either shape. */
export type AnyPod = Pod | PodObject;

export const podResource = { group: '', version: 'v1', resource: 'pods', namespaced: true } as const;
export const configMapResource = { group: '', version: 'v1', resource: 'configmaps', namespaced: true } as const;
export const secretResource = { group: '', version: 'v1', resource: 'secrets', namespaced: true } as const;

export function podKey(pod: { metadata?: { namespace?: string; name?: string } }): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
