// Jobs and CronJobs. The Job STATUS column (1.30+) names the decisive condition; COMPLETIONS is
// "succeeded/completions" ("n/1 of p" for parallel work queues); DURATION runs until completion.

import { humanDuration } from '../../../api/duration.js';
import type { KubeObject } from '../../../api/types.js';
import { ageColumn, col, containersColumn, imagesColumn, nameColumn, selectorColumn } from '../columns.js';
import { age, arr, containerCells, formatLabelSelector, name, num, obj, spec, status, str, templateSpec, translateTime } from '../format.js';
import type { PrintContext, Printer } from '../types.js';

/** The first condition of this type decides, as upstream's hasJobCondition. */
function hasJobCondition(job: KubeObject, type: string): boolean {
  const c = arr(status(job).conditions).find((x) => x.type === type);
  return c?.status === 'True';
}

function jobStatus(job: KubeObject): string {
  if (hasJobCondition(job, 'Complete')) return 'Complete';
  if (hasJobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasJobCondition(job, 'Suspended')) return 'Suspended';
  if (hasJobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completions(job: KubeObject): string {
  const s = spec(job);
  const succeeded = num(status(job).succeeded);
  if (typeof s.completions === 'number') return `${succeeded}/${s.completions}`;
  const parallelism = num(s.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KubeObject, ctx: PrintContext): string {
  const st = status(job);
  const start = Date.parse(str(st.startTime));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(str(st.completionTime));
  return humanDuration((Number.isNaN(end) ? ctx.now.getTime() : end) - start);
}

export const jobPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'Succeeded pods out of the completions wanted.'),
    col('Duration', 'string', 'Time the job took, or has been running.'),
    ageColumn(), containersColumn(), imagesColumn(), selectorColumn(),
  ],
  print: (o, ctx) => ({
    cells: [
      name(o), jobStatus(o), completions(o), jobDuration(o, ctx), age(o, ctx),
      ...containerCells(templateSpec(o)), formatLabelSelector(spec(o).selector),
    ],
  }),
};

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Schedule', 'string', 'The cron schedule.'),
    col('Timezone', 'string', 'The time zone of the schedule.'),
    col('Suspend', 'boolean', 'Whether new runs are suspended.'),
    col('Active', 'integer', 'Jobs currently running.'),
    col('Last Schedule', 'string', 'When a job was last scheduled.'),
    ageColumn(), containersColumn(), imagesColumn(), selectorColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    const st = status(o);
    const jobSpec = obj(obj(s.jobTemplate).spec);
    const last = str(st.lastScheduleTime);
    return {
      cells: [
        name(o), str(s.schedule), str(s.timeZone) || '<none>', printBoolPtr(s.suspend), arr(st.active).length,
        last ? translateTime(last, ctx) : '<none>', age(o, ctx),
        ...containerCells(obj(obj(jobSpec.template).spec)), formatLabelSelector(jobSpec.selector),
      ],
    };
  },
};

/** printBoolPtr: "True"/"False", or "<unset>" when the field is absent. */
function printBoolPtr(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>';
}
