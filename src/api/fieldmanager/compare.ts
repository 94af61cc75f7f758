// The field-level difference of two versions of an object (structured-merge-diff's Compare) and the
// field set of one object (ToFieldSet). Leaves — scalars and atomic values — are added, removed or
// modified; a granular node (struct, map, keyed/set list element) is itself added or removed when
// it appears or disappears, which is what puts "." into FieldsV1.

import { jsonEqual } from '../patch/json-value.js';
import { PathSet, fieldElement, keyElement, valueElement, type Path, type PathElement } from './fieldpath.js';
import { childTypeInfo, withGoZeroValues, type TypeInfo } from './type-info.js';

export interface Comparison {
  added: PathSet;
  modified: PathSet;
  removed: PathSet;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The path element of a list element: `k:{…}` by key fields (those present), or `v:` by value. */
export function listElement(info: TypeInfo, item: unknown): PathElement {
  if (info.kind === 'keyedList' && isObj(item)) {
    const key: Obj = {};
    for (const k of info.keys) if (Object.prototype.hasOwnProperty.call(item, k)) key[k] = item[k];
    return keyElement(key);
  }
  return valueElement(item);
}

/** A granular object's value for walking: Go zero values filled in for structs. */
function objectView(info: TypeInfo, v: unknown): Obj | undefined {
  if (!isObj(v)) return undefined;
  return info.kind === 'struct' ? withGoZeroValues(info.node, v) : v;
}

function isGranularObject(info: TypeInfo): boolean {
  return info.kind === 'struct' || info.kind === 'map' || info.kind === 'deduced';
}

/** Compares `lhs` (old) with `rhs` (new) of type `info`. `undefined` means absent. */
export function compareObjects(lhs: unknown, rhs: unknown, info: TypeInfo): Comparison {
  const c: Comparison = { added: new PathSet(), modified: new PathSet(), removed: new PathSet() };
  walk(c, [], lhs, rhs, info);
  return c;
}

function leaf(c: Comparison, path: Path, lhs: unknown, rhs: unknown): void {
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!jsonEqual(lhs, rhs)) c.modified.insert(path);
}

function walk(c: Comparison, path: Path, lhs: unknown, rhs: unknown, info: TypeInfo): void {
  if (lhs === undefined && rhs === undefined) return;
  if (isGranularObject(info) && (isObj(lhs) || isObj(rhs))) {
    walkObject(c, path, lhs, rhs, info);
  } else if ((info.kind === 'keyedList' || info.kind === 'setList') && (Array.isArray(lhs) || Array.isArray(rhs))) {
    walkList(c, path, lhs, rhs, info);
  } else {
    leaf(c, path, lhs, rhs);
  }
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
}

function walkObject(c: Comparison, path: Path, lhs: unknown, rhs: unknown, info: TypeInfo): void {
  // The value changed shape (object ↔ scalar or list): the node itself is modified, and the object
  // side's fields count as removed (or added), as upstream walks both shapes.
  if ((lhs !== undefined && lhs !== null && !isObj(lhs)) || (rhs !== undefined && rhs !== null && !isObj(rhs))) {
    const side = objectView(info, isObj(lhs) ? lhs : rhs);
    for (const [k, v] of Object.entries(side ?? {})) {
      const p = [...path, fieldElement(k)];
      if (isObj(lhs)) walk(c, p, v, undefined, childTypeInfo(info, k));
      else walk(c, p, undefined, v, childTypeInfo(info, k));
    }
    leaf(c, path, lhs, rhs);
    return;
  }
  const l = objectView(info, lhs);
  const r = objectView(info, rhs);
  const lEmpty = !l || Object.keys(l).length === 0;
  const rEmpty = !r || Object.keys(r).length === 0;
  if (lEmpty && rEmpty) {
    // Both empty or null: compared as a leaf, keeping the empty/null distinction.
    leaf(c, path, lhs, rhs);
    return;
  }
  const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})]);
  for (const k of keys) {
    walk(c, [...path, fieldElement(k)], l?.[k], r?.[k], childTypeInfo(info, k));
  }
}

function walkList(c: Comparison, path: Path, lhs: unknown, rhs: unknown, info: TypeInfo & { kind: 'keyedList' | 'setList' }): void {
  if ((lhs !== undefined && lhs !== null && !Array.isArray(lhs)) || (rhs !== undefined && rhs !== null && !Array.isArray(rhs))) {
    leaf(c, path, lhs, rhs);
    return;
  }
  const l = Array.isArray(lhs) ? lhs : [];
  const r = Array.isArray(rhs) ? rhs : [];
  if (l.length === 0 && r.length === 0) {
    leaf(c, path, lhs, rhs);
    return;
  }
  const element: TypeInfo = info.kind === 'keyedList' ? info.element : { kind: 'atomic' };
  const order: PathElement[] = [];
  const groups = new Map<PathElement, { l: unknown[]; r: unknown[] }>();
  const group = (pe: PathElement) => {
    let g = groups.get(pe);
    if (!g) {
      g = { l: [], r: [] };
      groups.set(pe, g);
      order.push(pe);
    }
    return g;
  };
  for (const item of l) group(listElement(info, item)).l.push(item);
  for (const item of r) group(listElement(info, item)).r.push(item);

  for (const pe of order) {
    const g = groups.get(pe)!;
    const p = [...path, pe];
    if (g.l.length <= 1 && g.r.length <= 1) {
      walk(c, p, g.l[0], g.r[0], element);
    } else if (g.l.length >= 2 && g.r.length >= 2) {
      // Duplicated keys on both sides (allowed in old objects): compared as a whole.
      if (!jsonEqual(g.l, g.r)) c.modified.insert(p);
    } else if (g.l.length >= 2) {
      if (g.r.length > 0) walk(c, p, undefined, g.r[0], element);
      c.removed.insert(p);
    } else {
      if (g.l.length > 0) walk(c, p, g.l[0], undefined, element);
      c.added.insert(p);
    }
  }
}

/**
 * Every field path of `value` (structured-merge-diff's ToFieldSet): leaves and atomic values,
 * list elements, and map keys; empty or null struct fields are included as leaves.
 */
export function fieldSetOf(value: unknown, info: TypeInfo): PathSet {
  const s = new PathSet();
  collect(s, [], value, info);
  return s;
}

function collect(s: PathSet, path: Path, v: unknown, info: TypeInfo): void {
  if (isGranularObject(info) && isObj(v)) {
    for (const [k, child] of Object.entries(v)) {
      const p = [...path, fieldElement(k)];
      const childInfo = childTypeInfo(info, k);
      collect(s, p, child, childInfo);
      const declared = info.kind === 'struct' && info.node.field(k) !== undefined;
      if (child === null || (isObj(child) && Object.keys(child).length === 0) || !declared) s.insert(p);
    }
    return;
  }
  if ((info.kind === 'keyedList' || info.kind === 'setList') && Array.isArray(v)) {
    const element: TypeInfo = info.kind === 'keyedList' ? info.element : { kind: 'atomic' };
    const counts = new Map<PathElement, number>();
    for (const item of v) counts.set(listElement(info, item), (counts.get(listElement(info, item)) ?? 0) + 1);
    for (const item of v) {
      const pe = listElement(info, item);
      const p = [...path, pe];
      // Elements sharing a key (tolerated in old objects) are owned as a whole.
      if (counts.get(pe) === 1) collect(s, p, item, element);
      s.insert(p);
    }
    return;
  }
  s.insert(path);
}
