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
  const result = check(info, obj, mode, custom);
  if (!result) return [];
  const duplicates = mode !== 'Ignore' && rawJson ? findDuplicateJsonFields(rawJson) : [];
  const err = fieldValidationError(info.kind, info.version, result, duplicates, mode);
  if (err) throw err;
  return mode === 'Warn' ? [...duplicates, ...result.warnings] : [];
}

/** The same checks on the result of a patch: upstream reports them as an invalid patch (422). */
export function checkPatchedFields(info: ResourceInfo, obj: KubeObject, mode: FieldValidationMode, patch: unknown, custom?: CustomResourceVersion): string[] {
  const result = check(info, obj, mode, custom);
  if (!result) return [];
  if (result.decodeError !== undefined) throw patchValidationError(patch, result.decodeError);
  if (mode === 'Strict' && result.errors.length) throw patchValidationError(patch, `strict decoding error: ${result.errors.join(', ')}`);
  return mode === 'Warn' ? result.warnings : [];
}
