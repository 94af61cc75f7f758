// Server-side apply: applyObject merges an applied configuration into the live object and keeps
// managedFields (ownership, conflicts, removal of fields a manager stops applying).

export { applyObject, type ApplyInput } from './apply.js';
export { applyConflictError, fieldPathString, printManager, type Conflict } from './conflicts.js';
export { lastAppliedAnnotation, buildLastApplied } from './last-applied.js';
export { mergeApplied } from './merge.js';
export { removeItems, ensureNamedFieldsAreMembers } from './remove.js';
