// Apply conflicts and their 409 error, worded as upstream's managedfields NewConflictError:
//   one:  Apply failed with 1 conflict: conflict with "mgr" using v1: .data.owner
//   many: Apply failed with 2 conflicts: conflicts with "a" using v1:\n- .data.x\n- .data.y
// (managers sorted by their identity, each cause `conflict with "mgr"…` naming the field).
// Update managers print with their apiVersion, Apply managers by name only, and a subresource
// as `"mgr" with subresource "status"`.

import { StatusError, type StatusCause } from '../errors.js';
import { comparePathElements, managerIdentity, type Managed, type Path } from '../fieldmanager/index.js';

export interface Conflict {
  manager: Managed;
  path: Path;
}

/** A JSON value as structured-merge-diff's value.ToString prints it. */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${k}=${valueString((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return String(v);
}

/** A field path as structured-merge-diff prints it: `.spec.containers[name="app"].image`, `.metadata.finalizers[="x"]`. */
export function fieldPathString(path: Path): string {
  return path.map((pe) => {
    const rest = pe.slice(2);
    switch (pe.slice(0, 2)) {
      case 'f:':
        return `.${rest}`;
      case 'k:': {
        const key = JSON.parse(rest) as Record<string, unknown>;
        return `[${Object.keys(key).sort().map((k) => `${k}=${valueString(key[k])}`).join(',')}]`;
      }
      case 'v:':
        return `[=${valueString(JSON.parse(rest))}]`;
      case 'i:':
        return `[${rest}]`;
      default:
        return pe;
    }
  }).join('');
}

export function printManager(m: Managed): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s = `${s} with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s = `${s} using ${m.apiVersion}`;
  return s;
}

/**
 * Upstream's set iteration order: at each level the paths ending there come first (in element
 * order), then the longer paths, grouped by their element.
 */
export function compareConflictPaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const aEnds = i === a.length - 1;
    const bEnds = i === b.length - 1;
    if (aEnds !== bEnds) return aEnds ? -1 : 1;
    if (a[i] !== b[i]) return comparePathElements(a[i], b[i]);
  }
  return a.length - b.length;
}

/** The 409 Conflict StatusError for apply conflicts. */
export function applyConflictError(conflicts: Conflict[]): StatusError {
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const id = managerIdentity(c.manager);
    byManager.set(id, [...(byManager.get(id) ?? []), c]);
  }
  const ids = [...byManager.keys()].sort();
  for (const group of byManager.values()) group.sort((x, y) => compareConflictPaths(x.path, y.path));
  const ordered = ids.flatMap((id) => byManager.get(id)!);
  const causes: StatusCause[] = ordered.map((c) => ({
    reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: fieldPathString(c.path),
  }));
  let message: string;
  if (ordered.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(ordered[0].manager)}: ${fieldPathString(ordered[0].path)}`;
  } else {
    const lines: string[] = [];
    for (const id of ids) {
      const group = byManager.get(id)!;
      lines.push(`conflicts with ${printManager(group[0].manager)}:`);
      for (const c of group) lines.push(`- ${fieldPathString(c.path)}`);
    }
    message = `Apply failed with ${ordered.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
