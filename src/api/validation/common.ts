// Checks shared by many kinds: labels, annotations, label selectors, non-negative numbers,
// immutable fields, ports and int-or-percent values (upstream's apimachinery validation helpers).
import { FieldError, fieldErrors } from '../errors.js';
import { goLabelSelector, invalidGo } from './go-render.js';
import { isQualifiedName, isValidLabelValue, isValidPercent, isValidPortName, isValidPortNum, type NameValidator } from './names.js';
import { arr, isObj, s, semanticEqual, sortedKeys, str, type J } from './value.js';

export const fieldImmutable = 'field is immutable';

export function validateLabelName(key: string, path: string): FieldError[] {
  return isQualifiedName(key).map((m) => fieldErrors.invalid(path, key, m));
}

/** Label maps report every problem at the map's path, as upstream does. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (labels === undefined || labels === null) return errs;
  if (!isObj(labels)) return [fieldErrors.typeInvalid(path, labels, 'must be an object')];
  for (const k of sortedKeys(labels)) {
    errs.push(...validateLabelName(k, path));
    const v = labels[k];
    if (typeof v !== 'string') { errs.push(fieldErrors.typeInvalid(`${path}[${k}]`, v, 'must be a string')); continue; }
    for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path, v, m));
  }
  return errs;
}

export const totalAnnotationSizeLimit = 256 * 1024;

export function validateAnnotations(ann: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ann === undefined || ann === null) return errs;
  if (!isObj(ann)) return [fieldErrors.typeInvalid(path, ann, 'must be an object')];
  let size = 0;
  for (const k of sortedKeys(ann)) {
    // Upstream: a qualified name except that case does not matter.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(path, k, m));
    const v = ann[k];
    if (typeof v !== 'string') errs.push(fieldErrors.typeInvalid(`${path}[${k}]`, v, 'must be a string'));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : '');
  }
  if (size > totalAnnotationSizeLimit) errs.push(fieldErrors.tooLong(path, '', totalAnnotationSizeLimit));
  return errs;
}

export function validateNonnegative(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isFinite(v)) return [fieldErrors.typeInvalid(path, v, 'must be a number')];
  return v < 0 ? [fieldErrors.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

export function validatePositive(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isFinite(v)) return [fieldErrors.typeInvalid(path, v, 'must be a number')];
  return v <= 0 ? [fieldErrors.invalid(path, v, 'must be greater than 0')] : [];
}

/** ValidateImmutableField: Invalid(path, new, "field is immutable") when semantically different. */
export function validateImmutable(next: unknown, old: unknown, path: string): FieldError[] {
  return semanticEqual(next, old) ? [] : [fieldErrors.invalid(path, scalarOrUndefined(next), fieldImmutable)];
}

/** Scalars are shown in messages; structures are shown as JSON by the error renderer. */
function scalarOrUndefined(v: unknown): unknown {
  return v === undefined ? null : v;
}

export function validateNameWith(fn: NameValidator, value: string, path: string): FieldError[] {
  return fn(value, false).map((m) => fieldErrors.invalid(path, value, m));
}

const selectorOps = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function validateLabelSelector(sel: unknown, path: string, opts: { allowInvalidLabelValue?: boolean } = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (sel === undefined || sel === null) return errs;
  if (!isObj(sel)) return [fieldErrors.typeInvalid(path, sel, 'must be an object')];
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  const exprs = sel.matchExpressions;
  if (exprs !== undefined && exprs !== null && !Array.isArray(exprs)) {
    errs.push(fieldErrors.typeInvalid(`${path}.matchExpressions`, exprs, 'must be an array'));
    return errs;
  }
  (arr(exprs) ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (!isObj(e)) { errs.push(fieldErrors.typeInvalid(p, e, 'must be an object')); return; }
    const op = s(e.operator);
    const values = arr(e.values) ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(fieldErrors.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(fieldErrors.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(fieldErrors.invalid(`${p}.operator`, op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(s(e.key), `${p}.key`));
    if (!opts.allowInvalidLabelValue) {
      values.forEach((v, j) => {
        for (const m of isValidLabelValue(s(v))) errs.push(fieldErrors.invalid(`${p}.values[${j}]`, v, m));
      });
    }
  });
  return errs;
}

/** Whether a metav1.LabelSelector selects nothing-in-particular (no requirements at all). */
export function selectorIsEmpty(sel: unknown): boolean {
  if (!isObj(sel)) return true;
  const ml = isObj(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const me = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return ml + me === 0;
}

/** Whether a well-formed label selector matches a label set. */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  if (!isObj(sel)) return false;
  const set: J = isObj(labels) ? labels : {};
  if (isObj(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) if (set[k] !== v) return false;
  }
  for (const e of arr(sel.matchExpressions) ?? []) {
    if (!isObj(e)) return false;
    const key = s(e.key);
    const has = Object.prototype.hasOwnProperty.call(set, key);
    const values = (arr(e.values) ?? []).map((v) => s(v));
    switch (e.operator) {
      case 'In': if (!has || !values.includes(s(set[key]))) return false; break;
      case 'NotIn': if (has && values.includes(s(set[key]))) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Whether LabelSelectorAsSelector would fail (bad operator or values). */
export function selectorIsParsable(sel: unknown): boolean {
  if (sel === undefined || sel === null) return true;
  if (!isObj(sel)) return false;
  for (const e of arr(sel.matchExpressions) ?? []) {
    if (!isObj(e) || !selectorOps.includes(s(e.operator))) return false;
    const n = (arr(e.values) ?? []).length;
    if ((e.operator === 'In' || e.operator === 'NotIn') && n === 0) return false;
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && n > 0) return false;
  }
  return true;
}

/** Immutable selector (apps/v1, batch): rendered as upstream's v1.LabelSelector value. */
export function validateImmutableSelector(next: unknown, old: unknown, path: string): FieldError[] {
  if (semanticEqual(next, old)) return [];
  return [invalidGo(path, next, goLabelSelector(next), fieldImmutable)];
}

/** IntOrString port: a number 1-65535 or an IANA service name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldErrors.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldErrors.invalid(path, port, m));
  if (port === undefined || port === null) return isValidPortNum(0).map((m) => fieldErrors.invalid(path, 0, m));
  return [fieldErrors.typeInvalid(path, port, 'must be an integer or a string')];
}

/** ValidatePositiveIntOrPercent. */
export function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return isValidPercent(v).map((m) => fieldErrors.invalid(path, v, m));
  if (typeof v === 'number') return validateNonnegative(v, path);
  return [fieldErrors.typeInvalid(path, v, 'must be an integer or a percentage string')];
}

/** The numeric value of an int-or-percent (percent as its number), for "both zero" checks. */
export function intOrPercentValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'string') return [];
  const n = intOrPercentValue(v);
  return n !== undefined && n > 100 ? [fieldErrors.invalid(path, v, 'must not be greater than 100%')] : [];
}

export function oneOf(v: unknown, path: string, supported: string[], opts: { requiredDetail?: string; emptyRequired?: boolean } = {}): FieldError[] {
  const x = str(v) ?? '';
  if (x === '' && typeof v !== 'string' && v !== undefined && v !== null) return [fieldErrors.typeInvalid(path, v, 'must be a string')];
  if (x === '') return (opts.emptyRequired ?? true) ? [fieldErrors.required(path, opts.requiredDetail ?? '')] : [];
  return supported.includes(x) ? [] : [fieldErrors.notSupported(path, v, supported)];
}

