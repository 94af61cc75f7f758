// Field selectors (k8s.io/apimachinery/pkg/fields): `a=b,c!=d` (also `==`) over the few fields
// each resource makes selectable. Values may escape `\`, `,` and `=` with a backslash.

import { errors } from '../errors.js';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  /** Missing fields read as "" (upstream's fields.Set.Get). */
  matches(fields: Record<string, string>): boolean;
  empty(): boolean;
  /** The value `field` must equal, when the selector pins one (used to narrow lists by name). */
  requiresExactMatch(field: string): string | undefined;
  toString(): string;
}

/** Operators in the order upstream tries them at each position of a term. */
const termOperators: FieldOperator[] = ['!=', '==', '='];

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

class RequirementsFieldSelector implements FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}
  matches(fields: Record<string, string>): boolean {
    return this.requirements.every((r) => {
      const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
      return r.operator === '!=' ? v !== r.value : v === r.value;
    });
  }
  empty(): boolean { return this.requirements.length === 0; }
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeValue(r.value)}`).join(',');
  }
}

/** Splits on commas that are not escaped with a backslash. */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  terms.push(cur);
  return terms;
}

function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** Undoes the escaping; an unescaped `,` or `=` in a value is an error upstream as well. */
function unescapeValue(v: string): string {
  if (!/[\\,=]/.test(v)) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\') {
      const n = v[i + 1];
      if (n === '\\' || n === ',' || n === '=') {
        out += n;
        i++;
        continue;
      }
      throw errors.badRequest(`invalid field selector: invalid escape sequence: ${n === undefined ? '\\' : `\\${n}`}`);
    }
    if (c === ',' || c === '=') throw errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    out += c;
  }
  return out;
}

/** Parses `?fieldSelector=`; bad syntax is a 400 BadRequest with upstream's message. */
export function parseFieldSelector(selector: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  // Upstream sorts the raw terms before parsing, which fixes the order of requirements and toString().
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, operator, raw] = t;
    reqs.push({ field, operator, value: unescapeValue(raw) });
  }
  return new RequirementsFieldSelector(reqs);
}

/** A selector requiring every given field to equal its value (fields.OneTermEqualSelector and kin). */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  return new RequirementsFieldSelector(Object.entries(set).sort(([a], [b]) => (a < b ? -1 : 1)).map(([field, value]) => ({ field, operator: '=' as const, value })));
}
