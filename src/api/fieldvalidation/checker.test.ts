import { describe, it, expect } from 'vitest';
import { builtinSchemas } from '../schema/index.js';
import { createSchemaRegistry } from '../schema/registry.js';
import { checkFields, createFieldChecker } from './checker.js';
import { fieldValidationError, warningHeaderValue } from './status.js';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { a: 'b' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{
          name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.1 } },
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
        }],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'tmp', emptyDir: {} }],
      },
    },
  },
});

describe('checkFields: unknown fields', () => {
  it('accepts a well-formed Deployment', () => {
    const r = checkFields(builtinSchemas, 'apps', 'v1', 'Deployment', deployment(), 'Strict');
    expect(r).toEqual({ errors: [], warnings: [], typeErrors: [] });
  });

  it('reports unknown fields with upstream paths (dots, [index], map keys)', () => {
    const d = deployment() as Record<string, unknown> & ReturnType<typeof deployment>;
    (d.spec as Record<string, unknown>).foo = 1;
    (d.spec.template.spec.containers[0] as Record<string, unknown>).imagePullPolicyy = 'Always';
    (d.metadata as Record<string, unknown>).nmae = 'x';
    (d as Record<string, unknown>).datta = {};
    const r = checkFields(builtinSchemas, 'apps', 'v1', 'Deployment', d, 'Strict');
    expect(r.errors).toEqual([
      'unknown field "metadata.nmae"',
      'unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
      'unknown field "spec.foo"',
      'unknown field "datta"',
    ]);
    expect(r.warnings).toEqual([]);
    const err = fieldValidationError('Deployment', 'v1', r)!;
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "metadata.nmae", unknown field "spec.template.spec.containers[0].imagePullPolicyy", unknown field "spec.foo", unknown field "datta"');
  });

  it('Warn mode gives warnings, Ignore nothing', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, datta: 1 };
    expect(checkFields(builtinSchemas, '', 'v1', 'ConfigMap', cm, 'Warn')).toEqual({ errors: [], warnings: ['unknown field "datta"'], typeErrors: [] });
    expect(checkFields(builtinSchemas, '', 'v1', 'ConfigMap', cm, 'Ignore')).toEqual({ errors: [], warnings: [], typeErrors: [] });
    expect(warningHeaderValue('unknown field "datta"')).toBe('299 - "unknown field \\"datta\\""');
  });

  it('field names are case-sensitive', () => {
    const r = checkFields(builtinSchemas, '', 'v1', 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { Name: 'x' }, Data: {} }, 'Strict');
    expect(r.errors).toEqual(['unknown field "metadata.Name"', 'unknown field "Data"']);
  });

  it('inline structs (Volume sources) are fields of the parent; free-form positions are not checked', () => {
    const rev = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1,
      data: { anything: { goes: [1, 2] } },
    };
    expect(checkFields(builtinSchemas, 'apps', 'v1', 'ControllerRevision', rev, 'Strict').errors).toEqual([]);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', managedFields: [{ manager: 'm', fieldsV1: { 'f:x': {} } }] }, spec: { containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'v', hostPath: { path: '/x' }, bogus: 1 }] } };
    expect(checkFields(builtinSchemas, '', 'v1', 'Pod', pod, 'Strict').errors).toEqual(['unknown field "spec.volumes[0].bogus"']);
  });

  it('map values of struct type extend the path with the key', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com' },
      spec: {
        group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', kind: 'CronTab' },
        versions: [{
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', typo: true, items: { weird: 1 } } } } },
        }],
      },
    };
    const r = checkFields(builtinSchemas, 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', crd, 'Strict');
    // `items` decodes itself (JSONSchemaPropsOrArray), so upstream cannot see inside it either.
    expect(r.errors).toEqual(['unknown field "spec.versions[0].schema.openAPIV3Schema.properties.spec.typo"']);
    expect(r.typeErrors).toEqual([]);
  });

  it('list kinds accept apiVersion/kind on their items', () => {
    const list = { apiVersion: 'v1', kind: 'ConfigMapList', metadata: {}, items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }] };
    expect(checkFields(builtinSchemas, '', 'v1', 'ConfigMapList', list, 'Strict')).toEqual({ errors: [], warnings: [], typeErrors: [] });
  });

  it('knows nothing about kinds without a schema', () => {
    expect(checkFields(builtinSchemas, 'stable.example.com', 'v1', 'CronTab', { spec: { x: 1 } }, 'Strict')).toEqual({ errors: [], warnings: [], typeErrors: [] });
  });
});

