// Label and field selectors: parse, build from objects, match.
export * from './labels.js';
export { parseLabelSelector } from './label-parser.js';
export * from './fields.js';
export * from './selectable-fields.js';
export { isQualifiedName, isLabelKey, isValidLabelValue, isDNS1123Subdomain } from './label-validation.js';
