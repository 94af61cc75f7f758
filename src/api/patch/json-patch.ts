// RFC 6902 JSON patch with the behaviour of the library the apiserver uses (evanphx/json-patch
// v4.12): `-` appends, negative indices count from the end, `remove` needs an existing target,
// `replace` needs an existing list index but sets object keys unconditionally, `test` compares
// structurally and accepts null for a missing target. Upstream answers any application failure
// with a bare 422 Invalid ("the server rejected our request due to an error in our request") —
// the detailed reason is not sent, so we keep it only as the error's cause for logs.

import { StatusError, errors } from '../errors.js';
import { cloneJson, isJsonObject, jsonEqual } from './json-value.js';

/** Upstream's cap on operations per JSON patch (apiserver maxJSONPatchOperations). */
export const maxJSONPatchOperations = 10000;

/** One operation as decoded; its fields are checked when it is applied, as the v4 library does. */
export interface JsonPatchOperation {
  op?: unknown;
  path?: unknown;
  from?: unknown;
  /** Absent and null both read as JSON null. */
  value?: unknown;
}

/** The failure of one operation; turned into upstream's 422 by `applyJsonPatch`. */
export class JsonPatchApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchApplyError';
  }
}

export function jsonPatchRejected(cause: unknown): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {}, { cause });
}

function jsonKindForGo(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * Checks the decoded body is a list of operation objects. Mirrors the 400s of upstream's decoding
 * step (Go's json error) and its 413 for more than 10000 operations.
 */
export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) {
    throw errors.badRequest(`json: cannot unmarshal ${jsonKindForGo(body)} into Go value of type jsonpatch.Patch`);
  }
  const ops: JsonPatchOperation[] = [];
  for (const raw of body) {
    if (!isJsonObject(raw)) {
      throw errors.badRequest(`json: cannot unmarshal ${jsonKindForGo(raw)} into Go value of type jsonpatch.Operation`);
    }
    ops.push({ op: raw.op, path: raw.path, from: raw.from, value: raw.value });
  }
  if (ops.length > maxJSONPatchOperations) {
    throw errors.tooLarge(`Request entity too large: The allowed maximum operations in a JSON patch is ${maxJSONPatchOperations}, got ${ops.length}`);
  }
  return ops;
}

/** Applies a decoded JSON patch to a copy of `doc`; throws the upstream StatusError on failure. */
export function applyJsonPatch(doc: unknown, body: unknown): unknown {
  const ops = decodeJsonPatch(body);
  let out = cloneJson(doc);
  try {
    for (const op of ops) out = applyOperation(out, op);
  } catch (e) {
    if (e instanceof JsonPatchApplyError) throw jsonPatchRejected(e);
    throw e;
  }
  return out;
}

/** Splits a JSON pointer into unescaped tokens (~1 → "/", then ~0 → "~"). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.split('/').slice(1).map(decodeToken);
}

function decodeToken(t: string): string {
  return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

type Container = Record<string, unknown> | unknown[];

/** A list index as Go's strconv.Atoi reads it. */
function atoi(token: string): number | undefined {
  return /^[+-]?\d+$/.test(token) ? Number(token) : undefined;
}

function invalidIndex(i: number): JsonPatchApplyError {
  return new JsonPatchApplyError(`Unable to access invalid index: ${i}: invalid index referenced`);
}

function notAnIndex(token: string): JsonPatchApplyError {
  return new JsonPatchApplyError(`strconv.Atoi: parsing ${JSON.stringify(token)}: invalid syntax`);
}

/** The position of an existing element; negative indices count from the end. */
function existingIndex(list: unknown[], token: string): number {
  let i = atoi(token);
  if (i === undefined) throw notAnIndex(token);
  if (i < 0) {
    if (i < -list.length) throw invalidIndex(i);
    i += list.length;
  }
  if (i >= list.length) throw invalidIndex(i);
  return i;
}

function getIn(c: Container, key: string): unknown {
  if (Array.isArray(c)) return c[existingIndex(c, key)];
  return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
}

/**
 * The container holding the pointer's last token, and that token (v4 findObject): the pointer
 * needs at least one "/", and every step before the last must exist and be an object or list.
 */
