// The pods a Job makes (upstream getPodTemplate / addCompletionIndexEnvVariables): the template
// plus the tracking finalizer; Indexed pods also get the completion index as annotation and
// label, the JOB_COMPLETION_INDEX variable taken from that annotation, and hostname
// "<job>-<index>" so a headless Service can address them.
import type { Container } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { newControllerRef } from '../common/owner.js';
import { podFromTemplate } from '../common/pod-control.js';
import { completionIndexEnv, completionIndexKey, jobTrackingFinalizer, type JobObject } from './types.js';

export function jobPod(job: JobObject, index?: number): KubeObject {
  const pod = podFromTemplate(job.spec.template, job.metadata.name, newControllerRef(job, 'batch/v1', 'Job'));
  const meta = pod.metadata!;
  meta.finalizers = [...(meta.finalizers ?? []).filter((f) => f !== jobTrackingFinalizer), jobTrackingFinalizer];
  if (index !== undefined) {
    meta.generateName = `${job.metadata.name}-${index}-`;
    meta.annotations = { ...meta.annotations, [completionIndexKey]: String(index) };
    meta.labels = { ...meta.labels, [completionIndexKey]: String(index) };
    const spec = pod.spec as { hostname?: string; containers?: Container[]; initContainers?: Container[] };
    spec.hostname ??= `${job.metadata.name}-${index}`;
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) addIndexEnv(c);
  }
  return pod;
}

function addIndexEnv(c: Container): void {
  if (c.env?.some((e) => e.name === completionIndexEnv)) return;
  c.env = [...(c.env ?? []), {
    name: completionIndexEnv,
    valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${completionIndexKey}']` } },
  }];
}
