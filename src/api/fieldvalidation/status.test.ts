import { describe, it, expect } from 'vitest';
import { cannotBeHandled, fieldValidationError, goValueString, patchValidationError, strictDecodingMessage } from './status.js';

describe('field validation answers', () => {
  it('create/update: 400 "cannot be handled", type errors before strict findings', () => {
    expect(cannotBeHandled('ConfigMap', 'v1', strictDecodingMessage(['unknown field "datta"'])).toStatus()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 400, reason: 'BadRequest',
      message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"',
    });
    const both = { errors: ['unknown field "x"'], warnings: [], typeErrors: [], decodeError: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' };
    expect(fieldValidationError('Deployment', 'v1', both)!.message).toContain('json: cannot unmarshal string');
    const strictOnly = { errors: ['unknown field "x"'], warnings: [], typeErrors: [] };
    expect(fieldValidationError('Deployment', 'v1', strictOnly, ['duplicate field "a"'])!.message)
      .toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "a", unknown field "x"');
    expect(fieldValidationError('Deployment', 'v1', { errors: [], warnings: ['unknown field "x"'], typeErrors: [] }, [], 'Warn')).toBeUndefined();
  });

  it('patch: 422 on the "patch" field with the patch rendered like Go', () => {
    expect(goValueString({ spec: { replicas: 3, foo: [1, 'a', null, true] } })).toBe('map[spec:map[foo:[1 a <nil> true] replicas:3]]');
    const e = patchValidationError({ spec: { foo: 1 } }, strictDecodingMessage(['unknown field "spec.foo"']));
    expect(e.code).toBe(422);
    expect(e.message).toBe(' "" is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"');
    expect(e.toStatus().details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'patch', message: 'Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"' }]);
  });
});
