// Label and field selectors as clients use them: the string form of list/watch queries
// ("app=web,tier!=db,env in (a,b),!legacy") and the LabelSelector object of workload specs.
// Matching follows k8s.io/apimachinery/pkg/labels.

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

type Op = 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt';
interface Requirement { key: string; op: Op; values: string[] }

/** A parsed selector; `matches(labels)` tells whether a set of labels satisfies it. */
export class Selector {
  constructor(private readonly requirements: Requirement[], private readonly nothing = false) {}

  static everything(): Selector { return new Selector([]); }
  static nothing(): Selector { return new Selector([], true); }

  empty(): boolean { return !this.nothing && this.requirements.length === 0; }

  matches(labels: Record<string, string> | undefined): boolean {
    if (this.nothing) return false;
    const l = labels ?? {};
    return this.requirements.every((r) => matchOne(r, l));
  }

  toString(): string {
    return this.requirements.map((r) => {
      switch (r.op) {
        case 'exists': return r.key;
        case '!': return `!${r.key}`;
        case '=': return `${r.key}=${r.values[0]}`;
        case '!=': return `${r.key}!=${r.values[0]}`;
        case 'gt': return `${r.key}>${r.values[0]}`;
        case 'lt': return `${r.key}<${r.values[0]}`;
        default: return `${r.key} ${r.op} (${[...r.values].sort().join(',')})`;
      }
    }).join(',');
  }
}

function matchOne(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'exists': return has;
    case '!': return !has;
    case '=': case 'in': return has && r.values.includes(v!);
    case '!=': case 'notin': return !has || !r.values.includes(v!);
    case 'gt': case 'lt': {
      if (!has) return false;
      const a = Number(v), b = Number(r.values[0]);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return r.op === 'gt' ? a > b : a < b;
    }
  }
}

/** Parses the string form; throws Error with a readable message on bad syntax. */
export function parseSelector(text: string | undefined): Selector {
  const s = (text ?? '').trim();
  if (s === '') return Selector.everything();
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(s)) {
    const p = part.trim();
    if (p === '') throw new Error(`unable to parse requirement: found '' in selector "${s}"`);
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      reqs.push({ key: m[1]!, op: m[2] as Op, values: m[3]!.split(',').map((x) => x.trim()).filter((x, i, a) => x !== '' || a.length > 1) });
    } else if ((m = p.match(/^!\s*([^\s=!<>(),]+)$/))) {
      reqs.push({ key: m[1]!, op: '!', values: [] });
    } else if ((m = p.match(/^([^\s=!<>(),]+)\s*(==|=|!=|>|<)\s*([^\s=!<>(),]*)$/))) {
      const op: Op = m[2] === '!=' ? '!=' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : '=';
      reqs.push({ key: m[1]!, op, values: [m[3]!] });
    } else if ((m = p.match(/^([^\s=!<>(),]+)$/))) {
      reqs.push({ key: m[1]!, op: 'exists', values: [] });
    } else {
      throw new Error(`unable to parse requirement: "${p}" in selector "${s}"`);
    }
  }
  return new Selector(reqs);
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { out.push(s.slice(start, i)); start = i + 1; }
  }
  out.push(s.slice(start));
  return out;
}

/**
 * A LabelSelector object as workload specs carry it. As upstream's LabelSelectorAsSelector:
 * a missing selector selects nothing, an empty one selects everything.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (!ls) return Selector.nothing();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of ls.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In': reqs.push({ key: e.key, op: 'in', values: e.values ?? [] }); break;
      case 'NotIn': reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] }); break;
      case 'Exists': reqs.push({ key: e.key, op: 'exists', values: [] }); break;
      case 'DoesNotExist': reqs.push({ key: e.key, op: '!', values: [] }); break;
      default: throw new Error(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return new Selector(reqs);
}

/** Selector that matches exactly these labels (upstream labels.SelectorFromSet). */
export function selectorFromSet(set: Record<string, string> | undefined): Selector {
  return new Selector(Object.entries(set ?? {}).map(([key, v]) => ({ key, op: '=' as Op, values: [v] })));
}

/**
 * Field selectors: `a.b=c,d!=e` over dotted paths of the object (metadata.name, spec.nodeName,
 * status.phase). Returns a predicate; unknown paths read as the empty string, as upstream does
 * for field labels that are absent.
 */
export function parseFieldSelector(text: string | undefined): (obj: unknown) => boolean {
  const s = (text ?? '').trim();
  if (s === '') return () => true;
  const terms = s.split(',').map((t) => {
    const m = t.trim().match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new Error(`invalid selector: '${s}'; can't understand '${t}'`);
    return { path: m[1]!.split('.'), neg: m[2] === '!=', value: m[3]! };
  });
  return (obj) => terms.every((t) => {
    let cur: unknown = obj;
    for (const seg of t.path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
    const v = cur === undefined || cur === null ? '' : String(cur);
    return t.neg ? v !== t.value : v === t.value;
  });
}
