// Value validation of a custom object against its structural schema, as kube-openapi's
// SchemaValidator does it for apiextensions, with errors converted to field errors the way
// apiextensions does (Required, NotSupported for enums, TooLong, TooMany, TypeInvalid, else Invalid
// with kube-openapi's "<path> in body …" text). Keyword checks apply by the kind of the data, as
// upstream's validators do: a string is checked for lengths and patterns, a number for bounds, etc.
import { FieldError, fieldErrors } from '../errors.js';
import { matchesFormat } from './formats.js';
import { compileRE2 } from './re2.js';
import { bound, goFloat, msg } from './messages.js';
import { oldField, oldItems, unchanged, type Old } from './correlate.js';
import { additionalSchema, deepEqual, isObj, type JSONSchemaProps } from './schema.js';

/** The JSON type name of a decoded value (integral numbers count as integers, as JSON decoding gives int64). */
export function jsonType(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'string') return 'string';
  if (typeof x === 'boolean') return 'boolean';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  if (Array.isArray(x)) return 'array';
  return 'object';
}

const fieldOf = (path: string) => path || '<nil>';

export class OpenAPIValidator {
  private readonly regexps = new Map<string, RegExp | string>();

  /**
   * Errors of `x` against `s`. With `old` (an update), errors inside values that are unchanged from
   * their correlated old values are dropped, as upstream's validation ratcheting does.
   */
  validate(x: unknown, s: JSONSchemaProps, path: string, old?: Old): FieldError[] {
    const errs: FieldError[] = [];
    this.walk(x, s, path, errs, old);
    return errs;
  }

  private regexp(pattern: string): RegExp | string {
    let re = this.regexps.get(pattern);
    if (re === undefined) {
      try { re = compileRE2(pattern); } catch (e) { re = (e as Error).message; }
      this.regexps.set(pattern, re);
    }
    return re;
  }

  private walk(x: unknown, s: JSONSchemaProps, path: string, errs: FieldError[], old?: Old): void {
    const before = errs.length;
    this.check(x, s, path, errs, old);
    if (errs.length > before && unchanged(x, old)) errs.length = before;
  }

  private check(x: unknown, s: JSONSchemaProps, path: string, errs: FieldError[], old: Old | undefined): void {
    const field = fieldOf(path);
    this.checkType(x, s, path, errs);
    if (x === null || x === undefined) {
      // Upstream checks only the type and the enum of a null.
      this.checkEnum(x, s, path, errs);
      return;
    }
    this.checkCombinators(x, s, path, errs);
    if (typeof x === 'string') {
      const len = [...x].length;
      if (s.maxLength !== undefined && len > s.maxLength) errs.push(new FieldError('FieldValueTooLong', field, x, `may not be longer than ${s.maxLength}`));
      if (s.minLength !== undefined && len < s.minLength) errs.push(fieldErrors.invalid(field, x, msg.tooShort(path, s.minLength)));
      if (s.pattern !== undefined) {
        const re = this.regexp(s.pattern);
        if (typeof re === 'string') errs.push(fieldErrors.invalid(field, x, msg.pattern(path, `${s.pattern}, but pattern is invalid: ${re}`)));
        else if (!re.test(x)) errs.push(fieldErrors.invalid(field, x, msg.pattern(path, s.pattern)));
      }
      if (s.format && !matchesFormat(s.format, x)) errs.push(fieldErrors.typeInvalid(field, x, msg.type(path, s.format, x)));
    } else if (typeof x === 'number') {
      this.checkNumber(x, s, path, errs);
    } else if (Array.isArray(x)) {
      this.checkArray(x, s, path, errs, old);
    }
    this.checkEnum(x, s, path, errs);
    if (isObj(x)) this.checkObject(x, s, path, errs, old);
  }

  private checkType(x: unknown, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
    const types = s['x-kubernetes-int-or-string'] ? ['integer', 'string'] : s.type ? [s.type] : [];
    if (types.length === 0) return;
    const actual = jsonType(x);
    if (actual === 'null') {
      if (!s.nullable) errs.push(fieldErrors.typeInvalid(fieldOf(path), 'null', msg.type(path, types.join(','), 'null')));
      return;
    }
    // An integral number satisfies "number", and "integer" accepts integral floats (decoded 1.0 is 1 here).
    if (types.includes(actual) || (actual === 'integer' && types.includes('number'))) return;
    errs.push(fieldErrors.typeInvalid(fieldOf(path), actual, msg.type(path, types.join(','), actual)));
  }

