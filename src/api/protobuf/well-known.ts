// JSON forms of apimachinery's well-known wire types, as their Go MarshalJSON methods write them.

/** metav1.Time: RFC 3339 in UTC with whole seconds ("2024-01-02T03:04:05Z"). */
export function formatTime(seconds: number): string {
  return rfc3339Seconds(seconds) + 'Z';
}

/** metav1.MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
export function formatMicroTime(seconds: number, nanos: number): string {
  const micros = Math.floor(nanos / 1000);
  return `${rfc3339Seconds(seconds)}.${String(micros).padStart(6, '0')}Z`;
}

function rfc3339Seconds(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new RangeError(`timestamp ${seconds}s is out of range`);
  // toISOString gives "YYYY-MM-DDTHH:MM:SS.mmmZ"; keep the seconds part.
  return d.toISOString().slice(0, 19);
}

/**
 * metav1.Duration: Go's time.Duration.String() of a nanosecond count, e.g. "1h0m0s", "1.5s",
 * "300ms", "0s". Counts beyond 2^53 ns (~104 days) lose precision in a JS number; they are
 * formatted with BigInt arithmetic to stay exact.
 */
export function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  let out: string;
  if (u < 1_000_000_000n) {
    // Sub-second: the largest unit that keeps an integer part (ns, µs, ms), with fraction.
    const [unit, scale] = u < 1_000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1_000n] : ['ms', 1_000_000n];
    out = fixed(u, scale) + unit;
  } else {
    const secs = fixed(u % 60_000_000_000n, 1_000_000_000n) + 's';
    u /= 60_000_000_000n; // whole minutes
    if (u === 0n) out = secs;
    else {
      const mins = `${u % 60n}m`;
      const hours = u / 60n;
      out = hours > 0n ? `${hours}h${mins}${secs}` : `${mins}${secs}`;
    }
  }
  return neg ? '-' + out : out;
}

/** value/scale as a decimal with trailing zeros of the fraction removed. */
function fixed(value: bigint, scale: bigint): string {
  const whole = value / scale;
  if (scale === 1n) return String(whole);
  const digits = String(scale).length - 1;
  const frac = String(value % scale).padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}
