// Upstream prints a few non-scalar bad values with Go's %#v (label maps, selectors, role refs).
// Users and tests grep for those texts, so these errors render the value the Go way.
import { FieldError } from '../errors.js';
import { isObj, s, type J } from './value.js';

class GoRenderedInvalid extends FieldError {
  constructor(field: string, value: unknown, detail: string, private readonly rendered: string) {
    super('FieldValueInvalid', field, value, detail);
  }
  override detailMessage(): string {
    return `Invalid value: ${this.rendered}${this.detail ? `: ${this.detail}` : ''}`;
  }
}

/** field.Invalid with the bad value rendered as Go would (`map[string]string{"a":"b"}`). */
export function invalidGo(field: string, value: unknown, rendered: string, detail: string): FieldError {
  return new GoRenderedInvalid(field, value, detail, rendered);
}

const q = (x: string) => JSON.stringify(x);

export function goStringMap(m: unknown): string {
  if (!isObj(m)) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${q(k)}:${q(s(m[k]))}`).join(', ')}}`;
}

export function goStringSlice(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((x) => q(s(x))).join(', ')}}`;
}

export function goLabelSelector(sel: unknown): string {
  if (!isObj(sel)) return 'null';
  const exprs = Array.isArray(sel.matchExpressions) && sel.matchExpressions.length > 0
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions.map((e) => {
      const r: J = isObj(e) ? e : {};
      return `v1.LabelSelectorRequirement{Key:${q(s(r.key))}, Operator:${q(s(r.operator))}, Values:${goStringSlice(r.values)}}`;
    }).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}