  private checkNumber(x: number, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
    const field = fieldOf(path);
    const isInt = Number.isInteger(x);
    if (s.multipleOf !== undefined && s.multipleOf !== 0) {
      const f = s.multipleOf;
      let ok: boolean;
      if (isInt && Number.isInteger(f)) ok = x % f === 0;
      else ok = Number.isInteger(f < 1 ? (1 / f) * x : x / f);
      if (!ok) errs.push(fieldErrors.invalid(field, x, msg.multipleOf(path, isInt ? String(Math.trunc(f)) : goFloat(f))));
    }
    if (s.maximum !== undefined) {
      const max = isInt ? Math.trunc(s.maximum) : s.maximum;
      if (s.exclusiveMaximum ? x >= max : x > max) errs.push(fieldErrors.invalid(field, x, msg.max(path, bound(s.maximum, isInt), !!s.exclusiveMaximum)));
    }
    if (s.minimum !== undefined) {
      const min = isInt ? Math.trunc(s.minimum) : s.minimum;
      if (s.exclusiveMinimum ? x <= min : x < min) errs.push(fieldErrors.invalid(field, x, msg.min(path, bound(s.minimum, isInt), !!s.exclusiveMinimum)));
    }
  }

  private checkArray(x: unknown[], s: JSONSchemaProps, path: string, errs: FieldError[], old: Old | undefined): void {
    const field = fieldOf(path);
    const find = oldItems(old, s);
    if (s.items) for (let i = 0; i < x.length; i++) this.walk(x[i], s.items, `${path}[${i}]`, errs, find?.(x[i]));
    if (s.minItems !== undefined && x.length < s.minItems) errs.push(fieldErrors.invalid(field, x.length, msg.minItems(path, s.minItems)));
    if (s.maxItems !== undefined && x.length > s.maxItems) errs.push(fieldErrors.tooMany(field, x.length, s.maxItems));
    if (s.uniqueItems && hasDuplicates(x)) errs.push(fieldErrors.invalid(field, '', msg.unique(path)));
  }

  private checkEnum(x: unknown, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
    if (!s.enum || s.enum.length === 0) return;
    if (s.enum.some((e) => deepEqual(e, x))) return;
    const values = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    errs.push(fieldErrors.notSupported(fieldOf(path), x ?? null, values));
  }

  private checkObject(x: Record<string, unknown>, s: JSONSchemaProps, path: string, errs: FieldError[], old: Old | undefined): void {
    const field = fieldOf(path);
    const n = Object.keys(x).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) errs.push(fieldErrors.tooMany(field, s.maxProperties, s.maxProperties));
    if (s.minProperties !== undefined && n < s.minProperties) errs.push(fieldErrors.invalid(field, s.minProperties, msg.minProperties(path, s.minProperties)));
    const join = (k: string) => (path ? `${path}.${k}` : k);
    for (const k of s.required ?? []) if (!(k in x)) errs.push(fieldErrors.required(join(k)));
    const extra = additionalSchema(s);
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.[k];
      if (prop) this.walk(v, prop, join(k), errs, oldField(old, k));
      else if (extra) this.walk(v, extra, join(k), errs, oldField(old, k));
      else if (s.additionalProperties === false) errs.push(fieldErrors.invalid(field, k, msg.forbiddenProperty(path, k)));
    }
  }

  /** allOf/anyOf/oneOf/not: value validations only (structural schemas keep types out of them). */
  private checkCombinators(x: unknown, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
    const field = '<nil>';
    if (s.anyOf?.length) {
      let best: FieldError[] | undefined;
      let ok = false;
      for (const alt of s.anyOf) {
        const r = this.validate(x, alt, path);
        if (r.length === 0) { ok = true; break; }
        if (!best || r.length < best.length) best = r;
      }
      if (!ok) { errs.push(fieldErrors.invalid(field, '', msg.anyOf(path))); errs.push(...(best ?? [])); }
    }
    if (s.oneOf?.length) {
      let valid = 0;
      let best: FieldError[] | undefined;
      for (const alt of s.oneOf) {
        const r = this.validate(x, alt, path);
        if (r.length === 0) valid++;
        else if (!best || r.length < best.length) best = r;
      }
      if (valid !== 1) {
        errs.push(fieldErrors.invalid(field, '', msg.oneOf(path, valid)));
        if (valid === 0) errs.push(...(best ?? []));
      }
    }
    if (s.allOf?.length) {
      let valid = 0;
      for (const alt of s.allOf) {
        const r = this.validate(x, alt, path);
        if (r.length === 0) valid++;
        errs.push(...r);
      }
      if (valid !== s.allOf.length) errs.push(fieldErrors.invalid(field, '', msg.allOf(path, valid === 0)));
    }
    if (s.not && this.validate(x, s.not, path).length === 0) errs.push(fieldErrors.invalid(field, '', msg.not(path)));
  }
}

function hasDuplicates(x: unknown[]): boolean {
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) if (deepEqual(x[i], x[j])) return true;
  return false;
}
