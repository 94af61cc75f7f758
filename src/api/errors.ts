// The catalog of API errors. Every failure a client sees is a meta/v1 Status with upstream's
// reason and code (k8s.io/apimachinery/pkg/api/errors), so kubectl prints the messages users know.

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict'
  | 'Gone' | 'Expired' | 'Invalid' | 'ServerTimeout' | 'Timeout' | 'TooManyRequests'
  | 'MethodNotAllowed' | 'NotAcceptable' | 'RequestEntityTooLarge' | 'UnsupportedMediaType'
  | 'InternalError' | 'ServiceUnavailable' | 'Unknown' | '';

export type CauseType =
  | 'FieldValueNotFound' | 'FieldValueRequired' | 'FieldValueDuplicate' | 'FieldValueInvalid'
  | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueTooMany'
  | 'InternalError' | 'FieldValueTypeInvalid' | 'UnexpectedServerResponse' | 'FieldManagerConflict'
  | 'ResourceVersionTooLarge' | 'ExitCode' | string;

export interface StatusCause { reason?: CauseType; message?: string; field?: string }

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, ...(this.reason ? { reason: this.reason } : {}), code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

export function isStatusError(e: unknown, reason?: StatusReason): e is StatusError {
  return e instanceof StatusError && (reason === undefined || e.reason === reason);
}

/** "configmaps" or "deployments.apps": how upstream names a group-resource in messages. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const errors = {
  badRequest: (message: string, details?: StatusDetails) => new StatusError(400, 'BadRequest', message, details),
  unauthorized: (message = 'Unauthorized') => new StatusError(401, 'Unauthorized', message),
  forbidden: (group: string, resource: string, name: string, why: string) =>
    new StatusError(403, 'Forbidden', `${qualifiedResource(group, resource)}${name ? ` "${name}"` : ''} is forbidden: ${why}`, { name, group, kind: resource }),
  notFound: (group: string, resource: string, name: string) =>
    new StatusError(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, { name, group, kind: resource }),
  alreadyExists: (group: string, resource: string, name: string) =>
    new StatusError(409, 'AlreadyExists', `${qualifiedResource(group, resource)} "${name}" already exists`, { name, group, kind: resource }),
  conflict: (group: string, resource: string, name: string, why: string) =>
    new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${why}`, { name, group, kind: resource }),
  /** The optimistic-concurrency failure kubectl users recognise. */
  resourceVersionConflict: (group: string, resource: string, name: string) =>
    errors.conflict(group, resource, name, 'the object has been modified; please apply your changes to the latest version and try again'),
  gone: (message: string) => new StatusError(410, 'Gone', message),
  expired: (message: string) => new StatusError(410, 'Expired', message),
  /** 422 with one cause per field error; the message lists them as upstream's NewInvalid does. */
  invalid: (group: string, kind: string, name: string, causes: FieldError[]) => {
    const list = causes.map((c) => c.toString());
    // Upstream names the qualified kind: `Deployment.apps "web" is invalid: …` (core kinds bare).
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    const msg = `${qualifiedKind} "${name}" is invalid: ` + (list.length === 1 ? list[0] : `[${list.join(', ')}]`);
    return new StatusError(422, 'Invalid', msg, {
      name, group, kind,
      causes: causes.map((c) => ({ reason: c.type, message: c.detailMessage(), field: c.field })),
    });
  },
  methodNotAllowed: (message: string) => new StatusError(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => new StatusError(406, 'NotAcceptable', message),
  unsupportedMediaType: (contentType: string) =>
    new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got ${contentType || 'none'})`),
  tooLarge: (message = 'Request entity too large: limit is 3145728') => new StatusError(413, 'RequestEntityTooLarge', message),
  tooManyRequests: (message: string, retryAfterSeconds?: number) =>
    new StatusError(429, 'TooManyRequests', message, retryAfterSeconds ? { retryAfterSeconds } : undefined),
  internal: (message: string, cause?: unknown) =>
    new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }, { cause }),
  serviceUnavailable: (message: string) => new StatusError(503, 'ServiceUnavailable', message),
  timeout: (message: string) => new StatusError(504, 'Timeout', message),
};

/**
 * One field error, the unit of validation (k8s.io/apimachinery/pkg/util/validation/field).
 * `toString()` renders like upstream: `metadata.name: Invalid value: "Bad_Name": a lowercase …`.
 */
export class FieldError {
  constructor(
    readonly type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueForbidden'
      | 'FieldValueDuplicate' | 'FieldValueTooLong' | 'FieldValueTooMany' | 'FieldValueNotFound' | 'FieldValueTypeInvalid' | 'InternalError',
    readonly field: string,
    readonly value: unknown,
    readonly detail: string,
    readonly extra?: { supported?: string[]; max?: number },
  ) {}

  private typeText(): string {
    switch (this.type) {
      case 'FieldValueInvalid': return 'Invalid value';
      case 'FieldValueRequired': return 'Required value';
      case 'FieldValueNotSupported': return 'Unsupported value';
      case 'FieldValueForbidden': return 'Forbidden';
      case 'FieldValueDuplicate': return 'Duplicate value';
      case 'FieldValueTooLong': return 'Too long';
      case 'FieldValueTooMany': return 'Too many';
      case 'FieldValueNotFound': return 'Not found';
      case 'FieldValueTypeInvalid': return 'Invalid value';
      case 'InternalError': return 'Internal error';
    }
  }

  private valueText(): string {
    const v = this.value;
    if (v === undefined) return '';
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
    return JSON.stringify(v);
  }

  /** The cause message (without the field), as upstream's ErrorBody. */
  detailMessage(): string {
    const t = this.typeText();
    const hasValue = this.type === 'FieldValueInvalid' || this.type === 'FieldValueNotSupported' || this.type === 'FieldValueDuplicate'
      || this.type === 'FieldValueNotFound' || this.type === 'FieldValueTypeInvalid';
    let s = hasValue && this.value !== undefined ? `${t}: ${this.valueText()}` : t;
    if (this.type === 'FieldValueNotSupported' && this.extra?.supported) {
      s += `: supported values: ${this.extra.supported.map((x) => JSON.stringify(x)).join(', ')}`;
      return s;
    }
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  toString(): string {
    return `${this.field}: ${this.detailMessage()}`;
  }
}

/** Shorthands mirroring upstream's field.Invalid / field.Required / … constructors. */
export const fieldErrors = {
  invalid: (field: string, value: unknown, detail: string) => new FieldError('FieldValueInvalid', field, value, detail),
  required: (field: string, detail = '') => new FieldError('FieldValueRequired', field, undefined, detail),
  notSupported: (field: string, value: unknown, supported: string[]) => new FieldError('FieldValueNotSupported', field, value, '', { supported }),
  forbidden: (field: string, detail: string) => new FieldError('FieldValueForbidden', field, undefined, detail),
  duplicate: (field: string, value: unknown) => new FieldError('FieldValueDuplicate', field, value, ''),
  tooLong: (field: string, value: unknown, max: number) => new FieldError('FieldValueTooLong', field, value, `must have at most ${max} bytes`, { max }),
  tooMany: (field: string, actual: number, max: number) => new FieldError('FieldValueTooMany', field, actual, `must have at most ${max} items`, { max }),
  notFound: (field: string, value: unknown) => new FieldError('FieldValueNotFound', field, value, ''),
  typeInvalid: (field: string, value: unknown, detail: string) => new FieldError('FieldValueTypeInvalid', field, value, detail),
};
