// x-kubernetes-validations (upstream apiextensions-apiserver pkg/apiserver/schema/cel): each rule is
// compiled once per schema node and cached; `self` is the value at the node typed from the schema
// (integers as CEL int, numbers as double, date-time strings as timestamps), `oldSelf` the
// correlated old value on update. Transition rules (those using oldSelf) are skipped when there is
// no old value. A false rule gives `<path>: Invalid value: <message>` (the value shown only for
// scalars), or the error kind named by `reason`; `fieldPath` moves the error to a sub-field.
import type { Environment } from '@marcbachmann/cel-js';
import { Optional } from '@marcbachmann/cel-js';
import { FieldError, fieldErrors } from '../errors.js';
import { newCelEnvironment } from './cel-env.js';
import { undefinedField } from './cel-fields.js';
import { rewriteRule } from './cel-rewrite.js';
import { oldField, oldItems, unchanged, type Old } from './correlate.js';
import { additionalSchema, isEmbedded, isObj, setOwn, type JSONSchemaProps, type Obj, type ValidationRule } from './schema.js';

type Program = (ctx: Record<string, unknown>) => unknown;

export interface CompiledRule {
  rule: ValidationRule;
  program?: Program;
  messageProgram?: Program;
  usesOldSelf: boolean;
  /** Compile error of the rule itself. */
  error?: string;
  /** The unimplemented Kubernetes CEL library the rule uses (the rule is then skipped). */
  unsupported?: string;
  /** Compile error of messageExpression. */
  messageError?: string;
  fieldPath?: string;
}

const oldSelfRe = /\boldSelf\b/;

// Kubernetes CEL libraries this engine does not implement (quantity, IP/CIDR, URL, semver, format,
// math/sets/base64/lists/strings namespaces and newer list helpers). A rule using them is accepted
// and not evaluated, rather than rejecting CRDs upstream accepts.
const libraryNamespaces = /undeclared reference to '(math|sets|lists|strings|base64|format|optional)'/;
const libraryFunctions = new Set([
  'quantity', 'isQuantity', 'isInteger', 'asInteger', 'asApproximateFloat', 'sign', 'add', 'sub', 'isGreaterThan', 'isLessThan', 'compareTo',
  'ip', 'isIP', 'cidr', 'isCIDR', 'family', 'isUnspecified', 'isLoopback', 'isLinkLocalMulticast', 'isLinkLocalUnicast', 'isGlobalUnicast',
  'containsIP', 'containsCIDR', 'masked', 'prefixLength', 'url', 'getScheme', 'getHost', 'getHostname', 'getPort', 'getEscapedPath', 'getQuery',
  'semver', 'isSemver', 'major', 'minor', 'patch', 'slice', 'flatten', 'reverse', 'distinct', 'sortBy', 'quote', 'format',
]);

/** The library a compile error points at, when it is one of the unimplemented Kubernetes libraries. */
export function unsupportedLibrary(error: string): string | undefined {
  const ns = libraryNamespaces.exec(error);
  if (ns) return ns[1];
  const fn = /no matching overload for '(?:[^'(]*\.)?([A-Za-z_][A-Za-z0-9_]*)\(/.exec(error);
  return fn && libraryFunctions.has(fn[1]!) ? fn[1] : undefined;
}

/** The first line of a CEL library error, in cel-go's lower-case style ("no such key: x"). */
export function celErrorText(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
  return text.replace(/^No such key/, 'no such key').replace(/^Unknown variable: (\S+)/, "undeclared reference to '$1' (in container '')");
}

/** Upstream's ruleErrorString: the trimmed message, else the trimmed rule. */
function ruleText(r: ValidationRule): string {
  return r.message?.trim() || r.rule.trim();
}

