import { describe, it, expect } from 'vitest';
import { isStatusError } from '../errors.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { fixtureNode } from './testing/schema-fixture.js';

const deployment = fixtureNode('Deployment');
const pod = fixtureNode('Pod');
const configMap = fixtureNode('ConfigMap');

function podWith(spec: Record<string, unknown>) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
}
function deployWith(podSpec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1, template: { metadata: { labels: { app: 'd' } }, spec: podSpec }, ...extra } };
}

interface Case { name: string; schema: 'deployment' | 'pod' | 'configMap' | 'none'; original: unknown; patch: unknown; want: unknown }

const schemas = { deployment, pod, configMap, none: undefined };

const cases: Case[] = [
  {
    name: 'kubectl apply removes a ConfigMap key and adds another',
    schema: 'configMap',
    original: { metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'old' } }, data: { a: '1', b: '2' } },
    patch: { data: { b: null, c: '3' }, metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'new' } } },
    want: { metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'new' } }, data: { a: '1', c: '3' } },
  },
  {
    name: 'null for a key the original lacks is ignored',
    schema: 'configMap',
    original: { data: { a: '1' } },
    patch: { data: { zz: null }, binaryData: null },
    want: { data: { a: '1' } },
  },
  {
    name: 'container env merged by name, image kept',
    schema: 'deployment',
    original: deployWith({ containers: [{ name: 'busybox', image: 'busybox:1', env: [{ name: 'X', value: '0' }] }] }),
    patch: { spec: { template: { spec: { containers: [{ name: 'busybox', env: [{ name: 'A', value: '1' }] }] } } } },
    want: deployWith({ containers: [{ name: 'busybox', image: 'busybox:1', env: [{ name: 'A', value: '1' }, { name: 'X', value: '0' }] }] }),
  },
  {
    name: 'a new container is put before the live ones',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] }),
    patch: { spec: { containers: [{ name: 'c', image: 'c' }] } },
    want: podWith({ containers: [{ name: 'c', image: 'c' }, { name: 'a', image: 'a' }, { name: 'b', image: 'b' }] }),
  },
  {
    name: 'kubectl 3-way patch deletes an env var with $setElementOrder',
    schema: 'deployment',
    original: deployWith({ containers: [{ name: 'app', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] }),
    patch: { spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'app' }],
      containers: [{ '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], name: 'app' }],
    } } } },
    want: deployWith({ containers: [{ name: 'app', image: 'x', env: [{ name: 'A', value: '1' }] }] }),
  },
  {
    name: '$setElementOrder alone reorders the live list',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } },
    want: podWith({ containers: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] }),
  },
  {
    name: '$setElementOrder keeps server-only items by live order',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }, { name: 'c' }], containers: [{ name: 'c', image: 'c' }] } },
    want: podWith({ containers: [{ name: 'x' }, { name: 'b' }, { name: 'a' }, { name: 'c', image: 'c' }] }),
  },
  {
    // kubectl apply: last applied [a, b], new config [b, c], d added by someone else. Upstream's
    // in-place list merge decides where d ends up (after b, before c).
    name: 'apply that deletes, adds and reorders keeps server-only items where upstream does',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a' }, { name: 'b', image: 'x' }, { name: 'd', image: 'y' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }], containers: [{ name: 'c' }, { name: 'a', $patch: 'delete' }] } },
    want: podWith({ containers: [{ name: 'b', image: 'x' }, { name: 'd', image: 'y' }, { name: 'c' }] }),
  },
  {
    name: 'apply that deletes and adds two puts the server-only item first',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a', image: 'x' }, { name: 'd', image: 'y' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }], containers: [{ name: 'b' }, { name: 'c' }, { name: 'a', $patch: 'delete' }] } },
    want: podWith({ containers: [{ name: 'd', image: 'y' }, { name: 'b' }, { name: 'c' }] }),
  },
  {
    name: '$patch: replace element replaces the whole list',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] }),
    patch: { spec: { containers: [{ name: 'z', image: 'z' }, { $patch: 'replace' }] } },
    want: podWith({ containers: [{ name: 'z', image: 'z' }] }),
  },
  {
    name: '$patch: delete element removes by merge key',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a' }, { name: 'b' }] }),
    patch: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } },
    want: podWith({ containers: [{ name: 'b' }] }),
  },
  {
    name: '$patch: replace on a map',
    schema: 'pod',
    original: { metadata: { name: 'p', labels: { a: '1', b: '2' } } },
    patch: { metadata: { labels: { $patch: 'replace', c: '3' } } },
    want: { metadata: { name: 'p', labels: { c: '3' } } },
  },
  {
    name: '$patch: delete on a map empties it',
    schema: 'pod',
    original: podWith({ securityContext: { runAsUser: 1 }, restartPolicy: 'Always' }),
    patch: { spec: { securityContext: { $patch: 'delete' } } },
    want: podWith({ securityContext: {}, restartPolicy: 'Always' }),
  },
  {
    name: '$retainKeys on deployment strategy drops rollingUpdate',
    schema: 'deployment',
    original: deployWith({}, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }),
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
    want: deployWith({}, { strategy: { type: 'Recreate' } }),
  },
  {
    name: '$retainKeys on a volume switches its source',
    schema: 'pod',
    original: podWith({ volumes: [{ name: 'v', configMap: { name: 'cm' } }, { name: 'w', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ name: 'v', $retainKeys: ['emptyDir', 'name'], emptyDir: {} }] } },
    want: podWith({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] }),
  },
  {
    name: 'finalizers: primitive merge list is unioned, patch items first',
    schema: 'pod',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['c', 'a'] } },
    want: { metadata: { finalizers: ['c', 'a', 'b'] } },
  },
  {
    name: '$deleteFromPrimitiveList removes finalizers',
    schema: 'pod',
    original: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
    want: { metadata: { finalizers: ['a', 'c'] } },
  },
  {
    name: '$setElementOrder on a primitive list with a deletion',
    schema: 'pod',
    original: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['c', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'] } },
    want: { metadata: { finalizers: ['c', 'a'] } },
  },
  {
    name: 'finalizers null deletes the list',
    schema: 'pod',
    original: { metadata: { name: 'x', finalizers: ['a'] } },
    patch: { metadata: { finalizers: null } },
    want: { metadata: { name: 'x' } },
  },
  {
    name: 'ports merged by containerPort',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] }),
    patch: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 443, name: 'https' }] }] } },
    want: podWith({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }] }] }),
  },
  {
    name: 'atomic lists (args, tolerations) are replaced',
    schema: 'pod',
    original: podWith({ containers: [{ name: 'a', args: ['1', '2'] }], tolerations: [{ key: 'k' }] }),
    patch: { spec: { containers: [{ name: 'a', args: ['3'] }], tolerations: [{ key: 'j' }] } },
    want: podWith({ containers: [{ name: 'a', args: ['3'] }], tolerations: [{ key: 'j' }] }),
  },
  {
    name: 'scale-like patch of replicas and revisionHistoryLimit',
    schema: 'deployment',
    original: deployWith({ containers: [{ name: 'a' }] }),
    patch: { spec: { replicas: 0, revisionHistoryLimit: 4 } },
    want: { ...deployWith({ containers: [{ name: 'a' }] }), spec: { ...deployWith({ containers: [{ name: 'a' }] }).spec, replicas: 0, revisionHistoryLimit: 4 } },
  },
  {
    name: 'rollout restart annotation on the template',
    schema: 'deployment',
    original: deployWith({ containers: [{ name: 'a' }] }),
    patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } } } } },
    want: { ...deployWith({ containers: [{ name: 'a' }] }), spec: { replicas: 1, template: { metadata: { labels: { app: 'd' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } }, spec: { containers: [{ name: 'a' }] } } } },
  },
  {
    name: 'a new map field consumes nested directives',
    schema: 'deployment',
    original: { spec: { replicas: 1 } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    want: { spec: { replicas: 1, strategy: { type: 'Recreate' } } },
  },
  {
    name: 'a new list drops $patch elements and nulls',
    schema: 'pod',
    original: podWith({}),
    patch: { spec: { containers: [{ name: 'a', image: null }, { name: 'b', $patch: 'delete' }] } },
    want: podWith({ containers: [{ name: 'a' }] }),
  },
  {
    name: 'no schema: maps merge, lists replace, null deletes',
    schema: 'none',
    original: { spec: { size: 3, color: 'red', items: [{ name: 'a' }, { name: 'b' }], nested: { x: 1, y: 2 } } },
    patch: { spec: { color: null, items: [{ name: 'c' }], nested: { y: 3 } } },
    want: { spec: { size: 3, items: [{ name: 'c' }], nested: { x: 1, y: 3 } } },
  },
  {
    name: 'type change replaces the value',
    schema: 'none',
    original: { a: { b: 1 } },
    patch: { a: 'text' },
    want: { a: 'text' },
  },
  {
    name: '$patch: replace at the top level',
    schema: 'configMap',
    original: { metadata: { name: 'c' }, data: { a: '1' } },
    patch: { $patch: 'replace', metadata: { name: 'c' } },
    want: { metadata: { name: 'c' } },
  },
];

