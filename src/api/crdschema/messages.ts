// kube-openapi's validation message texts ("<name> in body …") and Go's %v rendering of numbers,
// so errors read as upstream's CRD validation renders them.

/** Go's %v of a float64: shortest digits, exponent form below 1e-4 and from 1e6 on (strconv %g with shortest precision decides at 6). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return '0';
  const [mant, e] = n.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

/** How a bound is printed: as an integer for integer data (upstream compares as int64), else as a float. */
export function bound(limit: number, dataIsInt: boolean): string {
  return dataIsInt ? String(Math.trunc(limit)) : goFloat(limit);
}

export const msg = {
  type: (name: string, type: string, actual: string) => `${name} in body must be of type ${type}: ${JSON.stringify(actual)}`,
  tooLong: (name: string, max: number) => `${name} in body should be at most ${max} chars long`,
  tooShort: (name: string, min: number) => `${name} in body should be at least ${min} chars long`,
  pattern: (name: string, pattern: string) => `${name} in body should match '${pattern}'`,
  multipleOf: (name: string, factor: string) => `${name} in body should be a multiple of ${factor}`,
  max: (name: string, max: string, exclusive: boolean) => `${name} in body should be less than ${exclusive ? '' : 'or equal to '}${max}`,
  min: (name: string, min: string, exclusive: boolean) => `${name} in body should be greater than ${exclusive ? '' : 'or equal to '}${min}`,
  unique: (name: string) => `${name} in body shouldn't contain duplicates`,
  minItems: (name: string, min: number) => `${name} in body should have at least ${min} items`,
  minProperties: (name: string, min: number) => `${name} in body should have at least ${min} properties`,
  forbiddenProperty: (name: string, key: string) => `${name}.${key} in body is a forbidden property`,
  anyOf: (name: string) => `${name} must validate at least one schema (anyOf)`,
  oneOf: (name: string, found: number) => `${name} must validate one and only one schema (oneOf). ${found === 0 ? 'Found none valid' : `Found ${found} valid alternatives`}`,
  allOf: (name: string, none: boolean) => `${name} must validate all the schemas (allOf)${none ? '. None validated' : ''}`,
  not: (name: string) => `${name} must not validate the schema (not)`,
};
