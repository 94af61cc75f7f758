// Whether a CRD version's openAPIV3Schema is acceptable, in upstream's two stages: the CRD's own
// OpenAPI checks (apiextensions validation: unsupported keywords, additionalProperties with
// properties, list and map types, list-map keys, x-kubernetes-validations rules that must compile,
// oldSelf only where values correlate), then the structural-schema invariants (pkg/apiserver/schema:
// every specified field typed, object root, embedded resources, metadata restrictions, value
// validations under allOf/anyOf/oneOf/not), whose errors upstream sorts. Paths render as upstream's:
// `….openAPIV3Schema.properties[spec].type`.
import { FieldError, fieldErrors } from '../errors.js';
import { CelRules, parseRuleFieldPath } from './cel.js';
import { validateDefaults } from './defaults-check.js';
import { compileRE2 } from './re2.js';
import { isObj, type JSONSchemaProps } from './schema.js';

const types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const reasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const metaFields = new Set(['metadata', 'kind', 'apiVersion']);

/** Structural-schema errors of `schema` at `path` (e.g. "spec.versions[0].schema.openAPIV3Schema"). */
export function validateStructuralSchema(schema: unknown, path: string, rules?: CelRules): FieldError[] {
  if (!isObj(schema)) return [fieldErrors.required(path, 'schemas are required')];
  const s = schema as JSONSchemaProps;
  const res = { schema: [] as FieldError[], cel: [] as FieldError[] };
  const celRules = rules ?? new CelRules();
  openAPIChecks(s, path, { isRoot: true }, celRules, res);
  const structural: FieldError[] = [];
  structuralInvariants(s, 'root', path, structural);
  structural.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  const errs = [...res.schema, ...res.cel, ...structural];
  // Defaults are checked against a schema that is otherwise valid, as upstream does.
  if (errs.length === 0) errs.push(...validateDefaults(s, path, celRules));
  return errs;
}

/** Schema errors of every version of a CRD's spec (v1: each version needs its own schema). */
export function validateCustomResourceDefinitionSchemas(spec: unknown, rules?: CelRules): FieldError[] {
  const versions = isObj(spec) && Array.isArray(spec.versions) ? spec.versions : [];
  const shared = rules ?? new CelRules();
  const errs: FieldError[] = [];
  versions.forEach((v, i) => {
    if (!isObj(v)) return;
    const schema = isObj(v.schema) ? v.schema.openAPIV3Schema : undefined;
    errs.push(...validateStructuralSchema(schema, `spec.versions[${i}].schema.openAPIV3Schema`, shared));
  });
  return errs;
}

// ---- stage 1: the CRD's OpenAPI checks ----

interface Ctx {
  isRoot: boolean;
  insideMeta?: boolean;
  forbidDefaults?: string;
  uncorrelatable?: string;
}