describe('applyStrategicMergePatch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const original = structuredClone(c.original);
      const patch = structuredClone(c.patch);
      expect(applyStrategicMergePatch(original, patch, schemas[c.schema])).toEqual(c.want);
      expect(original).toEqual(c.original); // inputs untouched
      expect(patch).toEqual(c.patch);
    });
  }

  interface ErrCase { name: string; original: unknown; patch: unknown; code: number; message: string | RegExp }
  const errorCases: ErrCase[] = [
    {
      name: '$patch: merge on a list element', original: podWith({ containers: [{ name: 'a' }] }),
      patch: { spec: { containers: [{ name: 'a', $patch: 'merge' }] } }, code: 500, message: 'merging lists cannot yet be specified in the patch',
    },
    {
      name: 'unknown $patch on a map', original: podWith({}), patch: { spec: { $patch: 'frobnicate' } }, code: 500,
      message: 'unknown patch type: frobnicate in map: map[$patch:frobnicate]',
    },
    {
      name: 'list element without its merge key', original: podWith({ containers: [{ name: 'a' }] }),
      patch: { spec: { containers: [{ image: 'x' }] } }, code: 500, message: 'map: map[image:x] does not contain declared merge key: name',
    },
    {
      name: 'malformed $deleteFromPrimitiveList', original: { metadata: { finalizers: ['a'] } },
      patch: { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }, code: 400, message: 'invalid patch format of primitive list',
    },
    {
      name: 'malformed $retainKeys', original: deployWith({}), patch: { spec: { strategy: { $retainKeys: 'type' } } }, code: 400,
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'patch key missing from $retainKeys', original: deployWith({}, { strategy: { type: 'RollingUpdate' } }),
      patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }, code: 400, message: 'invalid patch format of retainKeys',
    },
    {
      name: 'lists of lists', original: { metadata: { finalizers: [['a']] } }, patch: { metadata: { finalizers: [['b']] } }, code: 422,
      message: 'the server rejected our request due to an error in our request',
    },
    {
      name: '$setElementOrder not matching the patch list', original: podWith({ containers: [{ name: 'a' }, { name: 'b' }] }),
      patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', image: 'x' }] } }, code: 500,
      message: /^The order in patch list:/,
    },
    { name: 'patch is not an object', original: {}, patch: [1], code: 400, message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
  ];
  for (const c of errorCases) {
    it(`rejects: ${c.name}`, () => {
      let err: unknown;
      try {
        applyStrategicMergePatch(c.original, c.patch, c.name.includes('retainKeys') ? deployment : pod);
      } catch (e) {
        err = e;
      }
      expect(isStatusError(err)).toBe(true);
      if (!isStatusError(err)) return;
      expect(err.code).toBe(c.code);
      if (typeof c.message === 'string') expect(err.message).toBe(c.message);
      else expect(err.message).toMatch(c.message);
    });
  }
});
