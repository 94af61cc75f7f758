// Parsers for the string forms the Go decoder checks while decoding, returning upstream's error
// text (or undefined when the value is fine): resource.Quantity, RFC 3339 times, Go durations
// and standard base64 ([]byte fields such as Secret.data).

/** resource.ErrFormatWrong */
export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** resource.ErrSuffix */
export const quantitySuffixError = "unable to parse quantity's suffix";

const decimalSuffixes = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);
const binarySuffixes = new Set(['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);
const suffixChars = 'eEinumkKMGTP';

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Mirrors resource.ParseQuantity's acceptance: sign, digits, optional fraction, a known suffix or exponent. */
export function quantityError(str: string): string | undefined {
  if (str.length === 0) return quantityFormatError;
  if (str === '0') return undefined;
  const end = str.length;
  let pos = 0;
  if (str[0] === '-' || str[0] === '+') pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return undefined;
  if (str[pos] === '.') {
    pos++;
    while (pos < end && isDigit(str[pos])) pos++;
    if (pos >= end) return undefined;
  }
  const suffixStart = pos;
  while (pos < end && suffixChars.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return quantityFormatError;
  const suffix = str.slice(suffixStart);
  if (decimalSuffixes.has(suffix) || binarySuffixes.has(suffix)) return undefined;
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) return undefined;
  return quantitySuffixError;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;
const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** metav1.Time / MicroTime: time.Parse(RFC3339…) — layout, then field ranges. */
export function timeError(str: string, micro = false): string | undefined {
  const m = rfc3339.exec(str);
  const layout = micro ? '2006-01-02T15:04:05.000000Z07:00' : '2006-01-02T15:04:05Z07:00';
  const fail = () => `parsing time ${JSON.stringify(str)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(str)} as "2006"`;
  if (!m) return fail();
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) return `parsing time ${JSON.stringify(str)}: month out of range`;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : daysInMonth[month - 1];
  if (day < 1 || day > maxDay) return `parsing time ${JSON.stringify(str)}: day out of range`;
  if (Number(m[4]) > 23) return `parsing time ${JSON.stringify(str)}: hour out of range`;
  if (Number(m[5]) > 59) return `parsing time ${JSON.stringify(str)}: minute out of range`;
  if (Number(m[6]) > 59) return `parsing time ${JSON.stringify(str)}: second out of range`;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return `parsing time ${JSON.stringify(str)}: time zone offset out of range`;
  return undefined;
}

const durationUnits = new Set(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h']);

/** metav1.Duration: time.ParseDuration's grammar and messages. */
export function durationError(str: string): string | undefined {
  const quoted = JSON.stringify(str);
  const invalid = `time: invalid duration ${quoted}`;
  let s = str;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  if (s === '0') return undefined;
  if (s === '') return invalid;
  while (s !== '') {
    const num = /^(\d*)(\.\d*)?/.exec(s)!;
    if (num[0] === '' || num[0] === '.') return invalid;
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') return `time: missing unit in duration ${quoted}`;
    if (!durationUnits.has(unit)) return `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`;
    s = s.slice(unit.length);
  }
  return undefined;
}

const base64Alphabet = /[A-Za-z0-9+/]/;

/**
 * encoding/base64.StdEncoding.Decode's verdict: the byte offset of the first illegal input
 * (newlines are skipped; padding required), or undefined when the string decodes.
 */
export function base64ErrorOffset(s: string): number | undefined {
  const n = s.length;
  let si = 0;
  const skipNewlines = () => { while (si < n && (s[si] === '\n' || s[si] === '\r')) si++; };
  for (;;) {
    let j = 0;
    for (; j < 4; j++) {
      skipNewlines();
      if (si === n) {
        if (j === 0) return undefined;
        return si - j;
      }
      const c = s[si++];
      if (base64Alphabet.test(c)) continue;
      if (c !== '=') return si - 1;
      if (j < 2) return si - 1;
      if (j === 2) {
        skipNewlines();
        if (si === n) return n;
        if (s[si] !== '=') return si - 1;
        si++;
      }
      skipNewlines();
      return si < n ? si : undefined;
    }
  }
}

/** Byte offsets count UTF-8 bytes in Go; for the (ASCII) alphabet positions they agree with string indices. */
export function base64Error(s: string): string | undefined {
  const at = base64ErrorOffset(s);
  return at === undefined ? undefined : `illegal base64 data at input byte ${at}`;
}
