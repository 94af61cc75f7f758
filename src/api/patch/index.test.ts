import { describe, it, expect } from 'vitest';
import { isStatusError } from '../errors.js';
import { applyPatch, patchTypeOf } from './index.js';
import { fixtureNode } from './testing/schema-fixture.js';

const web = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'n' },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'busybox', image: 'busybox' }] } } },
};
const schema = fixtureNode('Deployment');

function failure(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return { code: e.code, reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error('expected a failure');
}

describe('applyPatch', () => {
  it('dispatches on the media type, ignoring parameters', () => {
    expect(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8')).toBe('strategic');
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    expect(patchTypeOf('application/merge-patch+json')).toBe('merge');
    expect(patchTypeOf('application/apply-patch+yaml')).toBe('apply');
    expect(patchTypeOf('application/json')).toBeUndefined();
  });

  it('applies the acceptance patches from raw bodies', () => {
    let o = applyPatch('application/strategic-merge-patch+json', web, '{"spec":{"replicas":0,"revisionHistoryLimit":4}}', schema);
    expect(o.spec).toMatchObject({ replicas: 0, revisionHistoryLimit: 4 });
    o = applyPatch('application/json-patch+json', o, Buffer.from('[{"op":"replace","path":"/spec/revisionHistoryLimit","value":2}]'), schema);
    expect((o.spec as { revisionHistoryLimit: number }).revisionHistoryLimit).toBe(2);
    o = applyPatch('application/merge-patch+json', o, { metadata: { annotations: { note: 'x' } } }, schema);
    expect(o.metadata?.annotations).toEqual({ note: 'x' });
    o = applyPatch('application/strategic-merge-patch+json', o, '{"spec":{"template":{"spec":{"containers":[{"name":"busybox","env":[{"name":"A","value":"1"}]}]}}}}', schema);
    expect((o.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers).toEqual([{ name: 'busybox', image: 'busybox', env: [{ name: 'A', value: '1' }] }]);
    expect(web.spec.replicas).toBe(1);
  });

  it('400 for unparsable bodies, with the decoder prefix upstream uses', () => {
    expect(failure(() => applyPatch('application/merge-patch+json', web, '{"a":', schema))).toEqual({ code: 400, reason: 'BadRequest', message: 'error decoding patch: unexpected end of JSON input' });
    expect(failure(() => applyPatch('application/strategic-merge-patch+json', web, '{x}', schema)).code).toBe(400);
    expect(failure(() => applyPatch('application/json-patch+json', web, 'nope', schema)).message).toMatch(/^error decoding patch: invalid character/);
    expect(failure(() => applyPatch('application/merge-patch+json', web, '{"a":', schema, { fieldValidation: 'Ignore' })).message).toBe('Invalid JSON Patch');
  });

  it('415 for other media types; apply is refused by name', () => {
    expect(failure(() => applyPatch('text/plain', web, '{}', schema))).toEqual({
      code: 415, reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    });
    expect(failure(() => applyPatch('application/strategic-merge-patch+json', web, '{}', undefined, { customResource: true })).message)
      .toBe('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    expect(() => applyPatch('application/apply-patch+yaml', web, 'a: b', schema)).toThrow(/apply-patch\+yaml/);
  });

  it('422 when a JSON patch replaces the object by a non-object', () => {
    const f = failure(() => applyPatch('application/json-patch+json', web, [{ op: 'replace', path: '', value: [1] }], schema));
    expect(f.code).toBe(422);
    expect(f.message).toMatch(/^ "" is invalid: patch: Invalid value/);
  });
});
