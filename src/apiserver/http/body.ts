// Request bodies: size limit (3 MiB → 413, as upstream), then JSON, YAML or protobuf by
// Content-Type. Protobuf is what kubectl's and helm's typed clients send for built-in kinds.
import type { IncomingMessage } from 'node:http';
import YAML from 'yaml';
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { decodeProtobufObject } from '../../api/protobuf/decode.js';

export const maxRequestBodyBytes = 3 * 1024 * 1024;

/**
 * Reads a body up to `limit` bytes. A body declared larger is refused at once (its bytes are
 * drained so the connection stays usable); a chunked one that grows past the limit is drained to
 * its end (up to a hard cap, past which the connection is dropped) and then refused with 413.
 */
export async function readBody(req: IncomingMessage, limit = maxRequestBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw errors.tooLarge();
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > drainCap) req.socket.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(errors.tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('aborted', () => reject(errors.badRequest('the client closed the request before its body was complete')));
  });
}

/** How much of an oversized chunked body is drained before the connection is dropped instead. */
const drainCap = 64 * 1024 * 1024;

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export interface DecodedBody {
  object: KubeObject;
  /** The raw JSON text when the body was JSON (for duplicate-field detection). */
  rawJson?: string;
}

/** Decodes an object body (create/update/delete options). */
export function decodeBody(body: Buffer, contentType: string | undefined): DecodedBody {
  const type = mediaType(contentType);
  if (body.length === 0) throw errors.badRequest('the body of the request is empty');
  switch (type) {
    case 'application/json':
    case '':
      return { object: parseJson(body.toString('utf8')), rawJson: body.toString('utf8') };
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return { object: parseYaml(body.toString('utf8')) };
    case 'application/vnd.kubernetes.protobuf':
      return { object: decodeProtobufObject(new Uint8Array(body.buffer, body.byteOffset, body.byteLength)) };
    default:
      throw errors.unsupportedMediaType(type);
  }
}

/** Go's JSON decoder refuses nesting deeper than this; deeper bodies would exhaust our stack. */
export const maxJsonDepth = 10_000;

/** Throws a 400 when `v` nests deeper than Go's decoder allows (iterative: no recursion). */
export function checkDepth(v: unknown): void {
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d > maxJsonDepth) throw errors.badRequest('json: exceeded max depth');
    for (const c of Array.isArray(x) ? x : Object.values(x)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
}

export function parseJson(text: string): KubeObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`error decoding JSON body: ${(e as Error).message}`);
  }
  checkDepth(v);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw errors.badRequest('the body of the request must be a JSON object');
  return v as KubeObject;
}

export function parseYaml(text: string): KubeObject {
  let v: unknown;
  try {
    v = YAML.parse(text, { intAsBigInt: false, uniqueKeys: true });
  } catch (e) {
    throw errors.badRequest(`error decoding YAML body: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw errors.badRequest('the body of the request must be a YAML object');
  checkDepth(v);
  return v as KubeObject;
}

/** Patch bodies: JSON (or YAML for apply patches). */
export function decodePatchBody(body: Buffer, type: string): unknown {
  const text = body.toString('utf8');
  if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor') return parseYaml(text);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  checkDepth(v);
  return v;
}
