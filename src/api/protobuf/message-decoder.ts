// Schema-driven decoding of one protobuf message into the JSON form Go would write for it.
//
// gogo-protobuf (upstream's marshaller) writes every non-pointer scalar, even when zero, and never
// writes nil pointers, slices or maps. Go's JSON encoder drops zero values of `omitempty` fields.
// So a zero scalar of a non-pointer omitempty field is dropped, while a present pointer value is
// kept even when zero (`replicas: 0` is a real request).

import protobuf from 'protobufjs/minimal.js';
import type { BuiltinFieldSchema, BuiltinSchemaRegistry } from '../schema/index.js';
import type { ScalarType, WellKnownType } from '../schema/types.js';
import { formatDuration, formatMicroTime, formatTime } from './well-known.js';
import { WireError } from './wire-error.js';

type Reader = protobuf.Reader;

const MAX_DEPTH = 100;
const K8S_MAGIC = [0x6b, 0x38, 0x73, 0x00];
const JSON_SCHEMA_PROPS = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps';

export interface DecodeContext {
  readonly registry: BuiltinSchemaRegistry;
  /** Decodes an embedded `k8s\0` object (a RawExtension holding protobuf). */
  decodeEmbedded(bytes: Uint8Array, depth: number): unknown;
}

const WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5;

function scalarWireType(s: ScalarType): number {
  switch (s) {
    case 'string': case 'bytes': return WIRE_LEN;
    case 'double': return WIRE_FIXED64;
    case 'float': return WIRE_FIXED32;
    default: return WIRE_VARINT;
  }
}

export function hasK8sMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === K8S_MAGIC[0] && b[1] === K8S_MAGIC[1] && b[2] === K8S_MAGIC[2] && b[3] === K8S_MAGIC[3];
}

/** protobufjs returns Long objects for int64 when the `long` package is present. */
interface LongLike { low: number; high: number; toNumber(): number }
function int64(r: Reader): number {
  const v = r.int64() as unknown as number | LongLike;
  return typeof v === 'number' ? v : v.toNumber();
}
function int64Big(r: Reader): bigint {
  const v = r.int64() as unknown as number | LongLike;
  return typeof v === 'number' ? BigInt(v) : (BigInt(v.high) << 32n) | BigInt(v.low >>> 0);
}

function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

function readScalar(r: Reader, s: ScalarType): unknown {
  switch (s) {
    case 'string': return r.string();
    case 'bytes': return toBase64(r.bytes());
    case 'int32': return r.int32();
    case 'int64': return int64(r);
    case 'bool': return r.bool();
    case 'double': return r.double();
    case 'float': return r.float();
  }
}

function isZeroScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function zeroScalar(s: ScalarType): unknown {
  return s === 'string' || s === 'bytes' ? '' : s === 'bool' ? false : 0;
}

function expectWire(wt: number, want: number, where: string): void {
  if (wt !== want) throw new WireError(`${where}: wire type ${wt} where ${want} was expected`);
}

/** Reads a length prefix and returns the end offset of the sub-message. */
function lengthDelimited(r: Reader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new WireError(`length ${len} at offset ${r.pos} runs past the end of the body`);
  return end;
}

/** Decodes fields up to `end` as message `name`; returns its JSON object. */
export function decodeMessage(ctx: DecodeContext, r: Reader, end: number, name: string, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new WireError(`objects are nested more than ${MAX_DEPTH} levels deep`);
  const fields = ctx.registry.fieldsByNumber(name);
  if (!fields) throw new WireError(`no schema for message ${name}`);
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const num = tag >>> 3;
    const wt = tag & 7;
    if (num === 0) throw new WireError(`invalid field number 0 in ${name}`);
    const f = fields[num];
    if (!f || f.notInJson) { r.skipType(wt); continue; }
    if (f.map) {
      expectWire(wt, WIRE_LEN, `${name}.${f.name}`);
      const m = (out[f.name] ??= {}) as Record<string, unknown>;
      readMapEntry(ctx, r, f, m, name, depth);
      continue;
    }
    if (f.repeated) {
      const arr = (out[f.name] ??= []) as unknown[];
      if (f.type.kind === 'scalar' && wt === WIRE_LEN && scalarWireType(f.type.scalar) !== WIRE_LEN) {
        const e = lengthDelimited(r); // packed
        while (r.pos < e) arr.push(readScalar(r, f.type.scalar));
      } else {
        arr.push(readValue(ctx, r, f, wt, name, depth));
      }
      continue;
    }
    const v = readValue(ctx, r, f, wt, name, depth);
    if (f.inline) { Object.assign(out, v); continue; }
    if (!f.pointer && f.omitEmpty && (f.type.kind === 'scalar' ? isZeroScalar(v) : v === null && isTimeType(f))) {
      delete out[f.name]; // proto2 "last one wins": a later zero replaces an earlier value
      continue;
    }
    out[f.name] = v;
  }
  if (r.pos !== end) throw new WireError(`message ${name} overruns its length`);
  return out;
}

function isTimeType(f: BuiltinFieldSchema): boolean {
  return f.type.kind === 'wellKnown' && (f.type.name === 'Time' || f.type.name === 'MicroTime');
}

