// The failures of strategic merge patch, with the HTTP answer upstream gives each
// (apiserver interpretStrategicMergePatchError): malformed directives are 400 BadRequest,
// lists of lists and retainKeys mismatches are a bare 422 Invalid, and every other merge error
// is not a Status at all upstream, so the apiserver answers 500 with the error text as message.

import { StatusError, errors } from '../errors.js';
import { goFormat } from './json-value.js';

export const smpMessages = {
  badJSONDoc: 'invalid JSON document',
  noListOfLists: 'lists of lists are not supported',
  badPatchFormatForPrimitiveList: 'invalid patch format of primitive list',
  badPatchFormatForRetainKeys: 'invalid patch format of retainKeys',
  badPatchFormatForSetElementOrderList: 'invalid patch format of setElementOrder list',
  patchContentNotMatchRetainKeys: "patch content doesn't match retainKeys list",
  unsupportedStrategicMergePatchFormat: 'strategic merge patch format is not supported',
} as const;

export const smpErrors = {
  badRequest: (message: string) => errors.badRequest(message),
  /** Upstream's NewGenericServerResponse(422): the specific reason is not sent. */
  unprocessable: (reason: string) =>
    new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {}, { cause: new Error(reason) }),
  /** A plain Go error reaching the apiserver: 500, no reason, the error text as message. */
  failed: (message: string) => new StatusError(500, '', message),

  noMergeKey: (m: unknown, key: string) => smpErrors.failed(`map: ${goFormat(m)} does not contain declared merge key: ${key}`),
  badArgType: (expected: 'map' | 'slice', actual: unknown) =>
    smpErrors.failed(`expected a ${expected === 'map' ? 'map[string]interface {}' : '[]interface {}'}, but received a ${goTypeName(actual)}`),
  badPatchType: (t: unknown, m: unknown) => smpErrors.failed(`unknown patch type: ${goString(t)} in map: ${goFormat(m)}`),
};

/** Go's reflect.TypeOf(v).String() for a decoded JSON value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int64' : 'float64';
}

/** Go's `%s` of a decoded JSON value. */
function goString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'object') return goFormat(v);
  return `%!s(${goTypeName(v)}=${String(v)})`;
}
