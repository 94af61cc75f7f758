// Test helper: writes protobuf bodies field by field with protobufjs' Writer, using literal
// field numbers from upstream generated.proto (so tests check the tables, not themselves).
import protobuf from 'protobufjs/minimal.js';

export type Field = (w: protobuf.Writer) => void;

export const msg = (...fields: Field[]): Uint8Array => {
  const w = protobuf.Writer.create();
  for (const f of fields) f(w);
  return w.finish();
};
export const str = (n: number, s: string): Field => (w) => { w.uint32((n << 3) | 2).string(s); };
export const bytes = (n: number, b: Uint8Array): Field => (w) => { w.uint32((n << 3) | 2).bytes(b); };
export const sub = (n: number, ...fields: Field[]): Field => bytes(n, msg(...fields));
export const int = (n: number, v: number): Field => (w) => { w.uint32(n << 3).int64(v); };
export const bool = (n: number, v: boolean): Field => (w) => { w.uint32(n << 3).bool(v); };
export const double = (n: number, v: number): Field => (w) => { w.uint32((n << 3) | 1).double(v); };
export const packed = (n: number, vs: number[]): Field => (w) => {
  w.uint32((n << 3) | 2).fork();
  for (const v of vs) w.int64(v);
  w.ldelim();
};
export const entry = (n: number, key: string, value: Field): Field => sub(n, str(1, key), value);
export const json = (n: number, v: unknown): Field => bytes(n, Buffer.from(JSON.stringify(v)));

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: Field[] = []): Uint8Array {
  const body = msg(sub(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), ...extra);
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), body]);
}
