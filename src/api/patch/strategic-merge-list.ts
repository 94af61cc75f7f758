// List handling of strategic merge patch: merging lists of maps by their merge key, unioning lists
// of primitives, `$patch: delete | replace` list elements, the `$deleteFromPrimitiveList` parallel
// list, and the element order rules (upstream's "preserve order" design: patch items keep the patch's
// order, server-only items keep the live order, and the two are interleaved by the live order).

import { isJsonObject, type JsonObject } from './json-value.js';
import type { PatchLookup } from './patch-meta.js';
import { smpErrors, smpMessages } from './strategic-merge-errors.js';

export const directiveMarker = '$patch';

/** The element kind of one or more lists, as upstream's sliceElementType checks it. */
export type ElementKind = 'map' | 'scalar';

/** Merges `patch` into an object; supplied by the map half to avoid an import cycle. */
export type MapMerger = (original: JsonObject, patch: JsonObject, schema: PatchLookup | undefined) => JsonObject;

function typeTag(v: unknown): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (isJsonObject(v)) return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v;
}

/** All elements must share one type and not be lists; throws upstream's errors otherwise. */
export function sliceElementKind(...lists: unknown[][]): ElementKind {
  let prev: string | undefined;
  for (const l of lists) {
    for (const v of l) {
      const t = typeTag(v);
      if (prev === undefined) {
        prev = t;
        if (t === 'slice') throw smpErrors.unprocessable(smpMessages.noListOfLists);
      } else if (prev !== t) {
        throw smpErrors.failed(`list element types are not identical: [${lists.map((x) => formatList(x)).join(' ')}]`);
      }
    }
  }
  if (prev === undefined) throw smpErrors.failed('no elements in any of the given slices');
  return prev === 'map' ? 'map' : 'scalar';
}

function formatList(l: unknown[]): string {
  return JSON.stringify(l);
}

/** The value an element is identified by: its merge key value for maps, itself otherwise. */
function identity(item: unknown, mergeKey: string, kind: ElementKind): unknown {
  if (kind === 'map') return isJsonObject(item) ? item[mergeKey] : undefined;
  return item;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  const id = identity(item, mergeKey, kind);
  return list.findIndex((x) => identity(x, mergeKey, kind) === id);
}

export function findByMergeKey(list: unknown[], mergeKey: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isJsonObject(item)) throw smpErrors.failed(`value for key ${i} is not a map`);
    if (Object.prototype.hasOwnProperty.call(item, mergeKey) && item[mergeKey] === value) return i;
  }
  return -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const l of lists) {
    for (const item of l) {
      if (!isJsonObject(item)) throw smpErrors.badArgType('map', item);
      if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
    }
  }
}

/** Splits list-of-map elements into kept ones and `$patch: delete` ones. */
export function extractToDeleteItems(list: unknown[]): { keep: unknown[]; remove: unknown[] } {
  const keep: unknown[] = [];
  const remove: unknown[] = [];
  for (const v of list) {
    if (!isJsonObject(v)) throw smpErrors.badArgType('map', v);
    if (v[directiveMarker] === 'delete') remove.push(v);
    else keep.push(v);
  }
  return { keep, remove };
}

/** Stable sort of `toSort` by position in `order`; `$patch: delete` elements go last. */
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let items = toSort;
  let deleted: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    const split = extractToDeleteItems(toSort);
    items = split.keep;
    deleted = split.remove;
  }
  const pos = (x: unknown) => {
    const i = indexIn(order, x, mergeKey, kind);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const sorted = items.map((x, i) => ({ x, i, p: pos(x) })).sort((a, b) => a.p - b.p || a.i - b.i).map((e) => e.x);
  return [...sorted, ...deleted];
}

/**
 * Orders the patch items by `patchOrder` and the server-only items by `serverOrder`, then
 * interleaves them: a server-only item goes first only when the live order puts it before the
 * next patch item.
 */
export function normalizeElementOrder(
  patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind,
): unknown[] {
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Partitions `items` into those present in `by` (by value, or by merge key) and the rest. */
export function partitionByPresence(items: unknown[], by: unknown[], mergeKey: string): { inPatch: unknown[]; serverOnly: unknown[] } {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of items) {
    let found: boolean;
    if (mergeKey === '') {
      found = by.some((x) => x === v);
    } else {
      if (!isJsonObject(v)) throw smpErrors.badArgType('map', v);
      if (!Object.prototype.hasOwnProperty.call(v, mergeKey)) throw smpErrors.noMergeKey(v, mergeKey);
      found = findByMergeKey(by, mergeKey, v[mergeKey]) >= 0;
    }
    (found ? inPatch : serverOnly).push(v);
  }
  return { inPatch, serverOnly };
}

/**
 * The live list as upstream's caller still sees it after merging. Upstream merges lists of maps in
 * place: deleting an element shifts the rest left inside the same Go backing array, and appending
 * new elements reuses the freed slots. The caller keeps using its old slice header over that array
 * as the "live order" when it then applies `$setElementOrder`, and that shifted order decides where
 * server-only items land — so we replay the same slice mechanics to get identical list orders.
 */
class GoSliceReplay {
  private readonly backing: unknown[];
  private readonly cap: number;
  private len: number;
  private detached: unknown[] | undefined;

  constructor(items: unknown[]) {
    this.backing = [...items];
    this.cap = items.length; // the apiserver's unstructured lists have cap == len
    this.len = items.length;
  }

