// A minimal resource.Quantity reader for validation only: format check, sign, and an approximate
// numeric value for comparisons (requests <= limits). The full exact implementation with canonical
// serialisation is src/api/quantity.ts (written in parallel); this stays independent of it so the
// validators do not depend on work in progress. Comparing as float64 is exact enough for the
// magnitudes quantities take in practice.

const pattern = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a quantity as a number, or undefined when it does not parse. */
export function quantityValue(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const m = pattern.exec(input.trim());
  if (!m) return undefined;
  const numPart = m[1]!;
  const suffix = m[2]!;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(numPart)) return undefined;
  const n = Number(numPart);
  let mult: number | undefined;
  if (suffix in binary) mult = binary[suffix];
  else if (suffix in decimal) mult = decimal[suffix];
  else {
    const e = /^[eE]([-+]?\d+)$/.exec(suffix);
    if (e) mult = 10 ** Number(e[1]);
  }
  return mult === undefined ? undefined : n * mult;
}
