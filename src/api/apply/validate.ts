// The applied configuration may not list one keyed or set list element twice (upstream builds its
// typed value without AllowDuplicates). Live objects may, and are merged tolerantly.

import { childTypeInfo, listElement, type TypeInfo } from '../fieldmanager/index.js';
import { fieldPathString } from './conflicts.js';
import { elementTypeInfo } from './remove.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Upstream's first "duplicate entries for key" message (`.spec.containers: duplicate entries for key [name="a"]`), or undefined. */
export function findDuplicateKeys(value: unknown, info: TypeInfo, path: string[] = []): string | undefined {
  if (isObj(value) && (info.kind === 'struct' || info.kind === 'map' || info.kind === 'deduced')) {
    for (const [k, v] of Object.entries(value)) {
      const found = findDuplicateKeys(v, childTypeInfo(info, k), [...path, `f:${k}`]);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(value) && (info.kind === 'keyedList' || info.kind === 'setList')) {
    const seen = new Set<string>();
    for (const item of value) {
      const pe = listElement(info, item);
      if (seen.has(pe)) {
        return `${fieldPathString(path)}: duplicate entries for key ${fieldPathString([pe])}`;
      }
      seen.add(pe);
      const found = findDuplicateKeys(item, elementTypeInfo(info), [...path, pe]);
      if (found) return found;
    }
  }
  return undefined;
}