  items(): unknown[] {
    return this.detached ? [...this.detached] : this.backing.slice(0, this.len);
  }

  deleteAt(i: number): void {
    if (this.detached) {
      this.detached.splice(i, 1);
      return;
    }
    for (let j = i; j < this.len - 1; j++) this.backing[j] = this.backing[j + 1];
    this.len--;
  }

  set(i: number, v: unknown): void {
    if (this.detached) this.detached[i] = v;
    else this.backing[i] = v;
  }

  append(v: unknown): void {
    if (this.detached) this.detached.push(v);
    else if (this.len < this.cap) this.backing[this.len++] = v;
    else this.detached = [...this.backing.slice(0, this.len), v]; // Go reallocates: the view no longer changes
  }

  /** What a slice header of the original length over the original array now reads. */
  originalView(): unknown[] {
    return this.backing.slice(0, this.cap);
  }
}

/** A field's list value merged per its strategy; lists without the merge strategy are replaced. */
export function mergeSliceHandler(
  original: unknown, patch: unknown, schema: PatchLookup | undefined, strategy: string, mergeKey: string,
  isDeleteList: boolean, mergeMap: MapMerger,
): unknown[] {
  return mergeSliceHandlerWithView(original, patch, schema, strategy, mergeKey, isDeleteList, mergeMap).merged;
}

/** As mergeSliceHandler, also returning the original list as upstream's caller sees it afterwards. */
export function mergeSliceHandlerWithView(
  original: unknown, patch: unknown, schema: PatchLookup | undefined, strategy: string, mergeKey: string,
  isDeleteList: boolean, mergeMap: MapMerger,
): { merged: unknown[]; originalView: unknown[] } {
  if (!Array.isArray(original)) throw smpErrors.badArgType('slice', original);
  if (!Array.isArray(patch)) throw smpErrors.badArgType('slice', patch);
  if (strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList, mergeMap);
  return { merged: patch, originalView: original };
}

function mergeSlice(
  original: unknown[], patch: unknown[], schema: PatchLookup | undefined, mergeKey: string, isDeleteList: boolean, mergeMap: MapMerger,
): { merged: unknown[]; originalView: unknown[] } {
  if (original.length === 0 && patch.length === 0) return { merged: original, originalView: original };
  const kind = sliceElementKind(original, patch);
  if (kind !== 'map') {
    // The parallel `$deleteFromPrimitiveList/<field>` list removes values.
    if (isDeleteList) return { merged: original.filter((v) => !patch.some((d) => d === v)), originalView: original };
    const merged: unknown[] = [];
    for (const v of [...original, ...patch]) if (!merged.some((m) => m === v)) merged.push(v);
    const parts = partitionByPresence(merged, patch, '');
    return { merged: normalizeElementOrder(parts.inPatch, parts.serverOnly, patch, original, '', kind), originalView: original };
  }
  if (mergeKey === '') throw smpErrors.failed(`cannot merge lists without merge key for ${schema?.name ?? 'interface {}'}`);
  const live = new GoSliceReplay(original);
  const special = mergeSliceWithSpecialElements(live, patch, mergeKey);
  const serverOrder = special.replacement ?? live.items();
  const target = special.replacement ? new GoSliceReplay(special.replacement) : live;
  const patchItems = special.replacement ? [] : special.patch;
  mergeSliceWithoutSpecialElements(target, patchItems, mergeKey, schema, mergeMap);
  const parts = partitionByPresence(target.items(), patchItems, mergeKey);
  return {
    merged: normalizeElementOrder(parts.inPatch, parts.serverOnly, patchItems, serverOrder, mergeKey, kind),
    originalView: live.originalView(),
  };
}

/**
 * Applies `$patch` list elements: delete removes matching live items (in place), replace makes the
 * patch's plain elements the whole list. Returns the plain elements.
 */
function mergeSliceWithSpecialElements(live: GoSliceReplay, patch: unknown[], mergeKey: string): { patch: unknown[]; replacement?: unknown[] } {
  const plain: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!Object.prototype.hasOwnProperty.call(item, directiveMarker)) {
      plain.push(v);
      continue;
    }
    const directive = item[directiveMarker];
    if (directive === 'delete') {
      if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
      for (let at = findByMergeKey(live.items(), mergeKey, item[mergeKey]); at >= 0; at = findByMergeKey(live.items(), mergeKey, item[mergeKey])) {
        live.deleteAt(at);
      }
    } else if (directive === 'replace') {
      replace = true; // keep scanning so other `$patch` elements are dropped too
    } else if (directive === 'merge') {
      throw smpErrors.failed('merging lists cannot yet be specified in the patch');
    } else {
      throw smpErrors.badPatchType(directive, item);
    }
  }
  return replace ? { patch: [], replacement: plain } : { patch: plain };
}

function mergeSliceWithoutSpecialElements(
  target: GoSliceReplay, patch: unknown[], mergeKey: string, schema: PatchLookup | undefined, mergeMap: MapMerger,
): void {
  for (const v of patch) {
    const item = v as JsonObject;
    if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
    const items = target.items();
    const at = findByMergeKey(items, mergeKey, item[mergeKey]);
    if (at >= 0) target.set(at, mergeMap(items[at] as JsonObject, item, schema));
    else target.append(v);
  }
}
