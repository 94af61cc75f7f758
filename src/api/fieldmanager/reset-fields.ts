// The fields a write may not own because the resource's strategy resets them (upstream's
// GetResetFields per strategy). Upstream lists them per resource; the common shape, used here, is:
// a write to the main resource cannot set `status` (when there is a status subresource), and a
// write to /status can only set status, so `spec` and `metadata` are reset there (this is exactly
// what custom resources do; built-in status strategies reset `spec` and some metadata fields).

import { PathSet, fieldElement } from './fieldpath.js';

/** Reset fields for a write to `subresource` ('' or undefined = the main resource). */
export function defaultResetFields(subresource: string | undefined, hasStatusSubresource: boolean): PathSet {
  if (subresource === 'status') return PathSet.of([fieldElement('spec')], [fieldElement('metadata')]);
  if (!subresource && hasStatusSubresource) return PathSet.of([fieldElement('status')]);
  return new PathSet();
}
