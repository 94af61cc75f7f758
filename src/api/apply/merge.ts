// The merge step of server-side apply (structured-merge-diff's TypedValue.Merge): the applied
// configuration is laid over the live object, field by field where the schema says a node is
// granular, and as a whole where it is atomic.
//  - structs and granular maps merge key by key (live keys keep their order, new keys follow);
//  - keyed lists merge element by element (by list-map keys), set lists by value; live-only
//    elements keep their place, shared and new elements follow the applied order;
//  - atomic values, scalars and lists without a schema are replaced by the applied value;
//  - when the applied value is null or empty and the live one is not, a granular node keeps the
//    live content (null is a wildcard in the merge), as upstream does.

import { cloneJson } from '../patch/json-value.js';
import { listElement, childTypeInfo, type TypeInfo, type PathElement } from '../fieldmanager/index.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isGranularObject(info: TypeInfo): boolean {
  return info.kind === 'struct' || info.kind === 'map' || info.kind === 'deduced';
}

function isEmptyContainer(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.keys(v).length === 0;
  return false;
}

/** Merges `config` (the applied configuration) into `live`; neither input is modified. */
export function mergeApplied(live: unknown, config: unknown, info: TypeInfo): unknown {
  if (config === undefined) return cloneJson(live);
  if (live === undefined) return cloneJson(config);
  if (isEmptyContainer(live) && isEmptyContainer(config)) return cloneJson(config);
  if (isGranularObject(info)) {
    if (isObj(live) && (isObj(config) || config === null)) return mergeObject(live, config ?? {}, info);
    return cloneJson(config);
  }
  if (info.kind === 'keyedList' || info.kind === 'setList') {
    if (Array.isArray(live) && (Array.isArray(config) || config === null)) return mergeList(live, config ?? [], info);
    return cloneJson(config);
  }
  return cloneJson(config);
}

function mergeObject(live: Obj, config: Obj, info: TypeInfo): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(live)) out[k] = k in config ? mergeApplied(v, config[k], childTypeInfo(info, k)) : cloneJson(v);
  for (const [k, v] of Object.entries(config)) if (!(k in live)) out[k] = cloneJson(v);
  return out;
}

/**
 * Upstream's list merge order: walk both lists; live-only elements stay where they are, elements
 * in both appear in the applied order, elements only in the applied list are inserted where
 * the applied list has them.
 */
function mergeList(live: unknown[], config: unknown[], info: TypeInfo & { kind: 'keyedList' | 'setList' }): unknown[] {
  const element: TypeInfo = info.kind === 'keyedList' ? info.element : { kind: 'atomic' };
  const lhs = live.map((item) => ({ pe: listElement(info, item), item }));
  const rhs = config.map((item) => ({ pe: listElement(info, item), item }));
  const inLive = new Map<PathElement, unknown>();
  for (const { pe, item } of lhs) if (!inLive.has(pe)) inLive.set(pe, item);
  const inConfig = new Map<PathElement, unknown>();
  for (const { pe, item } of rhs) if (!inConfig.has(pe)) inConfig.set(pe, item);
  const shared = rhs.filter(({ pe }) => inLive.has(pe)).map(({ pe }) => pe);
  let nextShared = 0;
  const merged = new Set<PathElement>();
  const out: unknown[] = [];
  const take = (pe: PathElement) => {
    merged.add(pe);
    out.push(mergeApplied(inLive.get(pe), inConfig.get(pe), element));
    if (shared[nextShared] === pe) nextShared++;
  };
  let l = 0;
  let r = 0;
  while (l < lhs.length || r < rhs.length) {
    if (l < lhs.length && r < rhs.length) {
      const pe = lhs[l].pe;
      if (pe === rhs[r].pe) {
        if (!merged.has(pe)) take(pe);
        l++;
        r++;
        continue;
      }
      if (inConfig.has(pe) && nextShared < shared.length && shared[nextShared] !== pe) {
        l++; // a shared element that comes later in the applied order
        continue;
      }
    }
    if (l < lhs.length) {
      const { pe, item } = lhs[l];
      if (!inConfig.has(pe)) {
        out.push(cloneJson(item));
        l++;
        continue;
      }
      if (merged.has(pe)) {
        l++;
        continue;
      }
    }
    if (r < rhs.length) {
      const pe = rhs[r].pe;
      if (!merged.has(pe)) take(pe);
      r++;
    }
  }
  return out;
}
