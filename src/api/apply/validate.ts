// The applied configuration must be well-formed for its list types (upstream builds its typed
// value without AllowDuplicates): keyed list elements are objects carrying every key field (or
// its default), and no element is listed twice. Live objects are merged tolerantly.

import { childTypeInfo, listElement, type TypeInfo } from '../fieldmanager/index.js';
import { fieldPathString } from './conflicts.js';
import { elementTypeInfo } from './remove.js';
import { keyDefaultsFor } from './key-defaults.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyedElementProblem(item: unknown, keys: string[], defaults: Record<string, unknown>): string | undefined {
  if (item === null) return 'associative list with keys may not have a null element';
  if (!isObj(item)) return 'associative list with keys may not have non-map elements';
  for (const k of keys) {
    if (item[k] === undefined && defaults[k] === undefined) return `associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`;
  }
  return undefined;
}

/**
 * Upstream's first list error in the configuration (`.spec.containers: duplicate entries for key
 * [name="a"]`, `.spec.containers: element 0: associative list with keys has an element that omits
 * key field "name" …`), or undefined.
 */
export function findListProblem(value: unknown, info: TypeInfo, path: string[] = []): string | undefined {
  if (isObj(value) && (info.kind === 'struct' || info.kind === 'map' || info.kind === 'deduced')) {
    for (const [k, v] of Object.entries(value)) {
      const found = findListProblem(v, childTypeInfo(info, k), [...path, `f:${k}`]);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(value) && (info.kind === 'keyedList' || info.kind === 'setList')) {
    const seen = new Set<string>();
    const defaults = keyDefaultsFor(info) ?? {};
    for (const [i, item] of value.entries()) {
      if (info.kind === 'keyedList') {
        const bad = keyedElementProblem(item, info.keys, defaults);
        if (bad) return `${fieldPathString(path)}: element ${i}: ${bad}`;
      }
      const pe = listElement(info, item);
      if (seen.has(pe)) {
        return `${fieldPathString(path)}: duplicate entries for key ${fieldPathString([pe])}`;
      }
      seen.add(pe);
      const found = findListProblem(item, elementTypeInfo(info), [...path, pe]);
      if (found) return found;
    }
  }
  return undefined;
}
