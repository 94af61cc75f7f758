// Semantic validation of built-in kinds, called by the API server on every create and update
// (upstream's per-strategy Validate / ValidateUpdate / status ValidateUpdate). Input is decoded
// JSON of the right shape in the common case, but any field may carry a wrong type: validation
// reports FieldErrors for that and never throws. Unknown kinds (custom resources) get no errors.
//
// What the caller is expected to have done, as upstream's generic store does:
// - applied applyDefaults (../defaulting) to the body first: the rules assume defaulted objects
//   (a Pod without restartPolicy is invalid here, as it would be upstream after defaulting);
// - on create, set metadata.uid before validating: a Job's selector is generated here, inside
//   create validation, exactly where upstream's job strategy does it (the body is mutated);
// - on update, copied metadata.resourceVersion (and uid, creationTimestamp) from the stored
//   object for unconditional writes, or "must be specified for an update" is reported;
// - kept subresources other than status, scale and finalize away from validateObjectUpdate:
//   pods/binding, pods/resize and pods/ephemeralcontainers have their own rules upstream (pod
//   updates here accept added ephemeral containers, nothing else).
import { FieldError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { generateJobSelector } from './batch/job.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';
import { rulesFor } from './registry.js';
import type { KindContext } from './rules.js';
import type { J } from './value.js';

export interface ValidateOptions { namespaced: boolean }

/** A bug in a rule becomes an error response, not a crashed request. */
function guarded(field: string, fn: () => FieldError[]): FieldError[] {
  try {
    return fn();
  } catch (e) {
    return [new FieldError('InternalError', field, undefined, `validation failed: ${e instanceof Error ? e.message : String(e)}`)];
  }
}

/** Whether a built-in group/kind has semantic rules here (custom resources do not). */
export function hasValidationRules(group: string, kind: string): boolean {
  return rulesFor(group, kind) !== undefined;
}

export function validateObject(group: string, version: string, kind: string, obj: KubeObject, opts: ValidateOptions): FieldError[] {
  const rules = rulesFor(group, kind);
  if (!rules) return [];
  const ctx: KindContext = { group, version, kind, namespaced: opts.namespaced };
  return guarded('', () => {
    // Upstream generates a Job's selector inside create validation, once the uid exists.
    if (group === 'batch' && kind === 'Job') generateJobSelector(obj as J);
    const errs = validateObjectMeta(obj.metadata, { namespaced: opts.namespaced, nameFn: rules.name ?? nameIsDNSSubdomain });
    if (rules.create) errs.push(...rules.create(obj as J, ctx));
    return errs;
  });
}

export function validateObjectUpdate(group: string, version: string, kind: string, obj: KubeObject, old: KubeObject, opts: ValidateOptions): FieldError[] {
  const rules = rulesFor(group, kind);
  if (!rules) return [];
  const ctx: KindContext = { group, version, kind, namespaced: opts.namespaced };
  return guarded('', () => {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    if (rules.update) errs.push(...rules.update(obj as J, old as J, ctx));
    else if (rules.create) errs.push(...rules.create(obj as J, ctx));
    return errs;
  });
}

export function validateStatusUpdate(group: string, version: string, kind: string, obj: KubeObject, old: KubeObject, opts: ValidateOptions): FieldError[] {
  const rules = rulesFor(group, kind);
  if (!rules) return [];
  const ctx: KindContext = { group, version, kind, namespaced: opts.namespaced };
  return guarded('', () => {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    if (rules.status) errs.push(...rules.status(obj as J, old as J, ctx));
    return errs;
  });
}