describe('checkFields: type errors', () => {
  it('a string where an int32 is: field path and the Go decoder message', () => {
    const d = deployment();
    (d.spec as Record<string, unknown>).replicas = '3';
    const r = checkFields(builtinSchemas, 'apps', 'v1', 'Deployment', d, 'Ignore');
    expect(r.typeErrors.map(String)).toEqual(['spec.replicas: Invalid value: "3": must be of type int32']);
    expect(r.decodeError).toBe('json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    expect(fieldValidationError('Deployment', 'v1', r, [], 'Ignore')!.message)
      .toBe('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  });

  it('objects where lists are, lists where objects are, numbers where strings are', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 1 } }, spec: { containers: { name: 'c' }, nodeSelector: [] } };
    const r = checkFields(builtinSchemas, '', 'v1', 'Pod', pod, 'Strict');
    expect(r.typeErrors.map(String)).toEqual([
      'metadata.labels[a]: Invalid value: 1: must be of type string',
      'spec.containers: Invalid value: "object": must be of type []v1.Container',
      'spec.nodeSelector: Invalid value: "array": must be of type map[string]string',
    ]);
    expect(r.decodeError).toBe('json: cannot unmarshal number 1 into Go struct field ObjectMeta.metadata.labels of type string');
  });

  it('int32 range, integers, booleans', () => {
    const r = checkFields(builtinSchemas, '', 'v1', 'Pod', {
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 2147483648 }, { containerPort: 1.5 }], tty: 'yes' }] },
    }, 'Strict');
    expect(r.typeErrors.map((e) => e.field)).toEqual(['spec.containers[0].ports[0].containerPort', 'spec.containers[0].ports[1].containerPort', 'spec.containers[0].tty']);
    expect(r.decodeError).toBe('json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
  });

  it('quantities, int-or-string, times, durations, base64', () => {
    const pod = {
      metadata: { creationTimestamp: 'yesterday' },
      spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1 core', memory: '1Gi' }, requests: { memory: '1ki' } }, livenessProbe: { httpGet: { port: true } } }] },
    };
    const r = checkFields(builtinSchemas, '', 'v1', 'Pod', pod, 'Strict');
    expect(r.typeErrors.map((e) => `${e.field}: ${e.detail}`)).toEqual([
      'metadata.creationTimestamp: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
      "spec.containers[0].resources.limits[cpu]: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      "spec.containers[0].resources.requests[memory]: unable to parse quantity's suffix",
      'spec.containers[0].livenessProbe.httpGet.port: must be an integer or a string',
    ]);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { ok: 'aGVsbG8=', bad: 'hello!' } };
    const s = checkFields(builtinSchemas, '', 'v1', 'Secret', secret, 'Strict');
    expect(s.typeErrors.map(String)).toEqual(['data[bad]: Invalid value: "hello!": illegal base64 data at input byte 5']);
    expect(s.decodeError).toBe('illegal base64 data at input byte 5');
    const hpa = { spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3, behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } } };
    expect(checkFields(builtinSchemas, 'autoscaling', 'v2', 'HorizontalPodAutoscaler', hpa, 'Strict')).toEqual({ errors: [], warnings: [], typeErrors: [] });
  });

  it('null is accepted anywhere', () => {
    const d = { metadata: { labels: null }, spec: { replicas: null, template: { spec: { containers: [null] } } } };
    expect(checkFields(builtinSchemas, 'apps', 'v1', 'Deployment', d, 'Strict')).toEqual({ errors: [], warnings: [], typeErrors: [] });
  });

  it('Go slice types (UserInfo.extra) are bare arrays', () => {
    const ok = { spec: { user: 'u', extra: { scopes: ['a', 'b'] } } };
    expect(checkFields(builtinSchemas, 'authorization.k8s.io', 'v1', 'SubjectAccessReview', ok, 'Strict').typeErrors).toEqual([]);
    const bad = { spec: { user: 'u', extra: { scopes: 'a' } } };
    expect(checkFields(builtinSchemas, 'authorization.k8s.io', 'v1', 'SubjectAccessReview', bad, 'Strict').typeErrors.map((e) => e.field)).toEqual(['spec.extra[scopes]']);
  });
});

describe('checkFields: cost', () => {
  it('checks a Deployment in microseconds', () => {
    const checker = createFieldChecker(createSchemaRegistry([]));
    expect(checker.check('apps', 'v1', 'Deployment', {}, 'Strict').errors).toEqual([]);
    const real = createFieldChecker(builtinSchemas);
    const d = deployment();
    for (let i = 0; i < 5000; i++) real.check('apps', 'v1', 'Deployment', d, 'Strict'); // compile tables, warm the JIT
    const n = 5000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) real.check('apps', 'v1', 'Deployment', d, 'Strict');
    const perCheckUs = Number(process.hrtime.bigint() - start) / n / 1000;
    console.log(`field check of a Deployment: ${perCheckUs.toFixed(2)} µs`);
    // Typically 2–5 µs warm (about what JSON.parse of the same body costs); generous bound for slow CI.
    expect(perCheckUs).toBeLessThan(200);
  });
});
