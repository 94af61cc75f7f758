// Field manager names: the `fieldManager` query parameter, or a name derived from the User-Agent
// when it is absent (upstream managerOrUserAgent). kubectl names itself per command
// (kubectl-create, kubectl-edit, kubectl-client-side-apply, kubectl-patch, kubectl-label, …)
// through the parameter; clients that send none are named by their user agent's product token.

import { fieldErrors, type FieldError } from '../errors.js';

/** Upstream's FieldManagerMaxLength (bytes). */
export const fieldManagerMaxLength = 128;

/** Names with a meaning upstream. */
export const wellKnownManagers = {
  /** Owner of the fields an object had before its first server-side apply. */
  beforeFirstApply: 'before-first-apply',
  /** The bucket the oldest Update entries are folded into. */
  ancientChanges: 'ancient-changes',
  /** kubectl's client-side apply. */
  kubectlClientSideApply: 'kubectl-client-side-apply',
  /** Used when neither a manager nor a user agent is given. */
  unknown: 'unknown',
} as const;

/** Unicode "printable" as Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
function isPrint(ch: string): boolean {
  if (ch === ' ') return true;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

/** The manager name upstream derives from a User-Agent: the text before the first "/", printable characters only, at most 128 bytes. */
export function managerFromUserAgent(userAgent: string): string {
  const product = userAgent.split('/')[0];
  let out = '';
  let bytes = 0;
  for (const ch of product) {
    if (!isPrint(ch)) continue;
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > fieldManagerMaxLength) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** The `fieldManager` parameter if given, else the name derived from the user agent. */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return managerFromUserAgent(userAgent ?? '');
}

/**
 * Validates a `fieldManager` parameter as upstream (at most 128 bytes, printable characters).
 * The caller wraps the errors as upstream does, e.g.
 * `errors.invalid('meta.k8s.io', 'UpdateOptions', '', errs)`.
 */
export function validateFieldManager(fieldManager: string, path = 'fieldManager'): FieldError[] {
  const errs: FieldError[] = [];
  if (Buffer.byteLength(fieldManager, 'utf8') > fieldManagerMaxLength) errs.push(fieldErrors.tooLong(path, fieldManager, fieldManagerMaxLength));
  let pos = 0;
  for (const ch of fieldManager) {
    if (!isPrint(ch)) {
      const cp = ch.codePointAt(0) ?? 0;
      errs.push(fieldErrors.invalid(path, fieldManager, `invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${pos})`));
    }
    pos += Buffer.byteLength(ch, 'utf8');
  }
  return errs;
}
