// Removing fields a manager stopped applying (structured-merge-diff's RemoveItems and
// EnsureNamedFieldsAreMembers, as used by the updater's prune step).

import { PathSet, childTypeInfo, listElement, type TypeInfo } from '../fieldmanager/index.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The type of one element of a keyed or set list. */
export function elementTypeInfo(info: TypeInfo): TypeInfo {
  return info.kind === 'keyedList' ? info.element : { kind: 'atomic' };
}

/** The type below one path element (`f:` for fields and map keys, `k:`/`v:` for list elements). */
export function stepTypeInfo(info: TypeInfo, element: string): TypeInfo {
  if (element.startsWith('f:')) return childTypeInfo(info, element.slice(2));
  return elementTypeInfo(info);
}

/**
 * The set plus every schema-declared struct field that has paths below it. Field sets only
 * record leaves, so without this a struct field (`spec.strategy`) would never count as owned
 * and would be left behind empty after its contents were pruned; map keys are not added.
 */
export function ensureNamedFieldsAreMembers(set: PathSet, info: TypeInfo): PathSet {
  const out = set.clone();
  for (const path of set.paths()) {
    let t = info;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i];
      if (pe.startsWith('f:') && t.kind === 'struct' && t.node.field(pe.slice(2))) out.insert(path.slice(0, i + 1));
      t = stepTypeInfo(t, pe);
    }
  }
  return out;
}

/**
 * A copy of `value` without the paths in `toRemove`: a path in the set drops its whole node; a
 * node with set paths below it loses those, and stays (possibly empty, as upstream now keeps
 * emptied containers rather than nulling them).
 */
export function removeItems(value: unknown, toRemove: PathSet, info: TypeInfo): unknown {
  if (toRemove.empty()) return value;
  if (isObj(value) && (info.kind === 'struct' || info.kind === 'map' || info.kind === 'deduced')) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      const pe = `f:${k}`;
      if (toRemove.has([pe])) continue;
      const below = toRemove.child(pe);
      out[k] = below && !below.empty() ? removeItems(v, below, childTypeInfo(info, k)) : v;
    }
    return out;
  }
  if (Array.isArray(value) && (info.kind === 'keyedList' || info.kind === 'setList')) {
    const out: unknown[] = [];
    for (const item of value) {
      const pe = listElement(info, item);
      if (toRemove.has([pe])) continue;
      const below = toRemove.child(pe);
      out.push(below && !below.empty() ? removeItems(item, below, elementTypeInfo(info)) : item);
    }
    return out;
  }
  return value;
}
