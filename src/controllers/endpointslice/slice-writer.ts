// Applies a slice plan through the API and remembers what was written, so the next sync of the
// same owner waits for the informer to catch up instead of acting on a stale cache.
import type { ReconcileResult } from '../../client/controller.js';
import type { ResourceClient } from '../../client/rest-client.js';
import { isConflict, isNotFound } from '../../client/status.js';
import type { SlicePlan } from './reconciler.js';
import type { SliceWriteTracker } from './trackers.js';
import type { EndpointSliceObject } from './types.js';

/** How soon a sync that met a cache behind its own writes runs again (no backoff growth). */
export const staleCacheRetryMs = 100;

export async function writeSlicePlan(
  client: ResourceClient<EndpointSliceObject>, tracker: SliceWriteTracker, key: string, namespace: string, plan: SlicePlan,
): Promise<void | ReconcileResult> {
  const written: Array<{ name: string; resourceVersion: string }> = [];
  const deleted: string[] = [];
  try {
    // Updates and creates before deletes, so consumers never see a moment with fewer endpoints.
    for (const s of plan.update) {
      const r = await client.update(namespace, s);
      written.push({ name: r.metadata.name, resourceVersion: r.metadata.resourceVersion });
    }
    for (const s of plan.create) {
      const r = await client.create(namespace, { ...s });
      written.push({ name: r.metadata.name, resourceVersion: r.metadata.resourceVersion });
    }
    for (const s of plan.delete) {
      try {
        await client.delete(namespace, s.metadata.name, { preconditions: { uid: s.metadata.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      deleted.push(s.metadata.name);
    }
  } catch (e) {
    // A conflict means our cache is behind: look again shortly.
    if (isConflict(e)) return { requeueAfterMs: staleCacheRetryMs };
    throw e;
  } finally {
    tracker.record(key, written, deleted);
  }
}
