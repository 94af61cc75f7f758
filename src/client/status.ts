// Turns a failed response into the StatusError the server meant: the meta/v1 Status body when
// there is one, otherwise a Status synthesised from the HTTP code as upstream's client does.
import { StatusError, type StatusDetails, type StatusReason } from '../api/errors.js';
import type { RestResponse } from './transport.js';

const reasonByCode: Record<number, StatusReason> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

interface StatusLike { kind?: unknown; code?: unknown; reason?: unknown; message?: unknown; details?: unknown }

export function isStatusObject(body: unknown): body is StatusLike {
  return typeof body === 'object' && body !== null && (body as StatusLike).kind === 'Status';
}

/** A StatusError from a Status object (e.g. the object of a watch ERROR event). */
export function statusErrorFromObject(body: unknown, fallbackCode = 500): StatusError {
  const s = (isStatusObject(body) ? body : {}) as StatusLike;
  const code = typeof s.code === 'number' && s.code > 0 ? s.code : fallbackCode;
  const reason = (typeof s.reason === 'string' ? s.reason : reasonByCode[code] ?? 'Unknown') as StatusReason;
  const message = typeof s.message === 'string' ? s.message : `the server responded with status ${code}`;
  const details = typeof s.details === 'object' && s.details !== null ? (s.details as StatusDetails) : undefined;
  return new StatusError(code, reason, message, details);
}

/** A StatusError for a non-2xx response, whatever its body. */
export function statusErrorFromResponse(res: RestResponse): StatusError {
  if (isStatusObject(res.body)) return statusErrorFromObject(res.body, res.status);
  const reason = reasonByCode[res.status] ?? 'Unknown';
  // Upstream's client shows the body text for non-Status errors ("the server could not find the requested resource").
  const text = typeof res.body === 'string' ? res.body.trim() : '';
  const message = text !== '' ? text : `the server responded with status ${res.status}`;
  return new StatusError(res.status, reason, message, undefined);
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** True for 410 Gone/Expired: the resourceVersion asked for is older than the server keeps. */
export function isResourceExpired(e: unknown): boolean {
  return e instanceof StatusError && (e.code === 410 || e.reason === 'Gone' || e.reason === 'Expired');
}

export function isNotFound(e: unknown): boolean {
  return e instanceof StatusError && e.code === 404;
}

export function isConflict(e: unknown): boolean {
  return e instanceof StatusError && e.code === 409;
}

export function isAlreadyExists(e: unknown): boolean {
  return e instanceof StatusError && e.reason === 'AlreadyExists';
}
