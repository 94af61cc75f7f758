// Schema-driven checks of a request body before it reaches the registry: type errors always
// fail (400, naming the field); unknown and duplicate fields follow the fieldValidation
// directive (Strict: 400 "strict decoding error: …"; Warn: Warning headers; Ignore: nothing).
import type { ResourceInfo } from '../api/resources/types.js';
import type { KubeObject } from '../api/types.js';
import { errors } from '../api/errors.js';
import { builtinSchemas } from '../api/schema/index.js';
import { checkFields, findDuplicateJsonFields } from '../api/fieldvalidation/index.js';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

/** Returns the warnings to send; throws a StatusError for rejected bodies. */
export function checkBodyFields(info: ResourceInfo, obj: KubeObject, mode: FieldValidationMode, rawJson?: string): string[] {
  if (!builtinSchemas.kindMessage(info.group, info.version, info.kind)) return [];
  const result = checkFields(builtinSchemas, info.group, info.version, info.kind, obj, mode);
  if (result.typeErrors.length) {
    throw errors.badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${result.typeErrors.map((e: { toString(): string }) => e.toString()).join(', ')}`);
  }
  const duplicates = mode !== 'Ignore' && rawJson ? findDuplicateJsonFields(rawJson) : [];
  if (mode === 'Strict') {
    const problems = [...duplicates, ...result.errors];
    if (problems.length) throw errors.badRequest(`strict decoding error: ${problems.join(', ')}`);
    return [];
  }
  return mode === 'Warn' ? [...duplicates, ...result.warnings] : [];
}
