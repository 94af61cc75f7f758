import { describe, it, expect } from 'vitest';
import { isStatusError } from '../errors.js';
import { decodeProtobufObject } from './decode.js';
import { bool, bytes, double, entry, envelope, int, json, msg, packed, str, sub } from './wire-builder.test-helper.js';

const T = Date.UTC(2024, 0, 2, 3, 4, 5) / 1000;

function expectBadRequest(body: Uint8Array, message: RegExp): void {
  try {
    decodeProtobufObject(body);
  } catch (e) {
    expect(isStatusError(e, 'BadRequest')).toBe(true);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a BadRequest');
}

describe('decodeProtobufObject', () => {
  it('decodes a Deployment with int-or-string, quantities, times, inline structs and managed fields', () => {
    const raw = msg(
      sub(1, // metadata
        str(1, 'web'), str(2, ''), str(3, 'default'), int(7, 0),
        sub(8, int(1, T)), // creationTimestamp
        entry(11, 'app', str(2, 'web')),
        sub(17, str(1, 'kubectl'), str(2, 'Update'), str(3, 'apps/v1'), sub(4, int(1, T)), str(6, 'FieldsV1'), sub(7, json(1, { 'f:spec': { 'f:replicas': {} } }))),
      ),
      sub(2, // spec
        int(1, 3),
        sub(4, str(1, 'RollingUpdate'), sub(2, sub(1, int(1, 0), int(2, 1)), sub(2, int(1, 1), str(3, '25%')))),
        sub(3, sub(2, // template.spec
          sub(1, str(1, 'cfg'), sub(2, sub(19, sub(1, str(1, 'app-config')), sub(2, str(1, 'k'), str(2, 'p'))))), // volumes[configMap]
          sub(2, str(1, 'c'), str(2, 'nginx'),
            sub(8, entry(1, 'cpu', sub(2, str(1, '500m'))), entry(1, 'memory', sub(2, str(1, '128Mi')))),
            sub(10, sub(1, sub(2, str(1, '/healthz'), sub(2, int(1, 1), str(3, 'http')))), int(2, 0), int(3, 5)),
          ),
          sub(14, packed(4, [1000, 2000]), int(5, 3000)),
          int(4, 30),
        )),
      ),
    );
    expect(decodeProtobufObject(envelope('apps/v1', 'Deployment', raw))).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: {
        name: 'web', namespace: 'default', creationTimestamp: '2024-01-02T03:04:05Z', labels: { app: 'web' },
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
      },
      spec: {
        replicas: 3,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
        template: { spec: {
          volumes: [{ name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'k', path: 'p' }] } }],
          containers: [{
            name: 'c', image: 'nginx',
            resources: { limits: { cpu: '500m', memory: '128Mi' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 5 },
          }],
          securityContext: { supplementalGroups: [1000, 2000], fsGroup: 3000 },
          terminationGracePeriodSeconds: 30,
        } },
      },
    });
  });

  it('reads unpacked repeated numbers and large int64 values', () => {
    const raw = msg(sub(2, sub(3, sub(2, sub(14, int(4, 1), int(4, 2), int(2, 2 ** 40))))));
    const d = decodeProtobufObject(envelope('apps/v1', 'Deployment', raw)) as { spec: { template: { spec: { securityContext: unknown } } } };
    expect(d.spec.template.spec.securityContext).toEqual({ supplementalGroups: [1, 2], runAsUser: 2 ** 40 });
  });

  it('formats MicroTime with six fractional digits (Lease)', () => {
    const raw = msg(sub(1, str(1, 'leader')), sub(2, str(1, 'me'), int(2, 15), sub(4, int(1, T), int(2, 123456789)), int(5, 0)));
    expect(decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', raw))).toEqual({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader' },
      spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: '2024-01-02T03:04:05.123456Z', leaseTransitions: 0 },
    });
  });

  it('tells the zero Time (an empty message) from the Unix epoch', () => {
    const lease = (renew: Parameters<typeof sub>[1][]) => decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', msg(sub(2, sub(4, ...renew)))));
    expect(lease([])).toEqual({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', spec: { renewTime: null } });
    expect(lease([int(1, 0), int(2, 0)])).toEqual({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', spec: { renewTime: '1970-01-01T00:00:00.000000Z' } });
    const cond = decodeProtobufObject(envelope('apps/v1', 'Deployment', msg(sub(3, sub(6, str(1, 'Available'), str(2, 'True'), sub(7)))))) as { status: { conditions: unknown[] } };
    expect(cond.status.conditions).toEqual([{ type: 'Available', status: 'True' }]);
  });

  it('accepts DeleteOptions as meta.k8s.io/v1, v1 and any served group', () => {
    const raw = msg(int(1, 0), sub(2, str(1, 'uid-1')), str(4, 'Foreground'), str(5, 'All'));
    for (const apiVersion of ['meta.k8s.io/v1', 'v1', 'apps/v1']) {
      expect(decodeProtobufObject(envelope(apiVersion, 'DeleteOptions', raw))).toEqual({
        apiVersion, kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' }, propagationPolicy: 'Foreground', dryRun: ['All'],
      });
    }
  });

  it('turns Go slice wrappers into plain arrays (TokenReview user extra)', () => {
    const raw = msg(sub(3, sub(2, str(1, 'alice'), entry(4, 'scopes', sub(2, str(1, 'a'), str(1, 'b')))), bool(1, true)));
    expect(decodeProtobufObject(envelope('authentication.k8s.io/v1', 'TokenReview', raw))).toEqual({
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview',
      status: { authenticated: true, user: { username: 'alice', extra: { scopes: ['a', 'b'] } } },
    });
  });

  it('decodes CRD schemas: JSON values, $ref names and the Or* unions', () => {
    const props = (...f: Parameters<typeof msg>) => msg(...f);
    const openAPIV3Schema = props(
      str(5, 'object'),
      entry(29, 'replicas', sub(2, str(5, 'integer'), sub(8, json(1, 1)), double(9, 10))),
      entry(29, 'tags', sub(2, str(5, 'array'), sub(24, bytes(1, props(str(5, 'string')))))),
      entry(29, 'either', sub(2, sub(24, bytes(2, props(str(5, 'string'))), bytes(2, props(str(5, 'integer')))))),
      sub(30, bool(1, false)),
      entry(32, 'a', sub(2, str(2, 'b'))),
      bool(38, true),
    );
    const raw = msg(sub(1, str(1, 'widgets.example.com')), sub(2,
      str(1, 'example.com'), sub(3, str(1, 'widgets'), str(3, 'Widget')), str(4, 'Namespaced'),
      sub(7, str(1, 'v1'), bool(2, true), bool(3, true), sub(4, bytes(1, openAPIV3Schema))),
    ));
    const crd = decodeProtobufObject(envelope('apiextensions.k8s.io/v1', 'CustomResourceDefinition', raw)) as {
      spec: { versions: Array<{ schema: { openAPIV3Schema: unknown } }> };
    };
    expect(crd.spec.versions[0]!.schema.openAPIV3Schema).toEqual({
      type: 'object',
      properties: {
        replicas: { type: 'integer', default: 1, maximum: 10 },
        tags: { type: 'array', items: { type: 'string' } },
        either: { items: [{ type: 'string' }, { type: 'integer' }] },
      },
      additionalProperties: false,
      dependencies: { a: ['b'] },
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('decodes RawExtension holding JSON, and holding a nested protobuf object', () => {
    const inner = envelope('v1', 'ConfigMap', msg(sub(1, str(1, 'inner')), entry(2, 'k', str(2, 'v'))));
    const raw = msg(sub(1, str(1, 'rev')), sub(2, bytes(1, inner)), int(3, 2));
    expect(decodeProtobufObject(envelope('apps/v1', 'ControllerRevision', raw))).toEqual({
      apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'rev' }, revision: 2,
      data: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner' }, data: { k: 'v' } },
    });
    const list = msg(sub(1, str(2, '')), sub(2, json(1, { kind: 'Pod', apiVersion: 'v1' })));
    expect(decodeProtobufObject(envelope('v1', 'List', list))).toEqual({ apiVersion: 'v1', kind: 'List', metadata: {}, items: [{ kind: 'Pod', apiVersion: 'v1' }] });
  });

  it('skips unknown field numbers and lets a later value win', () => {
    const raw = msg(sub(1, str(1, 'a'), str(99, 'future'), str(1, 'b')), bool(4, false), entry(2, 'k', str(2, 'v')), str(77, 'x'));
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, immutable: false, data: { k: 'v' } });
  });

  it('rejects what it cannot decode with a 400', () => {
    expectBadRequest(Buffer.from('{"kind":"ConfigMap"}'), /k8s\\x00/);
    expectBadRequest(envelope('apps/v1', 'Widget', msg()), /no kind "Widget" is registered for version "apps\/v1"/);
    expectBadRequest(envelope('v1', '', msg()), /Kind/);
    const good = envelope('v1', 'ConfigMap', msg(sub(1, str(1, 'name')), entry(2, 'k', str(2, 'v'))));
    for (let cut = 5; cut < good.length; cut++) {
      try { decodeProtobufObject(good.subarray(0, cut)); } catch (e) { expect(isStatusError(e, 'BadRequest')).toBe(true); }
    }
    expectBadRequest(envelope('v1', 'ConfigMap', msg(int(1, 5))), /wire type 0/);
    expectBadRequest(envelope('v1', 'ConfigMap', msg(str(4, 'yes'))), /wire type 2/);
    expectBadRequest(envelope('apps/v1', 'ControllerRevision', msg(sub(2, bytes(1, Buffer.from('{nope'))))), /valid JSON/);
    expectBadRequest(envelope('v1', 'ConfigMap', msg(), [str(3, 'gzip')]), /content encoding "gzip"/);
  });

  it('never throws anything but a Status on random bytes', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const base = envelope('apps/v1', 'Deployment', msg(sub(1, str(1, 'web')), sub(2, int(1, 3))));
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(base);
      for (let j = 0; j < 3; j++) b[4 + Math.floor(rand() * (b.length - 4))] = Math.floor(rand() * 256);
      try { decodeProtobufObject(b); } catch (e) { expect(isStatusError(e, 'BadRequest')).toBe(true); }
    }
  });
});