function findObject(doc: unknown, pointer: string): { container: Container; key: string } | undefined {
  const split = pointer.split('/');
  if (split.length < 2) return undefined;
  let cur: unknown = doc;
  for (const part of split.slice(1, -1)) {
    if (!Array.isArray(cur) && !isJsonObject(cur)) return undefined;
    try {
      cur = getIn(cur, decodeToken(part));
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(cur) && !isJsonObject(cur)) return undefined;
  return { container: cur, key: decodeToken(split[split.length - 1]) };
}

/** Inserts into a list (before index; `-` or len appends; negatives count from len+1) or sets a key. */
function addIn(c: Container, key: string, value: unknown): void {
  if (!Array.isArray(c)) {
    c[key] = value;
    return;
  }
  if (key === '-') {
    c.push(value);
    return;
  }
  let i = atoi(key);
  if (i === undefined) throw new JsonPatchApplyError(`value was not a proper array index: '${key}'`);
  const size = c.length + 1;
  if (i >= size) throw invalidIndex(i);
  if (i < 0) {
    if (i < -size) throw invalidIndex(i);
    i += size;
  }
  c.splice(i, 0, value);
}

function removeIn(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!Object.prototype.hasOwnProperty.call(c, key)) throw new JsonPatchApplyError(`Unable to remove nonexistent key: ${key}: missing value`);
    delete c[key];
    return;
  }
  let i = atoi(key);
  if (i === undefined) throw notAnIndex(key);
  if (i >= c.length) throw invalidIndex(i);
  if (i < 0) {
    if (i < -c.length) throw invalidIndex(i);
    i += c.length;
  }
  c.splice(i, 1);
}

function pointerOf(op: JsonPatchOperation, field: 'path' | 'from'): string {
  const v = op[field];
  if (v === undefined || v === null) {
    throw new JsonPatchApplyError(field === 'path' ? 'operation missing path field: missing value' : 'operation, missing from field: missing value');
  }
  if (typeof v !== 'string') throw new JsonPatchApplyError(`json: cannot unmarshal ${jsonKindForGo(v)} into Go value of type string`);
  return v;
}

function located(doc: unknown, pointer: string, what: string): { container: Container; key: string } {
  const found = findObject(doc, pointer);
  if (!found) throw new JsonPatchApplyError(`${what}: ${pointer}: missing value`);
  return found;
}

/** Applies one operation; returns the document (a new one only when the root is replaced). */
function applyOperation(doc: unknown, op: JsonPatchOperation): unknown {
  const value = op.value === undefined ? null : op.value;
  switch (op.op) {
    case 'add': {
      const { container, key } = located(doc, pointerOf(op, 'path'), 'add operation does not apply: doc is missing path');
      addIn(container, key, cloneJson(value));
      return doc;
    }
    case 'remove': {
      const { container, key } = located(doc, pointerOf(op, 'path'), 'remove operation does not apply: doc is missing path');
      removeIn(container, key);
      return doc;
    }
    case 'replace': {
      const path = pointerOf(op, 'path');
      if (path === '') {
        if (!Array.isArray(value) && !isJsonObject(value)) throw new JsonPatchApplyError('replace operation value must be object or array');
        return cloneJson(value);
      }
      const { container, key } = located(doc, path, 'replace operation does not apply: doc is missing path');
      // Lists need an existing index; on objects v4 sets the key whether or not it exists.
      if (Array.isArray(container)) container[existingIndex(container, key)] = cloneJson(value);
      else container[key] = cloneJson(value);
      return doc;
    }
    case 'move': {
      const src = located(doc, pointerOf(op, 'from'), 'move operation does not apply: doc is missing from path');
      const moved = getIn(src.container, src.key);
      removeIn(src.container, src.key);
      const dst = located(doc, pointerOf(op, 'path'), 'move operation does not apply: doc is missing destination path');
      addIn(dst.container, dst.key, moved);
      return doc;
    }
    case 'copy': {
      const src = located(doc, pointerOf(op, 'from'), 'copy operation does not apply: doc is missing from path');
      const copied = getIn(src.container, src.key);
      const dst = located(doc, pointerOf(op, 'path'), 'copy operation does not apply: doc is missing destination path');
      // Copying a missing object key copies "nothing", which v4 writes as null.
      addIn(dst.container, dst.key, copied === undefined ? null : cloneJson(copied));
      return doc;
    }
    case 'test': {
      const path = pointerOf(op, 'path');
      let target: unknown = doc;
      if (path !== '') {
        const { container, key } = located(doc, path, 'test operation does not apply: is missing path');
        target = getIn(container, key);
      }
      // A missing or null target matches only a null (or absent) test value.
      const ok = target === undefined || target === null ? value === null : jsonEqual(target, value);
      if (!ok) throw new JsonPatchApplyError(`testing value ${path} failed: test failed`);
      return doc;
    }
    default:
      throw new JsonPatchApplyError(`Unexpected kind: ${typeof op.op === 'string' ? op.op : 'unknown'}`);
  }
}
