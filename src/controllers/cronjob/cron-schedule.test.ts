import { describe, it, expect } from 'vitest';
import { formatInZone, parseSchedule } from './cron-schedule.js';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron schedules', () => {
  it('steps, ranges, lists and names', () => {
    expect(iso(parseSchedule('*/5 * * * *').next(at('2026-01-01T10:03:20Z')))).toBe('2026-01-01T10:05:00.000Z');
    expect(iso(parseSchedule('0 9-17/4 * * MON-FRI').next(at('2026-01-02T13:00:00Z')))).toBe('2026-01-02T17:00:00.000Z');
    // Friday 17:00 passed: next is Monday 09:00.
    expect(iso(parseSchedule('0 9-17/4 * * mon-fri').next(at('2026-01-02T17:00:00Z')))).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(parseSchedule('15,45 3 * jan,jul *').next(at('2026-02-01T00:00:00Z')))).toBe('2026-07-01T03:15:00.000Z');
    expect(iso(parseSchedule('0 0 29 2 *').next(at('2026-03-01T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
  });

  it('ORs day-of-month and day-of-week unless one is a star', () => {
    // 13th or a Friday.
    expect(iso(parseSchedule('0 0 13 * 5').next(at('2026-01-03T00:00:00Z')))).toBe('2026-01-09T00:00:00.000Z');
    expect(iso(parseSchedule('0 0 13 * ?').next(at('2026-01-03T00:00:00Z')))).toBe('2026-01-13T00:00:00.000Z');
  });

  it('descriptors and @every', () => {
    expect(iso(parseSchedule('@hourly').next(at('2026-01-01T10:03:00Z')))).toBe('2026-01-01T11:00:00.000Z');
    expect(iso(parseSchedule('@daily').next(at('2026-01-01T10:03:00Z')))).toBe('2026-01-02T00:00:00.000Z');
    expect(iso(parseSchedule('@midnight').next(at('2026-01-01T10:03:00Z')))).toBe('2026-01-02T00:00:00.000Z');
    expect(iso(parseSchedule('@weekly').next(at('2026-01-01T10:03:00Z')))).toBe('2026-01-04T00:00:00.000Z');
    expect(iso(parseSchedule('@monthly').next(at('2026-01-01T10:03:00Z')))).toBe('2026-02-01T00:00:00.000Z');
    expect(iso(parseSchedule('@yearly').next(at('2026-01-01T10:03:00Z')))).toBe('2027-01-01T00:00:00.000Z');
    expect(iso(parseSchedule('@annually').next(at('2026-01-01T10:03:00Z')))).toBe('2027-01-01T00:00:00.000Z');
    expect(iso(parseSchedule('@every 90s').next(at('2026-01-01T10:00:00Z')))).toBe('2026-01-01T10:01:30.000Z');
  });

  it('time zones from spec.timeZone and CRON_TZ=', () => {
    expect(iso(parseSchedule('0 9 * * *', 'Europe/Berlin').next(at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T08:00:00.000Z');
    expect(iso(parseSchedule('0 9 * * *', 'Europe/Berlin').next(at('2026-07-01T00:00:00Z')))).toBe('2026-07-01T07:00:00.000Z');
    expect(iso(parseSchedule('CRON_TZ=America/New_York 30 8 * * *').next(at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T13:30:00.000Z');
    // 02:30 does not exist on the spring-forward day in Berlin.
    expect(iso(parseSchedule('30 2 * * *', 'Europe/Berlin').next(at('2026-03-28T12:00:00Z')))).toBe('2026-03-30T00:30:00.000Z');
    expect(formatInZone(at('2026-01-01T08:00:00Z'), 'Europe/Berlin')).toBe('2026-01-01T09:00:00+01:00');
    expect(formatInZone(at('2026-01-01T08:00:00Z'), 'UTC')).toBe('2026-01-01T08:00:00Z');
  });

  it('rejects malformed schedules and zones', () => {
    expect(() => parseSchedule('* * * *')).toThrow(/expected exactly 5 fields/);
    expect(() => parseSchedule('60 * * * *')).toThrow(/above maximum/);
    expect(() => parseSchedule('*/0 * * * *')).toThrow();
    expect(() => parseSchedule('@fortnightly')).toThrow(/unrecognized descriptor/);
    expect(() => parseSchedule('* * * * *', 'Mars/Olympus')).toThrow(/unknown time zone/);
  });
});
