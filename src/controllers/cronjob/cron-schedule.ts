// Cron schedules as upstream's CronJob controller reads them (robfig/cron v3 ParseStandard):
// five fields (minute hour day-of-month month day-of-week) with lists, ranges, steps, "*" and
// "?", month and weekday names, the @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly
// descriptors and "@every <duration>"; day-of-month and day-of-week are OR-ed unless one of them
// is unrestricted. Times are evaluated in an IANA time zone (spec.timeZone or a CRON_TZ=/TZ=
// prefix) with Intl, UTC by default.
import { parseGoDuration } from '../../api/duration.js';

interface FieldSpec { min: number; max: number; names?: Record<string, number> }

const monthNames: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const dowNames: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const fieldSpecs: FieldSpec[] = [
  { min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: monthNames }, { min: 0, max: 6, names: dowNames },
];
const fieldNames = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

export interface Schedule {
  /** The first activation strictly after `afterMs` (ms), or undefined when there is none within years. */
  next(afterMs: number): number | undefined;
  readonly timeZone: string;
}

/** Parses a schedule; throws an Error with robfig's wording on malformed input. */
export function parseSchedule(spec: string, timeZone?: string | null): Schedule {
  let s = spec.trim();
  let zone = timeZone ?? 'UTC';
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(s);
  if (tz) {
    zone = tz[1]!;
    s = s.slice(tz[0].length).trim();
  }
  checkTimeZone(zone);
  if (s.startsWith('@every ')) {
    const ms = parseGoDuration(s.slice('@every '.length).trim());
    if (!(ms > 0)) throw new Error(`failed to parse duration ${s}`);
    const step = Math.max(1000, Math.floor(ms / 1000) * 1000);
    return { timeZone: zone, next: (after) => Math.floor(after / 1000) * 1000 + step };
  }
  if (s.startsWith('@')) {
    const d = descriptors[s.toLowerCase()];
    if (!d) throw new Error(`unrecognized descriptor: ${s}`);
    s = d;
  }
  const parts = s.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: ${s}`);
  const sets = parts.map((p, i) => parseField(p, fieldSpecs[i]!, fieldNames[i]!));
  const domStar = /^[*?]/.test(parts[2]!), dowStar = /^[*?]/.test(parts[4]!);
  const m = { minute: sets[0]!, hour: sets[1]!, dom: sets[2]!, month: sets[3]!, dow: sets[4]!, domStar, dowStar };
  return { timeZone: zone, next: (after) => nextMatch(m, after, zone) };
}

export function checkTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new Error(`unknown time zone ${zone}`);
  }
}

function parseField(text: string, f: FieldSpec, what: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [rangePart, stepPart, extra] = part.split('/');
    if (extra !== undefined) throw new Error(`too many slashes: ${part}`);
    let lo: number, hi: number;
    if (rangePart === '*' || rangePart === '?') {
      lo = f.min; hi = f.max;
    } else {
      const [a, b, more] = rangePart!.split('-');
      if (more !== undefined) throw new Error(`too many hyphens: ${part}`);
      lo = value(a!, f, what);
      hi = b === undefined ? (stepPart !== undefined ? f.max : lo) : value(b, f, what);
    }
    const step = stepPart === undefined ? 1 : Number(stepPart);
    if (!Number.isInteger(step) || step <= 0 || !/^\d+$/.test(stepPart ?? '1')) throw new Error(`failed to parse int from ${stepPart}: invalid step`);
    if (lo < f.min) throw new Error(`beginning of range (${lo}) below minimum (${f.min}): ${part}`);
    if (hi > f.max) throw new Error(`end of range (${hi}) above maximum (${f.max}): ${part}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function value(text: string, f: FieldSpec, what: string): number {
  const named = f.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new Error(`failed to parse int from ${text}: invalid ${what} value`);
  return Number(text);
}

interface Matcher { minute: Set<number>; hour: Set<number>; dom: Set<number>; month: Set<number>; dow: Set<number>; domStar: boolean; dowStar: boolean }

/** Wall-clock fields of an instant in a zone. */
function wall(ms: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour') % 24, mi: get('minute') };
}

/** The zone's offset from UTC at an instant (ms). */
export function zoneOffsetMs(ms: number, zone: string): number {
  const w = wall(ms, zone);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - Math.floor(ms / 60000) * 60000;
}

/** The instant of a wall-clock time (expressed as a UTC timestamp of the same fields) in a zone. */
function instantOf(wallMs: number, zone: string): number {
  const guess = wallMs - zoneOffsetMs(wallMs, zone);
  return wallMs - zoneOffsetMs(guess, zone);
}

function dayMatches(m: Matcher, t: Date): boolean {
  const dom = m.dom.has(t.getUTCDate()), dow = m.dow.has(t.getUTCDay());
  return m.domStar || m.dowStar ? dom && dow : dom || dow;
}

function nextMatch(m: Matcher, afterMs: number, zone: string): number | undefined {
  const w = wall(afterMs, zone);
  // Search in wall-clock space with a UTC Date standing in for local fields.
  let t = new Date(Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi + 1));
  const limit = Date.UTC(w.y + 5, 0, 1);
  while (t.getTime() < limit) {
    if (!m.month.has(t.getUTCMonth() + 1)) {
      t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
      continue;
    }
    if (!dayMatches(m, t)) {
      t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1));
      continue;
    }
    if (!m.hour.has(t.getUTCHours())) {
      t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours() + 1));
      continue;
    }
    if (!m.minute.has(t.getUTCMinutes())) {
      t = new Date(t.getTime() + 60_000);
      continue;
    }
    const at = instantOf(t.getTime(), zone);
    // Wall times skipped by a DST jump do not exist there; repeated ones fire once.
    const back = wall(at, zone);
    if (at > afterMs && back.h === t.getUTCHours() && back.mi === t.getUTCMinutes()) return at;
    t = new Date(t.getTime() + 60_000);
  }
  return undefined;
}

/** RFC 3339 with the zone's offset, as Go formats a time in that location ("Z" for UTC). */
export function formatInZone(ms: number, zone: string): string {
  const off = zoneOffsetMs(ms, zone);
  const local = new Date(Math.floor(ms / 1000) * 1000 + off).toISOString().replace(/\.\d{3}Z$/, '');
  if (off === 0 && (zone === 'UTC' || zone === 'Etc/UTC')) return `${local}Z`;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
