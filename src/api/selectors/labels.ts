// Label selectors (k8s.io/apimachinery/pkg/labels): the string form used in `?labelSelector=` and
// `kubectl -l`, and the LabelSelector object form (matchLabels/matchExpressions) used in specs.
// Both become one Selector: an AND of requirements, sorted by key as upstream sorts them.

import { errors } from '../errors.js';
import { isLabelKey, isValidLabelValue } from './label-validation.js';
import { formatFieldErrors, goValue, type SelectorFieldError } from './field-error-text.js';

/** selection.Operator values, spelled as upstream spells them. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and de-duplicated for parsed set requirements; one value for equality. */
  values: string[];
}

export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  /** True when the selector selects everything. */
  empty(): boolean;
  /** True for the selector that selects nothing (a nil LabelSelector object). */
  matchesNothing(): boolean;
  /** The value `key` must have for a match, when the selector pins exactly one. */
  requiresExactMatch(key: string): string | undefined;
  toString(): string;
}

/** The LabelSelector object (meta/v1) as it appears in specs. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

const intRe = /^[+-]?\d+$/;

/**
 * Checks a requirement as upstream's NewRequirement does; errors carry upstream's paths
 * (`key`, `values`, `values[0][env]`) so messages match.
 */
export function requirementErrors(key: string, operator: LabelOperator, values: string[], path?: string): SelectorFieldError[] {
  const child = (c: string) => (path ? `${path}.${c}` : c);
  const errs: SelectorFieldError[] = [];
  const keyErrs = isLabelKey(key);
  if (keyErrs.length) errs.push({ field: child('key'), value: goValue(key), detail: keyErrs.join('; ') });
  const valuesPath = child('values');
  switch (operator) {
    case 'in': case 'notin':
      if (values.length === 0) errs.push({ field: valuesPath, value: goValue(values), detail: "for 'in', 'notin' operators, values set can't be empty" });
      break;
    case '=': case '==': case '!=':
      if (values.length !== 1) errs.push({ field: valuesPath, value: goValue(values), detail: 'exact-match compatibility requires one single value' });
      break;
    case 'exists': case '!':
      if (values.length !== 0) errs.push({ field: valuesPath, value: goValue(values), detail: 'values set must be empty for exists and does not exist' });
      break;
    case 'gt': case 'lt':
      if (values.length !== 1) errs.push({ field: valuesPath, value: goValue(values), detail: "for 'Gt', 'Lt' operators, exactly one value is required" });
      values.forEach((v, i) => {
        if (!intRe.test(v)) errs.push({ field: `${valuesPath}[${i}]`, value: goValue(v), detail: "for 'Gt', 'Lt' operators, the value must be an integer" });
      });
      break;
  }
  values.forEach((v, i) => {
    const vErrs = isValidLabelValue(v);
    if (vErrs.length) errs.push({ field: `${valuesPath}[${i}][${key}]`, value: goValue(v), detail: vErrs.join('; ') });
  });
  return errs;
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const val = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in': case '=': case '==':
      return has && r.values.includes(val!);
    case 'notin': case '!=':
      return !has || !r.values.includes(val!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt': case 'lt': {
      if (!has || !intRe.test(val!) || r.values.length !== 1 || !intRe.test(r.values[0])) return false;
      const a = BigInt(val!);
      const b = BigInt(r.values[0]);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

/** Renders one requirement as upstream's Requirement.String. */
export function requirementString(r: LabelRequirement): string {
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists': return r.key;
    case '!': return `!${r.key}`;
    case '=': case '==': case '!=': return `${r.key}${r.operator}${values}`;
    case 'gt': return `${r.key}>${values}`;
    case 'lt': return `${r.key}<${values}`;
    case 'in': case 'notin': return `${r.key} ${r.operator} (${values})`;
  }
}

class RequirementsSelector implements LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  constructor(requirements: LabelRequirement[]) {
    // Go's sort.Sort by key; a stable sort keeps the input order among equal keys.
    this.requirements = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  matches(labels: Record<string, string> | undefined): boolean {
    const ls = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, ls));
  }
  empty(): boolean { return this.requirements.length === 0; }
  matchesNothing(): boolean { return false; }
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key);
    if (r && (r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
    return undefined;
  }
  toString(): string { return this.requirements.map(requirementString).join(','); }
}

const nothing: LabelSelector = Object.freeze({
  requirements: [],
  matches: () => false,
  empty: () => false,
  matchesNothing: () => true,
  requiresExactMatch: () => undefined,
  toString: () => '',
});

export function everything(): LabelSelector { return new RequirementsSelector([]); }
export function nothingSelector(): LabelSelector { return nothing; }

/** Builds a selector from requirements, validating each as upstream's NewRequirement does. */
export function newLabelSelector(requirements: LabelRequirement[]): LabelSelector {
  for (const r of requirements) {
    const errs = requirementErrors(r.key, r.operator, r.values);
    if (errs.length) throw errors.badRequest(formatFieldErrors(errs));
  }
  return new RequirementsSelector(requirements);
}

/** For the parser, which has already validated every requirement. */
export function newLabelSelectorUnchecked(requirements: LabelRequirement[]): LabelSelector {
  return new RequirementsSelector(requirements);
}

/** A selector matching exactly the given labels (SelectorFromSet); no validation, as upstream. */
export function selectorFromSet(set: Record<string, string> | undefined | null): LabelSelector {
  return new RequirementsSelector(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

const expressionOperators: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything.
 * Throws a 400 StatusError carrying upstream's message for invalid input.
 */
export function labelSelectorFromObject(obj: LabelSelectorObject | null | undefined): LabelSelector {
  if (obj === null || obj === undefined) return nothing;
  const matchLabels = obj.matchLabels ?? {};
  const exprs = obj.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return everything();
  const reqs: LabelRequirement[] = [];
  for (const [key, v] of Object.entries(matchLabels)) reqs.push(checked(key, '=', [v]));
  for (const e of exprs) {
    const op = expressionOperators[e.operator];
    if (!op) throw errors.badRequest(`"${e.operator}" is not a valid label selector operator`);
    reqs.push(checked(e.key, op, [...(e.values ?? [])]));
  }
  return new RequirementsSelector(reqs);
}

function checked(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length) throw errors.badRequest(formatFieldErrors(errs));
  return { key, operator, values };
}
