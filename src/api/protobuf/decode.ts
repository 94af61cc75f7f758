// Decoding of `application/vnd.kubernetes.protobuf` request bodies into the JSON form of the
// same object, which is what the rest of kites works with. client-go ≥1.32 sends typed objects
// (ConfigMap, Secret, Deployment, DeleteOptions, TokenRequest, Eviction …) this way only.

import protobuf from 'protobufjs/minimal.js';
import { errors, StatusError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { builtinSchemas, type BuiltinSchemaRegistry } from '../schema/index.js';
import { readEnvelope } from './envelope.js';
import { decodeMessage, type DecodeContext } from './message-decoder.js';
import { WireError } from './wire-error.js';

/** Splits "apps/v1" into group and version; "v1" is the core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function decodeObject(registry: BuiltinSchemaRegistry, body: Uint8Array, depth: number): KubeObject {
  const env = readEnvelope(body);
  if (!env.kind) throw errors.badRequest('Object \'Kind\' is missing in the protobuf body');
  if (env.contentEncoding) throw errors.badRequest(`protobuf bodies with content encoding "${env.contentEncoding}" are not supported`);
  if (env.contentType && !env.contentType.includes('protobuf')) {
    throw errors.badRequest(`protobuf envelope holds content type "${env.contentType}"; only protobuf is supported inside it`);
  }
  const { group, version } = parseApiVersion(env.apiVersion);
  const message = registry.kindMessage(group, version, env.kind);
  if (!message) throw errors.badRequest(`no kind "${env.kind}" is registered for version "${env.apiVersion}"`);
  const ctx: DecodeContext = {
    registry,
    decodeEmbedded: (bytes, d) => decodeObject(registry, bytes, d),
  };
  const raw = Buffer.from(env.raw.buffer, env.raw.byteOffset, env.raw.byteLength);
  const fields = decodeMessage(ctx, protobuf.Reader.create(raw), raw.length, message.name, depth);
  return { apiVersion: env.apiVersion, kind: env.kind, ...fields };
}

/**
 * Decodes a protobuf body (`k8s\0` + runtime.Unknown) into its JSON object form, with
 * apiVersion and kind set. Malformed bytes or an unknown kind throw a 400 BadRequest StatusError.
 */
export function decodeProtobufObject(body: Uint8Array, registry: BuiltinSchemaRegistry = builtinSchemas): KubeObject {
  try {
    return decodeObject(registry, body, 0);
  } catch (e) {
    if (e instanceof StatusError) throw e;
    if (e instanceof WireError) throw errors.badRequest(`unable to decode the protobuf body: ${e.message}`);
    // protobufjs signals truncated input with RangeError ("index out of range") and bad
    // wire types with Error("invalid wire type …").
    if (e instanceof Error) throw errors.badRequest(`unable to decode the protobuf body: ${e.message}`);
    throw errors.badRequest('unable to decode the protobuf body');
  }
}
