// Posts a pod's status through the status subresource only when it changed (heartbeat-free
// fields compared, lastTransitionTime aside), with the pod's UID in the patch so a status never
// lands on a newer pod of the same name. A pod that is gone or replaced is not an error.
import type { StoredObject } from '../../api/types.js';
import type { ResourceClient } from '../../client/rest-client.js';
import { isConflict, isNotFound } from '../../client/status.js';
import type { PodObject } from './pod-types.js';

export class PodStatusPoster {
  private lastPosted = '';

  constructor(private readonly pods: ResourceClient<StoredObject>) {}

  /** Returns the updated pod, or undefined when nothing was written. */
  async post(pod: PodObject, status: Record<string, unknown>): Promise<PodObject | undefined> {
    const conditions = (status.conditions as Array<Record<string, unknown>> | undefined) ?? [];
    const key = JSON.stringify({ ...status, conditions: conditions.map((c) => ({ ...c, lastTransitionTime: undefined })) });
    if (key === this.lastPosted) return undefined;
    try {
      const updated = await this.pods.patch(pod.metadata.namespace, pod.metadata.name, 'merge', { metadata: { uid: pod.metadata.uid }, status }, { subresource: 'status' });
      this.lastPosted = key;
      return updated as PodObject;
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return undefined;
      throw e;
    }
  }
}
