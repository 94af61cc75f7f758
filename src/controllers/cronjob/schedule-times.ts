// Which scheduled time a CronJob should run now (upstream cronjob/utils.go mostRecentScheduleTime
// and nextScheduleTime): the latest activation in (last schedule or creation, now], bounded
// below by startingDeadlineSeconds, and how many were missed on the way.
import type { Schedule } from './cron-schedule.js';
import type { CronJobObject } from '../job/types.js';

export interface MostRecent {
  /** The latest activation not yet run, or undefined. */
  time?: number;
  /** Activations between the earliest considered time and now (upstream warns past 100). */
  missed: number;
}

/** Stops counting past this many activations (upstream only needs to know it is "more than 100"). */
const countLimit = 1000;

export function earliestTime(cj: CronJobObject, nowMs: number): number {
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp);
  const sds = cj.spec.startingDeadlineSeconds;
  if (sds !== undefined && sds !== null) earliest = Math.max(earliest, nowMs - sds * 1000);
  return earliest;
}

export function mostRecentScheduleTime(cj: CronJobObject, schedule: Schedule, nowMs: number): MostRecent {
  let t = schedule.next(earliestTime(cj, nowMs));
  let last: number | undefined;
  let missed = 0;
  while (t !== undefined && t <= nowMs) {
    last = t;
    missed++;
    if (missed >= countLimit) {
      // Jump ahead: only the latest activation matters once we know there are too many.
      let probe = nowMs - 60_000;
      let n = schedule.next(probe);
      while (n !== undefined && n <= nowMs) { last = n; probe = n; n = schedule.next(probe); }
      break;
    }
    t = schedule.next(t);
  }
  return { time: last, missed };
}
