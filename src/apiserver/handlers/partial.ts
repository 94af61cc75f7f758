// PartialObjectMetadata forms (meta.k8s.io/v1), asked for by metadata-only clients.
import type { KubeObject, ListMeta } from '../../api/types.js';

export function toPartial(obj: KubeObject): KubeObject {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: obj.metadata };
}

export function toPartialList(items: KubeObject[], metadata: ListMeta): KubeObject {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadataList', metadata, items: items.map(toPartial) } as unknown as KubeObject;
}
