// Test helpers for the workload controllers of this folder family: no node agent runs in
// integration tests, so pods are moved through their phases by patching the status subresource.
import type { ResourceClient } from '../../client/rest-client.js';
import type { PodObject } from '../common/types.js';

export type PodOutcome = 'Running' | 'Ready' | 'Succeeded' | 'Failed';

/** Sets a pod's phase (and Ready condition, container exit code) as a kubelet would report it. */
export async function setPodPhase(pods: ResourceClient<PodObject>, pod: PodObject, outcome: PodOutcome, exitCode = 1): Promise<PodObject> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ready = outcome === 'Ready' ? 'True' : 'False';
  const phase = outcome === 'Ready' ? 'Running' : outcome;
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const containerStatuses = names.map((name) => ({
    name, image: 'img', imageID: '', ready: outcome === 'Ready', restartCount: 0,
    state: outcome === 'Succeeded' || outcome === 'Failed'
      ? { terminated: { exitCode: outcome === 'Succeeded' ? 0 : exitCode, reason: outcome === 'Succeeded' ? 'Completed' : 'Error', startedAt: now, finishedAt: now } }
      : { running: { startedAt: now } },
  }));
  const status = {
    phase, startTime: now, podIP: '10.0.0.1', hostIP: '127.0.0.1', containerStatuses,
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      { type: 'Ready', status: ready, lastTransitionTime: now },
    ],
  };
  return pods.patch(pod.metadata.namespace, pod.metadata.name, 'merge', { status }, { subresource: 'status' });
}
