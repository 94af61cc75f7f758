// resource.Quantity (k8s.io/apimachinery/pkg/api/resource): "500m", "1.5Gi", "2e3", with exact
// arithmetic and upstream's canonical serialisation ("1.5" → "1500m", "2048Ki" → "2Mi",
// "1000" → "1k", "1.5Ki" → "1536"). Values are held exactly as unscaled × 10^scale in BigInt,
// rounded up to nano precision at parse time as upstream does ("you asked for some, you get some").

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** Upstream's split regular expression, quoted in its format error. */
export const quantityPattern = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const errFormatWrong = () => new QuantityError(`quantities must match the regular expression '${quantityPattern}'`);
const errSuffix = () => new QuantityError("unable to parse quantity's suffix");
const errNumeric = () => new QuantityError('unable to parse numeric part of quantity');

const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

/** The smallest representable step: 10^-9. */
const nanoScale = -9;
/** BinarySI values are capped at int64's maximum upstream. */
const maxInt64 = (1n << 63n) - 1n;

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** Divide rounding away from zero (inf.RoundUp). */
function divAwayFromZero(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b === a ? q : a < 0n ? q - 1n : q + 1n;
}

interface Parts { positive: boolean; num: string; denom: string; suffix: string }

/** Splits like upstream's parseQuantityString, including its leniencies ("1.", ".5"). */
function split(str: string): Parts {
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && str[i] >= '0' && str[i] <= '9') i++;
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && str[i] >= '0' && str[i] <= '9') i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && str[pos] >= '0' && str[pos] <= '9') pos++;
  if (pos < end) throw errFormatWrong();
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (suffix in binarySuffixes) return { base: 2, exponent: binarySuffixes[suffix], format: 'BinarySI' };
  if (suffix in decimalSuffixes) return { base: 10, exponent: decimalSuffixes[suffix], format: 'DecimalSI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (Number.isSafeInteger(exponent)) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw errSuffix();
}

export class Quantity {
  /** value = unscaled × 10^scale */
  private constructor(readonly unscaled: bigint, readonly scale: number, readonly format: QuantityFormat) {}

  /** Parses a quantity string (or a JSON number, which upstream also accepts); throws QuantityError. */
  static parse(input: string | number): Quantity {
    const str = typeof input === 'number' ? numberToString(input) : input;
    if (str.length === 0) throw errFormatWrong();
    if (str === '0') return new Quantity(0n, 0, 'DecimalSI');
    const { positive, num, denom, suffix } = split(str);
    const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
    let format = parsedFormat;
    if (!/^\d*$/.test(num + denom)) throw errNumeric();
    let unscaled = BigInt(num + denom);
    let scale = -denom.length;
    if (base === 10) scale += exponent;
    else unscaled *= 1n << BigInt(exponent);
    if (scale < nanoScale) {
      unscaled = divAwayFromZero(unscaled, pow10(nanoScale - scale));
      scale = nanoScale;
    }
    if (format === 'BinarySI') {
      if (compareScaled(unscaled, scale, maxInt64, 0) > 0) { unscaled = maxInt64; scale = 0; }
      // Fractions under one cannot be written with a binary suffix.
      if (compareScaled(unscaled, scale, 1n, 0) < 0) format = 'DecimalSI';
    }
    return new Quantity(positive ? unscaled : -unscaled, scale, format);
  }

  /** Like parse, but undefined instead of an error. */
  static tryParse(input: string | number): Quantity | undefined {
    try {
      return Quantity.parse(input);
    } catch {
      return undefined;
    }
  }

  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli), -3, format);
  }

  static fromInt(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value), 0, format);
  }

  isZero(): boolean { return this.unscaled === 0n; }
  sign(): -1 | 0 | 1 { return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1; }

  cmp(other: Quantity): -1 | 0 | 1 {
    return compareScaled(this.unscaled, this.scale, other.unscaled, other.scale);
  }
  equals(other: Quantity): boolean { return this.cmp(other) === 0; }

  /** Sum in this quantity's format (upstream's Add keeps the receiver's format). */
  add(other: Quantity): Quantity {
    const s = Math.min(this.scale, other.scale);
    return new Quantity(this.unscaled * pow10(this.scale - s) + other.unscaled * pow10(other.scale - s), s, this.isZero() ? other.format : this.format);
  }
  sub(other: Quantity): Quantity { return this.add(other.neg()); }
  neg(): Quantity { return new Quantity(-this.unscaled, this.scale, this.format); }

  /** The value at 10^scale units, rounded away from zero (upstream's ScaledValue). */
  scaledValue(scale: number): bigint {
    if (this.scale >= scale) return this.unscaled * pow10(this.scale - scale);
    return divAwayFromZero(this.unscaled, pow10(scale - this.scale));
  }
  /** Whole units (bytes, cores…), rounded up as upstream's Value(). */
  value(): number { return Number(this.scaledValue(0)); }
  /** Thousandths of a unit, rounded up as upstream's MilliValue() (cpu millicores). */
  milliValue(): number { return Number(this.scaledValue(-3)); }
  /** Bytes for memory and storage quantities: Value(). */
  bytes(): number { return this.value(); }
  asApproximateFloat64(): number { return Number(this.unscaled) * 10 ** this.scale; }

  /** The canonical string upstream serialises. */
  toString(): string {
    if (this.unscaled === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const small = compareScaled(abs(this.unscaled), this.scale, 1024n, 0) < 0;
      const integral = this.scale >= 0 || this.unscaled % pow10(-this.scale) === 0n;
      if (small || !integral) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let amount = this.scaledValue(0);
      let exp = 0;
      while (exp < 60 && amount % 1024n === 0n) {
        amount /= 1024n;
        exp += 10;
      }
      return `${amount}${binaryByExponent.get(exp) ?? ''}`;
    }
    let amount = this.unscaled;
    let exp = this.scale;
    while (amount % 10n === 0n) {
      amount /= 10n;
      exp++;
    }
    const extra = ((exp % 3) + 3) % 3;
    amount *= pow10(extra);
    exp -= extra;
    let suffix: string;
    if (format === 'DecimalSI' && decimalByExponent.has(exp)) suffix = decimalByExponent.get(exp)!;
    else suffix = exp === 0 ? '' : `e${exp}`;
    return `${amount}${suffix}`;
  }

  toJSON(): string { return this.toString(); }
}

function compareScaled(a: bigint, as: number, b: bigint, bs: number): -1 | 0 | 1 {
  const s = Math.min(as, bs);
  const x = a * pow10(as - s);
  const y = b * pow10(bs - s);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** JSON numbers written without exponent noise where possible ("1e+21" is still accepted). */
function numberToString(n: number): string {
  if (!Number.isFinite(n)) throw errFormatWrong();
  return String(n);
}

export function parseQuantity(input: string | number): Quantity {
  return Quantity.parse(input);
}

/** The canonical form of a quantity string, e.g. for defaulting and round-tripping stored objects. */
export function canonicalQuantity(input: string | number): string {
  return Quantity.parse(input).toString();
}
