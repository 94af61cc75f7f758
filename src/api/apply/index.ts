// Server-side apply: applyObject merges an applied configuration into the live object and keeps
// managedFields (ownership, conflicts, removal of fields a manager stops applying).
// crdSchemaNode gives custom resources their list/map semantics for apply and Update ownership.

export { applyObject, type ApplyInput } from './apply.js';
export { applyConflictError, fieldPathString, printManager, type Conflict } from './conflicts.js';
export { crdSchemaNode, type CrdFieldSchema } from './crd-schema-node.js';
export { lastAppliedAnnotation, buildLastApplied } from './last-applied.js';
export { mergeApplied } from './merge.js';
export { removeItems, ensureNamedFieldsAreMembers } from './remove.js';