function openAPIChecks(s: JSONSchemaProps, path: string, ctx: Ctx, rules: CelRules, out: { schema: FieldError[]; cel: FieldError[] }): void {
  const before = out.schema.length;
  const errs = out.schema;
  const at = (k: string) => `${path}.${k}`;
  if (s.type !== undefined && !types.includes(s.type)) errs.push(fieldErrors.notSupported(at('type'), s.type, types));
  if (s.default !== undefined && ctx.forbidDefaults !== undefined) errs.push(fieldErrors.forbidden(at('default'), `must not be set${ctx.forbidDefaults ? ` ${ctx.forbidDefaults}` : ''}`));
  if (s.id !== undefined && s.id !== '') errs.push(fieldErrors.forbidden(at('id'), 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(fieldErrors.forbidden(at('additionalItems'), 'additionalItems is not supported'));
  if (isObj(s.patternProperties) && Object.keys(s.patternProperties).length) errs.push(fieldErrors.forbidden(at('patternProperties'), 'patternProperties is not supported'));
  if (isObj(s.definitions) && Object.keys(s.definitions).length) errs.push(fieldErrors.forbidden(at('definitions'), 'definitions is not supported'));
  if (s.dependencies !== undefined) errs.push(fieldErrors.forbidden(at('dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(fieldErrors.forbidden(at('$ref'), '$ref is not supported'));
  if (s.type === 'null') errs.push(fieldErrors.forbidden(at('type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items)) errs.push(fieldErrors.forbidden(at('items'), 'items must be a schema object and not an array'));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource'] === true) errs.push(fieldErrors.forbidden(at('x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  if (s.uniqueItems === true) errs.push(fieldErrors.forbidden(at('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));

  const hasProps = isObj(s.properties) && Object.keys(s.properties).length > 0;
  if (s.additionalProperties !== undefined) {
    if (hasProps && (s.additionalProperties === false || isObj(s.additionalProperties))) {
      errs.push(fieldErrors.forbidden(at('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    if (isObj(s.additionalProperties)) {
      const sub: Ctx = { ...ctx, isRoot: false, ...(ctx.insideMeta ? { forbidDefaults: 'inside additionalProperties applying to object metadata' } : {}) };
      openAPIChecks(s.additionalProperties as JSONSchemaProps, at('additionalProperties'), sub, rules, out);
    }
  }
  const mapType = s['x-kubernetes-map-type'];
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    if (!isObj(p)) continue;
    const sub: Ctx = { ...ctx, isRoot: false };
    if (!(mapType === undefined || mapType === 'granular' || mapType === 'atomic')) sub.uncorrelatable ??= path;
    if ((ctx.isRoot || s['x-kubernetes-embedded-resource'] === true) && metaFields.has(k)) {
      sub.insideMeta = true;
      if (ctx.isRoot) sub.forbidDefaults = `in top-level ${k}`;
    }
    openAPIChecks(p, `${path}.properties[${k}]`, sub, rules, out);
  }
  const junctorCtx: Ctx = { ...ctx, isRoot: false };
  if (isObj(s.not)) openAPIChecks(s.not, at('not'), junctorCtx, rules, out);
  for (const j of ['allOf', 'oneOf', 'anyOf'] as const) {
    (Array.isArray(s[j]) ? s[j]! : []).forEach((sub, i) => { if (isObj(sub)) openAPIChecks(sub, `${path}.${j}[${i}]`, junctorCtx, rules, out); });
  }
  if (isObj(s.items)) {
    const sub: Ctx = { ...ctx, isRoot: false };
    if (s['x-kubernetes-list-type'] !== 'map') sub.uncorrelatable ??= path;
    openAPIChecks(s.items, at('items'), sub, rules, out);
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(fieldErrors.invalid(at('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (mapType !== undefined) {
    if (s.type !== 'object') {
      if (!s.type) errs.push(fieldErrors.required(at('type'), 'must be object if x-kubernetes-map-type is specified'));
      else errs.push(fieldErrors.invalid(at('type'), s.type, 'must be object if x-kubernetes-map-type is specified'));
    }
    if (mapType !== 'atomic' && mapType !== 'granular') errs.push(fieldErrors.notSupported(at('x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  checkListType(s, path, errs);
  checkRules(s, path, ctx, rules, out, out.schema.length === before);
}

function checkListType(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  const at = (k: string) => `${path}.${k}`;
  const lt = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  if (lt !== undefined && s.type !== 'array') {
    if (!s.type) errs.push(fieldErrors.required(at('type'), 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(fieldErrors.invalid(at('type'), s.type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (lt === 'set' && isObj(s.items)) {
    const is = s.items;
    if (is.type === 'array' && is['x-kubernetes-list-type'] !== undefined && is['x-kubernetes-list-type'] !== 'atomic') {
      errs.push(fieldErrors.invalid(at('items.x-kubernetes-list-type'), is['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    } else if (is.type === 'object' && is['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(fieldErrors.invalid(at('items.x-kubernetes-map-type'), is['x-kubernetes-list-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (lt !== undefined && !['atomic', 'set', 'map'].includes(lt)) errs.push(fieldErrors.notSupported(at('x-kubernetes-list-type'), lt, ['atomic', 'set', 'map']));
  if (keys.length > 0) {
    if (lt === undefined) errs.push(fieldErrors.required(at('x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (lt !== 'map') errs.push(fieldErrors.invalid(at('x-kubernetes-list-type'), lt, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (lt === 'map') {
    if (keys.length === 0) errs.push(fieldErrors.required(at('x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items === undefined) errs.push(fieldErrors.required(at('items'), 'must have a schema if x-kubernetes-list-type is map'));
    const items = isObj(s.items) ? (s.items as JSONSchemaProps) : undefined;
    if (items && items.type !== 'object') errs.push(fieldErrors.invalid(at('items.type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    if (items && items.type === 'object') {
      const seen = new Set<string>();
      for (const k of keys) {
        const p = items.properties?.[k];
        if (p) {
          if (p.type === 'array' || p.type === 'object') errs.push(fieldErrors.invalid(`${path}.items.properties[${k}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        } else {
          errs.push(fieldErrors.invalid(at('x-kubernetes-list-map-keys'), keys, 'entries must all be names of item properties'));
        }
        if (seen.has(k)) errs.push(fieldErrors.invalid(at('x-kubernetes-list-map-keys'), keys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  // Items of sets and maps are never null; map keys are required or defaulted (and not nullable).
  if ((lt === 'set' || lt === 'map') && isObj(s.items)) {
    const items = s.items;
    if (items.nullable === true) errs.push(fieldErrors.forbidden(at('items.nullable'), `cannot be nullable when x-kubernetes-list-type is ${lt}`));
    if (lt === 'map') {
      for (const k of keys) {
        const p = items.properties?.[k];
        if (!p) continue;
        if (!(items.required ?? []).includes(k) && p.default === undefined) {
          errs.push(fieldErrors.required(`${path}.items.properties[${k}].default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        }
        if (p.nullable === true) errs.push(fieldErrors.forbidden(`${path}.items.properties[${k}].nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
}

function checkRules(s: JSONSchemaProps, path: string, ctx: Ctx, rules: CelRules, out: { schema: FieldError[]; cel: FieldError[] }, clean: boolean): void {
  const list = s['x-kubernetes-validations'];
  if (!Array.isArray(list) || list.length === 0) return;
  list.forEach((r, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    const rule = isObj(r) && typeof r.rule === 'string' ? r.rule.trim() : '';
    const message = isObj(r) && typeof r.message === 'string' ? r.message : '';
    if (!rule) out.schema.push(fieldErrors.required(`${at}.rule`, 'rule is not specified'));
    else if (message && !message.trim()) out.schema.push(fieldErrors.invalid(`${at}.message`, message, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(message.trim())) out.schema.push(fieldErrors.invalid(`${at}.message`, message, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(rule) && !message.trim()) out.schema.push(fieldErrors.required(`${at}.message`, 'message must be specified if rule contains line breaks'));
  });
  // Upstream compiles rules only once the schema at and below this node is otherwise valid.
  if (!clean || out.schema.length > 0) return;
  const compiled = rules.rulesOf(s);
  list.forEach((r, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    const c = compiled[i];
    if (!c || !isObj(r)) return;
    if (c.error !== undefined) out.cel.push(fieldErrors.invalid(`${at}.rule`, r.rule, `compilation failed: ${c.error}`));
    if (c.messageError !== undefined) out.cel.push(fieldErrors.invalid(`${at}.messageExpression`, r.messageExpression, `messageExpression compilation failed: ${c.messageError}`));
    if (r.reason !== undefined && !reasons.includes(String(r.reason))) out.cel.push(fieldErrors.notSupported(`${at}.reason`, r.reason, reasons));
    if (r.fieldPath !== undefined) {
      const p = parseRuleFieldPath(String(r.fieldPath));
      if (p.error) out.cel.push(fieldErrors.invalid(`${at}.fieldPath`, r.fieldPath, `fieldPath must be a valid path: ${p.error}`));
    }
    if (c.usesOldSelf && ctx.uncorrelatable !== undefined) {
      out.cel.push(fieldErrors.invalid(`${at}.rule`, r.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${ctx.uncorrelatable}`));
    }
  });
}

// ---- stage 2: structural invariants ----

type Level = 'root' | 'items' | 'field';

function structuralInvariants(s: JSONSchemaProps, level: Level, path: string, errs: FieldError[]): void {
  const at = (k: string) => `${path}.${k}`;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (s.type === 'array' && !isObj(s.items)) errs.push(fieldErrors.required(at('items'), 'must be specified'));
  if (isObj(s.items)) structuralInvariants(s.items, 'items', at('items'), errs);
  for (const [k, p] of Object.entries(s.properties ?? {})) if (isObj(p)) structuralInvariants(p, 'field', `${path}.properties[${k}]`, errs);
  if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
    if (level === 'root') errs.push(fieldErrors.forbidden(at('additionalProperties'), 'must not be used at the root'));
    if (isObj(s.additionalProperties)) structuralInvariants(s.additionalProperties as JSONSchemaProps, 'field', at('additionalProperties'), errs);
  }
  if (intOrString && preserve) errs.push(fieldErrors.invalid(at('x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) errs.push(fieldErrors.invalid(at('x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  valueValidation(s, path, errs, intOrString);
  if (embedded && s.type !== 'object') {
    if (!s.type) errs.push(fieldErrors.required(at('type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(fieldErrors.invalid(at('type'), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !intOrString && !preserve) {
    const detail = level === 'root' ? 'must not be empty at the root' : level === 'items' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    errs.push(fieldErrors.required(at('type'), detail));
  }
  if (embedded && s.additionalProperties !== undefined) errs.push(fieldErrors.forbidden(at('additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  if (level === 'root' && s.type && s.type !== 'object') errs.push(fieldErrors.invalid(at('type'), s.type, 'must be object at the root'));
  const checkMeta = level === 'root' || embedded;
  for (const k of ['kind', 'apiVersion']) {
    const p = s.properties?.[k];
    if (p && checkMeta && p.type !== 'string') errs.push(fieldErrors.invalid(`${path}.properties[${k}].type`, p.type ?? '', 'must be string'));
  }
  const meta = s.properties?.metadata;
  if (isObj(meta)) {
    const mpath = `${path}.properties[metadata]`;
    if (checkMeta && meta.type !== 'object') errs.push(fieldErrors.invalid(`${mpath}.type`, meta.type ?? '', 'must be object'));
    if (level === 'root') {
      const rest = Object.entries(meta).filter(([k]) => k !== 'type' && k !== 'default' && k !== 'description');
      const props = Object.keys(meta.properties ?? {});
      const propsOk = props.every((k) => k === 'name' || k === 'generateName');
      if (!propsOk || rest.some(([k]) => k !== 'properties')) {
        errs.push(fieldErrors.forbidden(mpath, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
      }
    }
  }
  if (embedded && !preserve && Object.keys(s.properties ?? {}).length === 0) {
    errs.push(fieldErrors.required(at('properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
}

/** allOf/anyOf/oneOf/not may only hold value validations; int-or-string's anyOf [integer, string] pattern is exempt. */
function valueValidation(s: JSONSchemaProps, path: string, errs: FieldError[], intOrString: boolean): void {
  const isIntOrStringPair = (list: unknown) => Array.isArray(list) && list.length === 2
    && isObj(list[0]) && list[0].type === 'integer' && Object.keys(list[0]).length === 1
    && isObj(list[1]) && list[1].type === 'string' && Object.keys(list[1]).length === 1;
  const skipAnyOf = intOrString && isIntOrStringPair(s.anyOf);
  if (!skipAnyOf) (Array.isArray(s.anyOf) ? s.anyOf : []).forEach((v, i) => nested(v, `${path}.anyOf[${i}]`, errs));
  (Array.isArray(s.allOf) ? s.allOf : []).forEach((v, i) => {
    if (i === 0 && intOrString && isObj(v) && isIntOrStringPair(v.anyOf)) return;
    nested(v, `${path}.allOf[${i}]`, errs);
  });
  (Array.isArray(s.oneOf) ? s.oneOf : []).forEach((v, i) => nested(v, `${path}.oneOf[${i}]`, errs));
  if (isObj(s.not)) nested(s.not, `${path}.not`, errs);
  checkPattern(s, path, errs);
}

function nested(v: unknown, path: string, errs: FieldError[]): void {
  if (!isObj(v)) return;
  const s = v as JSONSchemaProps;
  const at = (k: string) => `${path}.${k}`;
  valueValidation(s, path, errs, false);
  if (isObj(s.items)) nested(s.items, at('items'), errs);
  for (const [k, p] of Object.entries(s.properties ?? {})) nested(p, `${path}.properties[${k}]`, errs);
  if (s.type) errs.push(fieldErrors.forbidden(at('type'), 'must be empty to be structural'));
  if (s.additionalProperties !== undefined) errs.push(fieldErrors.forbidden(at('additionalProperties'), 'must be undefined to be structural'));
  if (s.default !== undefined) errs.push(fieldErrors.forbidden(at('default'), 'must be undefined to be structural'));
  if (s.title) errs.push(fieldErrors.forbidden(at('title'), 'must be empty to be structural'));
  if (s.description) errs.push(fieldErrors.forbidden(at('description'), 'must be empty to be structural'));
  if (s.nullable === true) errs.push(fieldErrors.forbidden(at('nullable'), 'must be false to be structural'));
  if (s.externalDocs !== undefined) errs.push(fieldErrors.forbidden(at('externalDocs'), 'must be undefined to be structural'));
  if (s['x-kubernetes-preserve-unknown-fields'] === true) errs.push(fieldErrors.forbidden(at('x-kubernetes-preserve-unknown-fields'), 'must be false to be structural'));
  if (s['x-kubernetes-embedded-resource'] === true) errs.push(fieldErrors.forbidden(at('x-kubernetes-embedded-resource'), 'must be false to be structural'));
  if (s['x-kubernetes-int-or-string'] === true) errs.push(fieldErrors.forbidden(at('x-kubernetes-int-or-string'), 'must be false to be structural'));
  if (s['x-kubernetes-list-map-keys']?.length) errs.push(fieldErrors.forbidden(at('x-kubernetes-list-map-keys'), 'must be empty to be structural'));
  if (s['x-kubernetes-list-type'] !== undefined) errs.push(fieldErrors.forbidden(at('x-kubernetes-list-type'), 'must be undefined to be structural'));
  if (s['x-kubernetes-map-type'] !== undefined) errs.push(fieldErrors.forbidden(at('x-kubernetes-map-type'), 'must be undefined to be structural'));
  if (s['x-kubernetes-validations']?.length) errs.push(fieldErrors.forbidden(at('x-kubernetes-validations'), 'must be empty to be structural'));
  if (s.properties && 'metadata' in s.properties) errs.push(fieldErrors.forbidden(`${path}.properties[metadata]`, 'must not be specified in a nested context'));
}

function checkPattern(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (typeof s.pattern !== 'string' || !s.pattern) return;
  let err = '';
  try { compileRE2(s.pattern); } catch (e) { err = (e as Error).message; }
  if (err) errs.push(fieldErrors.invalid(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${err}`));
}
