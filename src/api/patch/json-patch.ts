// RFC 6902 JSON patch, with the behaviour of the library the apiserver uses (evanphx/json-patch v4):
// `-` appends, negative indices count from the end, `replace`/`remove` need an existing target,
// `test` compares structurally. Upstream answers any application failure with a bare 422 Invalid
// ("the server rejected our request due to an error in our request") — the detailed reason is not
// sent to the client, so we keep it only as the error's cause for logs.

import { StatusError, errors } from '../errors.js';
import { cloneJson, isJsonObject, jsonEqual } from './json-value.js';

/** Upstream's cap on operations per JSON patch (apiserver maxJSONPatchOperations). */
export const maxJSONPatchOperations = 10000;

export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
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

/**
 * Checks the decoded body is a list of operations. Mirrors the 400s of upstream's decoding step
 * (Go's json error for a body that is not an array of objects).
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
    const op: JsonPatchOperation = { op: stringField(raw, 'op'), path: stringField(raw, 'path') };
    if ('from' in raw) op.from = stringField(raw, 'from');
    if ('value' in raw) op.value = raw.value;
    ops.push(op);
  }
  if (ops.length > maxJSONPatchOperations) {
    throw errors.tooLarge(`Request entity too large: The allowed maximum operations in a JSON patch is ${maxJSONPatchOperations}, got ${ops.length}`);
  }
  return ops;
}

function stringField(raw: Record<string, unknown>, name: string): string {
  const v = raw[name];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw errors.badRequest(`json: cannot unmarshal ${jsonKindForGo(v)} into Go value of type string`);
  return v;
}

function jsonKindForGo(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
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
  if (!pointer.startsWith('/')) throw new JsonPatchApplyError(`JSON pointer must be empty or start with a "/": ${pointer}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

/** Finds the parent container of the pointer's last token. */
function locate(doc: unknown, tokens: string[], op: string, pointer: string): Container {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t, cur.length, false);
      cur = cur[i];
    } else if (isJsonObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) {
      cur = cur[t];
    } else {
      cur = undefined;
    }
    if (cur === undefined) break;
  }
  if (!Array.isArray(cur) && !isJsonObject(cur)) {
    throw new JsonPatchApplyError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  }
  return cur;
}

/** A list index token; `forInsert` allows `-` and len. Negative indices count from the end (v4 behaviour). */
function arrayIndex(token: string, length: number, forInsert: boolean): number {
  if (forInsert && token === '-') return length;
  if (!/^-?\d+$/.test(token)) throw new JsonPatchApplyError(`Unable to access invalid index: ${token}: invalid index referenced`);
  let i = Number(token);
  const max = forInsert ? length : length - 1;
  if (i > max) throw new JsonPatchApplyError(`Unable to access invalid index: ${i}: invalid index referenced`);
  if (i < 0) {
    if (i < -length) throw new JsonPatchApplyError(`Unable to access invalid index: ${i}: invalid index referenced`);
    i += length;
  }
  return i;
}

function getValue(doc: unknown, pointer: string, op: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const parent = locate(doc, tokens, op, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) return parent[arrayIndex(last, parent.length, false)];
  return Object.prototype.hasOwnProperty.call(parent, last) ? parent[last] : undefined;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = locate(doc, tokens, 'add', pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: unknown, pointer: string, op: string): { doc: unknown; removed: unknown } {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new JsonPatchApplyError(`${op} operation does not apply: cannot remove the document root`);
  const parent = locate(doc, tokens, op, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    const [removed] = parent.splice(i, 1);
    return { doc, removed };
  }
  if (!Object.prototype.hasOwnProperty.call(parent, last)) {
    throw new JsonPatchApplyError(`Unable to remove nonexistent key: ${last}: missing value`);
  }
  const removed = parent[last];
  delete parent[last];
  return { doc, removed };
}

function applyOperation(doc: unknown, op: JsonPatchOperation): unknown {
  const value = op.value === undefined ? null : op.value;
  switch (op.op) {
    case 'add':
      return add(doc, op.path, cloneJson(value));
    case 'remove':
      return remove(doc, op.path, 'remove').doc;
    case 'replace': {
      const tokens = parsePointer(op.path);
      if (tokens.length === 0) return cloneJson(value);
      const parent = locate(doc, tokens, 'replace', op.path);
      const last = tokens[tokens.length - 1];
      if (Array.isArray(parent)) {
        parent[arrayIndex(last, parent.length, false)] = cloneJson(value);
      } else {
        if (!Object.prototype.hasOwnProperty.call(parent, last)) {
          throw new JsonPatchApplyError(`replace operation does not apply: doc is missing key: ${op.path}: missing value`);
        }
        parent[last] = cloneJson(value);
      }
      return doc;
    }
    case 'move': {
      if (op.from === undefined) throw new JsonPatchApplyError('move operation missing from');
      const { doc: d, removed } = remove(doc, op.from, 'move');
      if (removed === undefined) throw new JsonPatchApplyError(`move operation does not apply: doc is missing from path: ${op.from}: missing value`);
      return add(d, op.path, removed);
    }
    case 'copy': {
      if (op.from === undefined) throw new JsonPatchApplyError('copy operation missing from');
      const v = getValue(doc, op.from, 'copy');
      if (v === undefined) throw new JsonPatchApplyError(`copy operation does not apply: doc is missing from path: ${op.from}: missing value`);
      return add(doc, op.path, cloneJson(v));
    }
    case 'test': {
      const v = getValue(doc, op.path, 'test');
      // A missing target matches only a null test value, as in the v4 library.
      const ok = v === undefined ? value === null : jsonEqual(v, value);
      if (!ok) throw new JsonPatchApplyError(`testing value ${op.path} failed: test failed`);
      return doc;
    }
    default:
      throw new JsonPatchApplyError(`Unexpected kind: ${op.op}`);
  }
}
