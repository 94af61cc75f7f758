// Whether a CRD version's openAPIV3Schema is structural (upstream apiextensions-apiserver
// pkg/apiserver/schema validation and the CRD's own validation): every specified field has a type
// (unless int-or-string or preserve-unknown-fields), the root is an object, embedded resources are
// objects, list types are known and list-map keys usable, and every x-kubernetes-validations rule
// compiles. Paths render as upstream's: `….openAPIV3Schema.properties[spec].type`.
import { FieldError, fieldErrors } from '../errors.js';
import { CelRules, parseRuleFieldPath } from './cel.js';
import { newCelEnvironment } from './cel-env.js';
import { isObj, type JSONSchemaProps } from './schema.js';

const types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const reasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

type Level = 'root' | 'field' | 'items' | 'junctor';

/** Structural-schema errors of `schema` at `path` (e.g. "spec.versions[0].schema.openAPIV3Schema"). */
export function validateStructuralSchema(schema: unknown, path: string, rules?: CelRules): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(schema)) {
    errs.push(fieldErrors.required(path, ''));
    return errs;
  }
  walk(schema as JSONSchemaProps, path, 'root', rules ?? new CelRules(newCelEnvironment()), errs);
  return errs;
}

function walk(s: JSONSchemaProps, path: string, level: Level, rules: CelRules, errs: FieldError[]): void {
  const at = (k: string) => `${path}.${k}`;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (level === 'root') {
    if (!s.type) errs.push(fieldErrors.required(at('type'), 'must not be empty at the root'));
    else if (s.type !== 'object') errs.push(fieldErrors.invalid(at('type'), s.type, 'must be object at the root'));
    if (s.nullable === true) errs.push(fieldErrors.invalid(at('nullable'), true, 'must be false at the root'));
    if (embedded) errs.push(fieldErrors.invalid(at('x-kubernetes-embedded-resource'), true, 'must be false at the root'));
    const meta = s.properties?.metadata;
    if (meta && Object.keys(meta.properties ?? {}).some((k) => k !== 'name' && k !== 'generateName')) {
      errs.push(fieldErrors.forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  } else if (level === 'junctor') {
    if (s.type) errs.push(fieldErrors.forbidden(at('type'), 'must be empty to be structural'));
  } else if (!s.type && !intOrString && !preserve && !embedded) {
    errs.push(fieldErrors.required(at('type'), level === 'items' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields'));
  }
  if (s.type && level !== 'junctor' && !types.includes(s.type)) errs.push(fieldErrors.notSupported(at('type'), s.type, types));
  if (intOrString && s.type) errs.push(fieldErrors.invalid(at('type'), s.type, 'must be empty if x-kubernetes-int-or-string is true'));
  if (embedded && level !== 'root') {
    if (!s.type) errs.push(fieldErrors.required(at('type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else if (s.type !== 'object') errs.push(fieldErrors.invalid(at('type'), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
    if (!preserve && !Object.keys(s.properties ?? {}).length) {
      errs.push(fieldErrors.required(at('properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
    }
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(fieldErrors.invalid(at('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (s.type === 'array' && !isObj(s.items) && level !== 'junctor') errs.push(fieldErrors.required(at('items'), 'must be specified'));
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push(fieldErrors.forbidden(at('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
  }
  if (s.additionalProperties === false) errs.push(fieldErrors.forbidden(at('additionalProperties'), 'must not explicitly set to false'));
  checkListType(s, path, errs);
  checkRules(s, path, rules, errs);

  for (const [k, p] of Object.entries(s.properties ?? {})) if (isObj(p)) walk(p, `${path}.properties[${k}]`, level === 'junctor' ? 'junctor' : 'field', rules, errs);
  if (isObj(s.items)) walk(s.items, at('items'), level === 'junctor' ? 'junctor' : 'items', rules, errs);
  if (isObj(s.additionalProperties)) walk(s.additionalProperties as JSONSchemaProps, at('additionalProperties'), level === 'junctor' ? 'junctor' : 'field', rules, errs);
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) {
    (s[j] ?? []).forEach((sub, i) => { if (isObj(sub)) walk(sub, `${path}.${j}[${i}]`, 'junctor', rules, errs); });
  }
  if (isObj(s.not)) walk(s.not, at('not'), 'junctor', rules, errs);
}

function checkListType(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  const lt = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'];
  if (lt === undefined) {
    if (keys?.length) errs.push(fieldErrors.required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    return;
  }
  if (!['atomic', 'set', 'map'].includes(lt)) {
    errs.push(fieldErrors.notSupported(`${path}.x-kubernetes-list-type`, lt, ['atomic', 'set', 'map']));
    return;
  }
  if (s.type && s.type !== 'array') errs.push(fieldErrors.invalid(`${path}.type`, s.type, 'must be array if x-kubernetes-list-type is specified'));
  if (lt !== 'map') {
    if (keys?.length) errs.push(fieldErrors.forbidden(`${path}.x-kubernetes-list-map-keys`, 'must be empty if x-kubernetes-list-type is not map'));
    return;
  }
  if (!keys?.length) {
    errs.push(fieldErrors.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    return;
  }
  const items = s.items;
  if (!isObj(items)) return;
  if (items.type !== 'object') {
    errs.push(fieldErrors.invalid(`${path}.items.type`, items.type ?? '', 'must be object if parent array\'s x-kubernetes-list-type is map'));
    return;
  }
  keys.forEach((k, i) => {
    const p = items.properties?.[k];
    if (!p) {
      errs.push(fieldErrors.invalid(`${path}.x-kubernetes-list-map-keys[${i}]`, k, 'entries must all be names of item properties'));
    } else if (!(items.required ?? []).includes(k) && p.default === undefined) {
      errs.push(fieldErrors.required(`${path}.items.properties[${k}].default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
    }
  });
}

function checkRules(s: JSONSchemaProps, path: string, rules: CelRules, errs: FieldError[]): void {
  const list = s['x-kubernetes-validations'];
  if (list === undefined) return;
  if (!Array.isArray(list)) { errs.push(fieldErrors.invalid(`${path}.x-kubernetes-validations`, list, 'must be a list')); return; }
  const compiled = rules.rulesOf(s);
  list.forEach((r, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (!isObj(r) || typeof r.rule !== 'string' || !r.rule.trim()) { errs.push(fieldErrors.required(`${at}.rule`, '')); return; }
    const c = compiled[i];
    if (c?.error !== undefined) errs.push(fieldErrors.invalid(`${at}.rule`, r.rule, `compilation failed: ${c.error}`));
    if (c?.messageError !== undefined) errs.push(fieldErrors.invalid(`${at}.messageExpression`, r.messageExpression, `messageExpression compilation failed: ${c.messageError}`));
    if (typeof r.message === 'string' && /[\n]/.test(r.message)) errs.push(fieldErrors.invalid(`${at}.message`, r.message, 'message must not contain line breaks'));
    if (r.reason !== undefined && !reasons.includes(r.reason)) errs.push(fieldErrors.notSupported(`${at}.reason`, r.reason, reasons));
    if (r.fieldPath !== undefined) {
      const p = parseRuleFieldPath(r.fieldPath);
      if (p.error) errs.push(fieldErrors.invalid(`${at}.fieldPath`, r.fieldPath, p.error));
    }
  });
}