function readValue(ctx: DecodeContext, r: Reader, f: BuiltinFieldSchema, wt: number, owner: string, depth: number): unknown {
  const where = `${owner}.${f.name}`;
  switch (f.type.kind) {
    case 'scalar':
      expectWire(wt, scalarWireType(f.type.scalar), where);
      return readScalar(r, f.type.scalar);
    case 'wellKnown': {
      expectWire(wt, WIRE_LEN, where);
      return readWellKnown(ctx, r, lengthDelimited(r), f.type.name, depth);
    }
    case 'message': {
      expectWire(wt, WIRE_LEN, where);
      const end = lengthDelimited(r);
      return messageJson(ctx, f.type.ref, decodeMessage(ctx, r, end, f.type.ref, depth + 1));
    }
  }
}

function readMapEntry(ctx: DecodeContext, r: Reader, f: BuiltinFieldSchema, into: Record<string, unknown>, owner: string, depth: number): void {
  const end = lengthDelimited(r);
  let key = '';
  let value: unknown;
  let hasValue = false;
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: expectWire(wt, WIRE_LEN, `${owner}.${f.name} key`); key = r.string(); break;
      case 2: value = readValue(ctx, r, f, wt, owner, depth); hasValue = true; break;
      default: r.skipType(wt);
    }
  }
  if (!hasValue) {
    // An entry written without its value carries the value type's zero.
    if (f.type.kind === 'scalar') value = zeroScalar(f.type.scalar);
    else if (f.type.kind === 'message') value = messageJson(ctx, f.type.ref, {});
    else value = readWellKnown(ctx, r, r.pos, f.type.name, depth);
  }
  into[key] = value;
}

/** Go types with their own MarshalJSON over an ordinary message. */
function messageJson(ctx: DecodeContext, ref: string, obj: Record<string, unknown>): unknown {
  if (ctx.registry.message(ref)?.listWrapper) return obj.items ?? [];
  if (!ref.startsWith(JSON_SCHEMA_PROPS + 'Or')) return obj;
  switch (ref.slice(JSON_SCHEMA_PROPS.length)) {
    case 'OrArray': {
      const list = obj.jSONSchemas as unknown[] | undefined;
      return list && list.length > 0 ? list : obj.schema ?? null;
    }
    case 'OrBool': return obj.schema ?? obj.allows === true;
    case 'OrStringArray': {
      const list = obj.property as unknown[] | undefined;
      return list && list.length > 0 ? list : obj.schema ?? null;
    }
  }
  return obj;
}

function readWellKnown(ctx: DecodeContext, r: Reader, end: number, name: WellKnownType, depth: number): unknown {
  let str = '', type = 0, intVal = 0, nanos = 0, seconds = 0;
  let big = 0n;
  let raw: Uint8Array | undefined;
  // apimachinery writes the zero Time as an empty message (Time.Marshal); 1970-01-01 is not zero.
  const empty = r.pos === end;
  while (r.pos < end) {
    const tag = r.uint32();
    const num = tag >>> 3;
    const wt = tag & 7;
    const where = `${name} field ${num}`;
    switch (name) {
      case 'Quantity':
        if (num === 1) { expectWire(wt, WIRE_LEN, where); str = r.string(); } else r.skipType(wt);
        break;
      case 'IntOrString':
        if (num === 1) { expectWire(wt, WIRE_VARINT, where); type = int64(r); }
        else if (num === 2) { expectWire(wt, WIRE_VARINT, where); intVal = r.int32(); }
        else if (num === 3) { expectWire(wt, WIRE_LEN, where); str = r.string(); }
        else r.skipType(wt);
        break;
      case 'Time': case 'MicroTime':
        if (num === 1) { expectWire(wt, WIRE_VARINT, where); seconds = int64(r); }
        else if (num === 2) { expectWire(wt, WIRE_VARINT, where); nanos = r.int32(); }
        else r.skipType(wt);
        break;
      case 'Duration':
        if (num === 1) { expectWire(wt, WIRE_VARINT, where); big = int64Big(r); } else r.skipType(wt);
        break;
      case 'RawExtension': case 'JSON': case 'FieldsV1':
        if (num === 1) { expectWire(wt, WIRE_LEN, where); raw = r.bytes(); } else r.skipType(wt);
        break;
    }
  }
  if (r.pos !== end) throw new WireError(`${name} overruns its length`);
  switch (name) {
    case 'Quantity': return str === '' ? '0' : str;
    case 'IntOrString': return type === 1 ? str : intVal;
    // The zero time marshals to JSON null in Go.
    case 'Time': return empty ? null : formatTime(seconds);
    case 'MicroTime': return empty ? null : formatMicroTime(seconds, nanos);
    case 'Duration': return formatDuration(big);
    case 'RawExtension': case 'JSON': case 'FieldsV1':
      return rawJson(ctx, raw, name, depth);
  }
}

/** Raw bytes of an embedded value: JSON text, or (RawExtension) a nested `k8s\0` object. */
function rawJson(ctx: DecodeContext, raw: Uint8Array | undefined, name: string, depth: number): unknown {
  if (!raw || raw.length === 0) return null;
  if (hasK8sMagic(raw)) return ctx.decodeEmbedded(raw, depth + 1);
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new WireError(`${name} does not hold valid JSON`);
  }
}