/** Parses a rule's fieldPath (".a.b", "['a.b']", ".m['k']") into a path suffix, or an error. */
export function parseRuleFieldPath(fieldPath: string): { path?: string; error?: string } {
  const re = /\.([^.[\]']+)|\['((?:[^'\\]|\\.)*)'\]/y;
  const parts: string[] = [];
  let i = 0;
  while (i < fieldPath.length) {
    re.lastIndex = i;
    const m = re.exec(fieldPath);
    if (!m) return { error: `expected [ or . but got: ${fieldPath.slice(i)}` };
    const name = m[1] ?? m[2]!.replace(/\\(.)/g, '$1');
    parts.push(m[1] !== undefined || !/[.[\]]/.test(name) ? `.${name}` : `[${name}]`);
    i = re.lastIndex;
  }
  return { path: parts.join('').replace(/^\./, '') };
}

export class CelRules {
  private readonly compiled = new WeakMap<JSONSchemaProps, CompiledRule[]>();
  private readonly anyRules = new WeakMap<JSONSchemaProps, boolean>();

  /** Go-style duration strings ("1h30m") as CEL durations, through the library's own parser. */
  private readonly duration: (v: string) => unknown;

  constructor(
    private readonly env: Environment = newCelEnvironment(false),
    private readonly optionalEnv: Environment = newCelEnvironment(true),
  ) {
    const program = env.parse('duration(self)') as unknown as Program;
    this.duration = (v) => program({ self: v });
  }

  /** The compiled rules of one schema node (compiled on first use, then cached by node identity). */
  rulesOf(s: JSONSchemaProps): CompiledRule[] {
    let out = this.compiled.get(s);
    if (!out) {
      out = (s['x-kubernetes-validations'] ?? []).map((r) => this.compileRule(r, s));
      this.compiled.set(s, out);
    }
    return out;
  }

  /** Whether any node of the schema tree has rules (upstream has no CEL validator otherwise). */
  hasRules(s: JSONSchemaProps): boolean {
    let has = this.anyRules.get(s);
    if (has === undefined) {
      const extra = additionalSchema(s);
      has = !!s['x-kubernetes-validations']?.length
        || Object.values(s.properties ?? {}).some((p) => isObj(p) && this.hasRules(p))
        || (isObj(s.items) && this.hasRules(s.items))
        || (!!extra && this.hasRules(extra));
      this.anyRules.set(s, has);
    }
    return has;
  }

  private compileRule(rule: ValidationRule, s: JSONSchemaProps): CompiledRule {
    const src = typeof rule?.rule === 'string' ? rule.rule : '';
    const c: CompiledRule = { rule: { ...rule, rule: src }, usesOldSelf: oldSelfRe.test(src) };
    if (!src.trim()) return c;
    const env = rule.optionalOldSelf === true ? this.optionalEnv : this.env;
    try {
      const code = rewriteRule(src);
      const check = env.check(code);
      if (!check.valid) throw check.error;
      if (check.type !== 'bool' && check.type !== 'dyn') throw new Error(`cel expression must evaluate to a bool`);
      const program = env.parse(code) as unknown as Program & { ast?: unknown };
      const undef = undefinedField(program.ast, s, code);
      if (undef) throw new Error(undef);
      c.program = program;
    } catch (e) {
      const text = celErrorText(e);
      const lib = unsupportedLibrary(text);
      if (lib) c.unsupported = lib;
      else c.error = text;
    }
    if (rule.messageExpression) {
      try {
        const code = rewriteRule(rule.messageExpression);
        const check = env.check(code);
        if (!check.valid) throw check.error;
        if (check.type !== 'string' && check.type !== 'dyn') throw new Error('messageExpression must evaluate to a string');
        const program = env.parse(code) as unknown as Program & { ast?: unknown };
        const undef = undefinedField(program.ast, s, code);
        if (undef) throw new Error(undef);
        c.messageProgram = program;
      } catch (e) {
        const text = celErrorText(e);
        if (!unsupportedLibrary(text)) c.messageError = text;
      }
    }
    if (rule.fieldPath) {
      const p = parseRuleFieldPath(rule.fieldPath);
      if (p.path) c.fieldPath = p.path;
    }
    return c;
  }

  /** Validates `x` (and, on update, `old`) against every rule in the schema tree. */
  validate(x: unknown, old: unknown, s: JSONSchemaProps, path: string, isRoot: boolean): FieldError[] {
    const errs: FieldError[] = [];
    this.walk(x, old === undefined || old === null ? undefined : { v: old }, s, path, isRoot, errs);
    return errs;
  }

  private walk(x: unknown, old: Old | undefined, s: JSONSchemaProps, path: string, isRoot: boolean, errs: FieldError[]): void {
    if (x === null || x === undefined) return;
    if (s['x-kubernetes-validations']?.length) this.evaluate(x, old, s, path, isRoot, errs);
    const join = (k: string) => (path ? `${path}.${k}` : k);
    if (Array.isArray(x)) {
      const items = s.items;
      if (!items) return;
      // Only list-type=map items correlate for transition rules (sets correlate for ratcheting only).
      const find = s['x-kubernetes-list-type'] === 'map' ? oldItems(old, s) : undefined;
      for (let i = 0; i < x.length; i++) this.walk(x[i], find?.(x[i]), items, `${path}[${i}]`, false, errs);
      return;
    }
    if (!isObj(x)) return;
    const extra = additionalSchema(s);
    const mapType = s['x-kubernetes-map-type'];
    const correlatable = mapType === undefined || mapType === 'granular' || mapType === 'atomic';
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.[k];
      if (prop) this.walk(v, oldField(old, k), prop, join(k), false, errs);
      else if (extra) this.walk(v, correlatable ? oldField(old, k) : undefined, extra, join(k), false, errs);
    }
  }

  private evaluate(x: unknown, oldBox: Old | undefined, s: JSONSchemaProps, path: string, isRoot: boolean, errs: FieldError[]): void {
    const old = oldBox?.v;
    let same: boolean | undefined;
    const type = s.type ?? '';
    const field = path || '<nil>';
    const self = toCel(x, s, isRoot, this.duration);
    let oldSelf: unknown;
    for (const c of this.rulesOf(s)) {
      if (c.error !== undefined) { errs.push(fieldErrors.invalid(field, type, `rule compile error: ${c.error}`)); continue; }
      if (!c.program) continue;
      const hasOld = old !== undefined && old !== null;
      if (c.usesOldSelf && !hasOld && !c.rule.optionalOldSelf) continue;
      if (c.usesOldSelf && oldSelf === undefined && hasOld) oldSelf = toCel(old, s, isRoot, this.duration);
      const ctx: Record<string, unknown> = { self };
      if (c.usesOldSelf) ctx.oldSelf = c.rule.optionalOldSelf ? (hasOld ? Optional.of(oldSelf) : Optional.none()) : oldSelf;
      let result: unknown;
      try {
        result = c.program(ctx);
      } catch (e) {
        const text = celErrorText(e);
        if (/no matching overload|no such overload/.test(text)) {
          errs.push(fieldErrors.invalid(field, type, `'${text}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(c.rule)}`));
        } else {
          errs.push(fieldErrors.invalid(field, type, `${text} evaluating rule: ${ruleText(c.rule)}`));
        }
        continue;
      }
      if (result === true) continue;
      // Ratcheting: a rule without oldSelf does not fail a value left unchanged by the update
      // (upstream turns it into a warning).
      if (!c.usesOldSelf && (same ??= unchanged(x, oldBox))) continue;
      const errPath = c.fieldPath ? (path ? `${path}.${c.fieldPath}` : c.fieldPath) : field;
      const detail = this.message(c, ctx) ?? (c.rule.message?.trim() || `failed rule: ${ruleText(c.rule)}`);
      const value = type === 'object' || type === 'array' || isObj(x) || Array.isArray(x) ? undefined : x;
      errs.push(errorForReason(errPath, value, detail, c.rule.reason));
    }
  }

  private message(c: CompiledRule, ctx: Record<string, unknown>): string | undefined {
    if (!c.messageProgram) return undefined;
    try {
      const m = c.messageProgram(ctx);
      if (typeof m !== 'string') return undefined;
      const t = m.trim();
      // Upstream falls back to message when the expression is empty, multi-line or too long.
      if (!t || /\n/.test(t) || t.length > 5120) return undefined;
      return t;
    } catch {
      return undefined;
    }
  }
}

function errorForReason(path: string, value: unknown, detail: string, reason: string | undefined): FieldError {
  switch (reason) {
    case 'FieldValueForbidden': return fieldErrors.forbidden(path, detail);
    case 'FieldValueRequired': return fieldErrors.required(path, detail);
    case 'FieldValueDuplicate': return new FieldError('FieldValueDuplicate', path, value, '');
    default: return new FieldError('FieldValueInvalid', path, value, detail);
  }
}

/** Strings typed by their format, as upstream's CEL schema types: timestamps, durations, bytes. */
function typedString(x: string, s: JSONSchemaProps | undefined, duration?: (v: string) => unknown): unknown {
  const format = s?.type === 'string' ? s.format : undefined;
  if (format === 'date-time' || format === 'date') {
    const d = new Date(x);
    return Number.isNaN(d.getTime()) ? x : d;
  }
  if (format === 'duration' && duration) {
    try { return duration(x); } catch { return x; }
  }
  if (format === 'byte') return Uint8Array.from(Buffer.from(x, 'base64'));
  return x;
}

/** Converts decoded JSON into CEL values typed by the schema. */
export function toCel(x: unknown, s: JSONSchemaProps | undefined, isRoot = false, duration?: (v: string) => unknown): unknown {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') {
    if (s?.type === 'number') return x;
    return Number.isInteger(x) ? BigInt(x) : x;
  }
  if (typeof x === 'string') return typedString(x, s, duration);
  if (Array.isArray(x)) return x.map((v) => toCel(v, s?.items, false, duration));
  if (isObj(x)) {
    const out: Obj = {};
    const extra = s ? additionalSchema(s) : undefined;
    const embedded = isRoot || isEmbedded(s);
    for (const [k, v] of Object.entries(x)) {
      if (embedded && (k === 'apiVersion' || k === 'kind')) { out[k] = v; continue; }
      if (embedded && k === 'metadata') {
        // Rules see only the name and generateName of ObjectMeta, as upstream.
        const m = isObj(v) ? v : {};
        const meta: Obj = {};
        if (typeof m.name === 'string') meta.name = m.name;
        if (typeof m.generateName === 'string') meta.generateName = m.generateName;
        out[k] = meta;
        continue;
      }
      const sub = s?.properties?.[k] ?? extra;
      setOwn(out, k, toCel(v, sub, false, duration));
    }
    return out;
  }
  return x;
}
