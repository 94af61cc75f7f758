// Schema-driven field validation of request bodies (fieldValidation=Strict|Warn|Ignore) and
// decode-time type checks, matching kube-apiserver's strict JSON decoding.
export { checkFields, createFieldChecker, type FieldChecker, type FieldCheckResult, type FieldValidationMode } from './checker.js';
export { findDuplicateJsonFields } from './duplicates.js';
export { findDuplicateYamlFields } from './yaml-duplicates.js';
export { cannotBeHandled, fieldValidationError, goValueString, patchValidationError, strictDecodingMessage, warningHeaderValue } from './status.js';
export { quantityError, timeError, durationError, base64Error } from './formats.js';
export { createCustomResourceFieldChecker, type CustomResourceFieldChecker } from './custom-resource.js';
