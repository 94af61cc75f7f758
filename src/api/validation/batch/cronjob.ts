// CronJobs (upstream's ValidateCronJobCreate / ValidateCronJobUpdate).
import { FieldError, fieldErrors } from '../../errors.js';
import { goLabelSelector, invalidGo } from '../go-render.js';
import { oneOf, validateAnnotations, validateLabels, validateNonnegative } from '../common.js';
import type { KindRules } from '../rules.js';
import { isObj, s, str, type J } from '../value.js';
import { cronScheduleError, isTimeZone } from './cron-schedule.js';
import { validateJobSpecCommon } from './job.js';

function validateTimeZone(tz: unknown): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const v = str(tz);
  if (v === undefined) return [fieldErrors.typeInvalid('spec.timeZone', tz, 'must be a string')];
  if (v === '') return [fieldErrors.invalid('spec.timeZone', v, 'timeZone must be nil or non-empty string')];
  const errs: FieldError[] = [];
  for (const part of v.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) {
      errs.push(fieldErrors.invalid('spec.timeZone', v, `unknown time zone ${v}`));
    }
  }
  if (v.toLowerCase() === 'local') errs.push(fieldErrors.invalid('spec.timeZone', v, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  else if (errs.length === 0 && !isTimeZone(v)) errs.push(fieldErrors.invalid('spec.timeZone', v, `unknown time zone ${v}`));
  return errs;
}

function validateCronJobSpec(o: J, oldSpec?: J): FieldError[] {
  const spec: J = isObj(o.spec) ? o.spec : {};
  const errs: FieldError[] = [];
  const schedule = s(spec.schedule);
  if (!schedule) {
    errs.push(fieldErrors.required('spec.schedule'));
  } else {
    const msg = cronScheduleError(schedule);
    if (msg) errs.push(fieldErrors.invalid('spec.schedule', schedule, msg));
    const allowTZ = oldSpec !== undefined && s(oldSpec.schedule).includes('TZ');
    if (spec.timeZone !== undefined && spec.timeZone !== null && schedule.includes('TZ')) {
      errs.push(fieldErrors.invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(fieldErrors.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  errs.push(...validateNonnegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone));
  errs.push(...oneOf(spec.concurrencyPolicy, 'spec.concurrencyPolicy', ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateNonnegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  const jt: J = isObj(spec.jobTemplate) ? spec.jobTemplate : {};
  const jtMeta: J = isObj(jt.metadata) ? jt.metadata : {};
  errs.push(...validateLabels(jtMeta.labels, 'spec.jobTemplate.metadata.labels'));
  errs.push(...validateAnnotations(jtMeta.annotations, 'spec.jobTemplate.metadata.annotations'));
  const jspec: J = isObj(jt.spec) ? jt.spec : {};
  errs.push(...validateJobSpecCommon(jspec, 'spec.jobTemplate.spec'));
  // Each Job the CronJob makes gets its own generated selector.
  if (jspec.selector !== undefined && jspec.selector !== null) {
    errs.push(invalidGo('spec.jobTemplate.spec.selector', jspec.selector, goLabelSelector(jspec.selector), '`selector` will be auto-generated'));
  }
  if (jspec.manualSelector === true) errs.push(fieldErrors.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  return errs;
}

export const cronJobRules: KindRules = {
  create(o) {
    const errs = validateCronJobSpec(o);
    // Job names are "<cronjob>-<11 chars>" and must stay DNS labels.
    const name = isObj(o.metadata) ? s(o.metadata.name) : '';
    if (name.length > 52) errs.push(fieldErrors.invalid('metadata.name', name, 'must be no more than 52 characters'));
    return errs;
  },
  update: (o, old) => validateCronJobSpec(o, isObj(old.spec) ? old.spec : {}),
};
