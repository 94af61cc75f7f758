// Defaults in a CRD schema must be valid values themselves (upstream's structural defaulting
// ValidateDefaults): pruned already ("must not have unknown fields"), valid against their schema,
// list types and rules. Errors sit under the `default` field of the node, e.g.
// `….properties[size].default: Invalid value: 99:  in body should be less than or equal to 10`
// (the value's own path in the message is empty, as upstream renders it).
import { FieldError } from '../errors.js';
import type { CelRules } from './cel.js';
import { validateListSetsAndMaps } from './listtypes.js';
import { pruneObject } from './pruning.js';
import { deepCopy, deepEqual, isObj, type JSONSchemaProps } from './schema.js';
import { OpenAPIValidator } from './validate.js';

export function validateDefaults(s: JSONSchemaProps, path: string, rules: CelRules): FieldError[] {
  const errs: FieldError[] = [];
  walk(s, path, rules, new OpenAPIValidator(), errs, true);
  return errs;
}

/** Moves errors of a value validated at the root onto `base` (upstream's field path of the default). */
function rebase(list: FieldError[], base: string): FieldError[] {
  return list.map((e) => {
    const field = e.field === '<nil>' || e.field === '' ? base : e.field.startsWith('[') ? `${base}${e.field}` : `${base}.${e.field}`;
    return new FieldError(e.type, field, e.value, e.detail, e.extra);
  });
}

function walk(s: JSONSchemaProps, path: string, rules: CelRules, validator: OpenAPIValidator, errs: FieldError[], isRoot: boolean): void {
  if (s.default !== undefined && !isRoot) {
    const at = `${path}.default`;
    const pruned = deepCopy(s.default);
    pruneObject(pruned, s, s['x-kubernetes-embedded-resource'] === true);
    if (!deepEqual(pruned, s.default)) {
      errs.push(new FieldError('FieldValueInvalid', at, s.default, 'must not have unknown fields'));
    } else {
      const found = rebase(validator.validate(s.default, s, ''), at);
      if (found.length === 0) found.push(...rebase(validateListSetsAndMaps(s.default, s, ''), at));
      // Rules see the default as on a create (no old value, so nothing is ratcheted).
      if (found.length === 0 && rules.hasRules(s)) found.push(...rebase(rules.validate(s.default, undefined, s, '', false), at));
      errs.push(...found);
    }
  }
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    // Defaults inside top-level metadata are refused elsewhere; apiVersion/kind defaults are fine values.
    if (isRoot && k === 'metadata') continue;
    if (isObj(p)) walk(p, `${path}.properties[${k}]`, rules, validator, errs, false);
  }
  if (isObj(s.items)) walk(s.items, `${path}.items`, rules, validator, errs, false);
  if (isObj(s.additionalProperties)) walk(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, rules, validator, errs, false);
}
