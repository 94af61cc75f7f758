// Structural schemas of custom resources: pruning, defaulting and validation (OpenAPI keywords,
// list types, embedded resources, CEL rules) against a CRD version's openAPIV3Schema, in the order
// upstream's custom resource strategy applies them. Compiled state (CEL programs, patterns) is
// cached by schema object identity, so a schema reused for every object is compiled once.
import type { FieldError } from '../errors.js';
import { fieldErrors } from '../errors.js';
import { CelRules } from './cel.js';
import { applyDefaults, pruneNonNullableNullsWithoutDefaults } from './defaulting.js';
import { validateEmbeddedResources } from './embedded.js';
import { validateListSetsAndMaps } from './listtypes.js';
import { pruneObject } from './pruning.js';
import type { JSONSchemaProps } from './schema.js';
import { OpenAPIValidator } from './validate.js';

export type { JSONSchemaProps, ValidationRule } from './schema.js';
export { pruneObject } from './pruning.js';
export { applyDefaults, pruneNonNullableNullsWithoutDefaults } from './defaulting.js';
export { validateStructuralSchema, validateCustomResourceDefinitionSchemas } from './structural.js';

const blocking = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);
const blocksRules = (e: FieldError) => blocking.has(e.type);
const blockedRules = 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

export class StructuralSchemas {
  private readonly openapi = new OpenAPIValidator();
  private readonly cel = new CelRules();

  /**
   * Prunes unknown fields, drops disallowed nulls, then applies defaults (in place), as decoding a
   * custom object does upstream. Upstream also defaults objects read back from storage.
   */
  pruneAndDefault(schema: JSONSchemaProps | undefined, obj: unknown): void {
    if (!schema) return;
    pruneObject(obj, schema, true);
    pruneNonNullableNullsWithoutDefaults(obj, schema);
    applyDefaults(obj, schema);
  }

  /**
   * All schema errors of `obj` (root path ""), CEL rules last; `old` is given on update (transition
   * rules, ratcheting). `prior` are errors found before (ObjectMeta), which can block CEL rules too.
   */
  validate(schema: JSONSchemaProps | undefined, obj: unknown, old?: unknown, prior: FieldError[] = []): FieldError[] {
    if (!schema) return [];
    const errs = this.openapi.validate(obj, schema, '', old === undefined ? undefined : { v: old });
    errs.push(...validateEmbeddedResources(obj, schema, ''));
    errs.push(...validateListSetsAndMaps(obj, schema, ''));
    if (!this.cel.hasRules(schema)) return errs;
    // Upstream skips CEL rules once the object has type, required, enum or size errors: the object
    // does not have the shape the rules were written for.
    if (errs.some(blocksRules) || prior.some(blocksRules)) {
      errs.push(fieldErrors.invalid('<nil>', 'null', blockedRules));
      return errs;
    }
    errs.push(...this.cel.validate(obj, old, schema, '', true));
    return errs;
  }

  /** The CEL rules engine (for compile checks of a CRD's schema). */
  celRules(): CelRules {
    return this.cel;
  }
}
