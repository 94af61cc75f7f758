// Durations as Kubernetes prints and parses them: duration.HumanDuration (the AGE column: "5s",
// "2m10s", "3h", "4d", "2y15d"), ShortHumanDuration, and Go's time.Duration text form ("1h2m3.5s",
// "300ms") used in flags, configs and some API fields.

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** Go's int(d / unit): truncation toward zero. */
const whole = (ms: number, unit: number): number => Math.trunc(ms / unit);

/**
 * duration.HumanDuration: up to two units, precision shrinking with age. A clock up to ~2s
 * behind reads as "0s"; further in the future is "<invalid>".
 */
export function humanDuration(ms: number): string {
  const seconds = whole(ms, second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = whole(ms, minute);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = whole(ms, hour);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** duration.ShortHumanDuration: one unit only ("45s", "3m", "5h", "12d", "2y"). */
export function shortHumanDuration(ms: number): string {
  const seconds = whole(ms, second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = whole(ms, minute);
  if (minutes < 60) return `${minutes}m`;
  const hours = whole(ms, hour);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * The AGE of a timestamp as printers show it (translateTimestampSince): "<unknown>" when the
 * timestamp is missing or unparsable.
 */
export function translateTimestampSince(timestamp: string | null | undefined, now: Date): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

// --- Go time.Duration text form -------------------------------------------------------------

const unitNs: Record<string, bigint> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};
const maxNs = (1n << 63n) - 1n;

export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

/** Parses Go's duration syntax ("1h30m", "-1.5s", "300ms", "0") into nanoseconds. */
export function parseGoDurationNs(s: string): bigint {
  const orig = s;
  const quoted = JSON.stringify(orig);
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new DurationError(`time: invalid duration ${quoted}`);
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [all, intPart, frac = ''] = m;
    if (intPart === '' && frac === '') throw new DurationError(`time: invalid duration ${quoted}`);
    s = s.slice(all.length);
    const u = /^[^\d.]*/.exec(s)![0];
    if (u === '') throw new DurationError(`time: missing unit in duration ${quoted}`);
    const unit = unitNs[u];
    if (unit === undefined) throw new DurationError(`time: unknown unit ${JSON.stringify(u)} in duration ${quoted}`);
    s = s.slice(u.length);
    let v = BigInt(intPart || '0') * unit;
    if (frac) v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > maxNs) throw new DurationError(`time: invalid duration ${quoted}`);
  }
  return neg ? -total : total;
}

/** Go duration text → milliseconds (fractional below a millisecond). */
export function parseGoDuration(s: string): number {
  return Number(parseGoDurationNs(s)) / 1e6;
}

/** Formats nanoseconds as Go's Duration.String ("1h2m3.5s", "1.5ms", "0s"). */
export function formatGoDurationNs(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // Sub-second: one unit with a fraction.
    let unit: string;
    let div: bigint;
    if (u < 1_000n) { unit = 'ns'; div = 1n; } else if (u < 1_000_000n) { unit = 'µs'; div = 1_000n; } else { unit = 'ms'; div = 1_000_000n; }
    out = fraction(u, div) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = `${fraction(u, 1_000_000_000n)}s`;
    if (h > 0n) out = `${h}h${m}m${out}`;
    else if (m > 0n) out = `${m}m${out}`;
  }
  return neg ? `-${out}` : out;
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const rest = v % div;
  if (rest === 0n) return String(whole);
  const width = String(div).length - 1;
  return `${whole}.${String(rest).padStart(width, '0').replace(/0+$/, '')}`;
}

/** Milliseconds → Go duration text. */
export function formatGoDuration(ms: number): string {
  return formatGoDurationNs(BigInt(Math.round(ms * 1e6)));
}
