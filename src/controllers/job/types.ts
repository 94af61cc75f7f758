// Typed views of batch/v1 objects as the Job, CronJob and TTL controllers read them.
import type { CronJobSpec, CronJobStatus, JobCondition, JobSpec, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { StoredObject } from '../../api/types.js';

export type { CronJobSpec, CronJobStatus, JobCondition, JobSpec, JobStatus };

export type JobObject = StoredObject & { spec: JobSpec; status?: JobStatus };
export type CronJobObject = StoredObject & { spec: CronJobSpec; status?: CronJobStatus };

export const jobsResource = { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true } as const;
export const cronJobsResource = { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true } as const;

/** The finalizer that keeps a finished pod around until the Job has counted it (upstream JobTrackingFinalizer). */
export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
export const completionIndexKey = 'batch.kubernetes.io/job-completion-index';
export const completionIndexEnv = 'JOB_COMPLETION_INDEX';

/** The condition of `type` with status True, if the Job has one. */
export function trueCondition(job: { status?: JobStatus }, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** A Job is finished once it has a Complete or Failed condition that is True (upstream IsJobFinished). */
export function finishedCondition(job: { status?: JobStatus }): JobCondition | undefined {
  return trueCondition(job, 'Complete') ?? trueCondition(job, 'Failed');
}
