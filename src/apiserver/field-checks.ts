// Schema-driven checks of a request body before it reaches the registry: type errors always
// fail (400 "<Kind> in version … cannot be handled as a <Kind>: …", naming the field); unknown
// and duplicate fields follow the fieldValidation directive (Strict: 400 "strict decoding
// error: …"; Warn: Warning headers; Ignore: nothing).
import type { ResourceInfo } from '../api/resources/types.js';
import type { KubeObject } from '../api/types.js';
import { builtinSchemas } from '../api/schema/index.js';
import { checkFields, createCustomResourceFieldChecker, fieldValidationError, findDuplicateJsonFields, patchValidationError, type FieldCheckResult } from '../api/fieldvalidation/index.js';
import type { CustomResourceVersion } from './crd/crd-info.js';

const customChecker = createCustomResourceFieldChecker(builtinSchemas);

function check(info: ResourceInfo, obj: KubeObject, mode: FieldValidationMode, custom?: CustomResourceVersion): FieldCheckResult | undefined {
  if (custom) return customChecker.check(custom.schema && Object.keys(custom.schema).length ? custom.schema : undefined, obj, mode);
  if (!builtinSchemas.kindMessage(info.group, info.version, info.kind)) return undefined;
  return checkFields(builtinSchemas, info.group, info.version, info.kind, obj, mode);
}

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

/** Returns the warnings to send; throws a StatusError for rejected bodies. */
export function checkBodyFields(info: ResourceInfo, obj: KubeObject, mode: FieldValidationMode, rawJson?: string, custom?: CustomResourceVersion): string[] {
  // Unknown fields are found in every mode: Strict refuses them, Warn and Ignore drop them.
  const result = check(info, obj, mode === 'Strict' ? 'Strict' : 'Warn', custom);
  if (!result) return [];
  const duplicates = mode !== 'Ignore' && rawJson ? findDuplicateJsonFields(rawJson) : [];
  const err = fieldValidationError(info.kind, info.version, result, duplicates, mode);
  if (err) throw err;
  if (!custom) pruneUnknown(obj, result.warnings);
  return mode === 'Warn' ? [...duplicates, ...result.warnings] : [];
}

/**
 * Removes the unknown fields of a built-in object (`unknown field "spec.foo"`, with `[i]` for
 * list elements), as upstream's decoding into Go types drops them.
 */
export function pruneUnknown(obj: KubeObject, messages: string[]): void {
  for (const m of messages) {
    const path = /^unknown field "(.*)"$/.exec(m)?.[1];
    if (!path) continue;
    const parts = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
    let cur: unknown = obj;
    for (let i = 0; i < parts.length && cur && typeof cur === 'object'; i++) {
      const p = parts[i];
      const key: string | number = p.startsWith('[') ? Number(p.slice(1, -1)) : p;
      if (i === parts.length - 1) {
        if (!Array.isArray(cur)) delete (cur as Record<string, unknown>)[key as string];
      } else {
        cur = (cur as Record<string | number, unknown>)[key];
      }
    }
  }
}

/** The same checks on the result of a patch: upstream reports them as an invalid patch (422). */
export function checkPatchedFields(info: ResourceInfo, obj: KubeObject, mode: FieldValidationMode, patch: unknown, custom?: CustomResourceVersion): string[] {
  const result = check(info, obj, mode === 'Strict' ? 'Strict' : 'Warn', custom);
  if (!result) return [];
  if (result.decodeError !== undefined) throw patchValidationError(patch, result.decodeError);
  if (mode === 'Strict' && result.errors.length) throw patchValidationError(patch, `strict decoding error: ${result.errors.join(', ')}`);
  if (!custom) pruneUnknown(obj, result.warnings);
  return mode === 'Warn' ? result.warnings : [];
}
