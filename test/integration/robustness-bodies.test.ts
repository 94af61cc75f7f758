// Malformed request bodies: every one is answered with a Status naming what is wrong (upstream's
// code, reason and wording), the server stays up, and the object the write aimed at is unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestRequest } from '../../src/client/transport.js';
import { startTestApi, type TestApi } from './harness.js';
import { expectStatus, json, jsonPatch, mergePatch, send, snapshot, strategicPatch } from './robustness-helpers.js';

const cms = '/api/v1/namespaces/default/configmaps';
const deployments = '/apis/apps/v1/namespaces/default/deployments';
const pods = '/api/v1/namespaces/default/pods';
const cm = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', ...extra });
const deployment = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ...spec },
});
const undecodable = (kind: string, why: string) => `${kind} in version "v1" cannot be handled as a ${kind}: ${why}`;

interface Case { name: string; req: RestRequest; code: number; reason: string; message?: string | RegExp }

describe('malformed bodies', () => {
  let t: TestApi;
  let before: string;
  beforeAll(async () => {
    t = await startTestApi();
    const r = await send(t.client.transport, { method: 'POST', path: cms, body: cm({ metadata: { name: 'target', labels: { keep: 'me' } }, data: { k: 'v' } }) });
    expect(r.status).toBe(201);
    before = await snapshot(t.client.transport, `${cms}/target`);
  });
  afterAll(async () => { await t.stop(); });

  const target = `${cms}/target`;
  const cases: Case[] = [
    // Not a JSON/YAML object at all.
    { name: 'truncated JSON', req: { method: 'POST', path: cms, body: '{"a":', contentType: json }, code: 400, reason: 'BadRequest' },
    { name: 'broken YAML', req: { method: 'POST', path: cms, body: 'a: [b', contentType: 'application/yaml' }, code: 400, reason: 'BadRequest' },
    { name: 'a JSON array', req: { method: 'POST', path: cms, body: '[1,2]', contentType: json }, code: 400, reason: 'BadRequest' },
    { name: 'a JSON string', req: { method: 'POST', path: cms, body: '"x"', contentType: json }, code: 400, reason: 'BadRequest' },
    { name: 'JSON null', req: { method: 'POST', path: cms, body: 'null', contentType: json }, code: 400, reason: 'BadRequest' },
    { name: 'empty POST', req: { method: 'POST', path: cms, body: '', contentType: json }, code: 400, reason: 'BadRequest' },
    { name: 'empty PUT', req: { method: 'PUT', path: target, body: '', contentType: json }, code: 400, reason: 'BadRequest' },
    { name: 'two YAML documents', req: { method: 'POST', path: cms, body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y1\n---\nfoo: 1\n', contentType: 'application/yaml' }, code: 400, reason: 'BadRequest' },
    { name: 'an unknown media type', req: { method: 'POST', path: cms, body: '{}', contentType: 'text/plain' }, code: 415, reason: 'UnsupportedMediaType', message: /^the body of the request was in an unknown format - accepted media types include: .*\(got text\/plain\)$/ },
    // Protobuf: the k8s\0 envelope is checked and garbage after it never throws.
    { name: 'protobuf without the magic', req: { method: 'POST', path: cms, body: Buffer.from([1, 2, 3]), contentType: 'application/vnd.kubernetes.protobuf' }, code: 400, reason: 'BadRequest' },
    { name: 'protobuf garbage after the magic', req: { method: 'POST', path: cms, body: Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0xff, 0xff, 0xff, 0x0f, 1, 2, 3])]), contentType: 'application/vnd.kubernetes.protobuf' }, code: 400, reason: 'BadRequest' },
    { name: 'protobuf magic only', req: { method: 'POST', path: cms, body: Buffer.from('k8s\0'), contentType: 'application/vnd.kubernetes.protobuf' }, code: 400, reason: 'BadRequest' },
    // Wrong types, at each level, in Go's json wording.
    { name: 'metadata a string', req: { method: 'POST', path: cms, body: cm({ metadata: 'x' }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta') },
    { name: 'metadata.name a number', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 5 } }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'json: cannot unmarshal number 5 into Go struct field ObjectMeta.metadata.name of type string') },
    { name: 'a label value a number', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'l1', labels: { a: 1 } } }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'json: cannot unmarshal number 1 into Go struct field ObjectMeta.metadata.labels of type string') },
    { name: 'labels an array', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'l2', labels: ['a'] } }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string') },
    { name: 'data an array', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'd1' }, data: [1] }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string') },
    { name: 'a data value a number', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'd2' }, data: { a: 1 } }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'json: cannot unmarshal number 1 into Go struct field ConfigMap.data of type string') },
    { name: 'binaryData not base64', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'd3' }, binaryData: { a: '!!!' } }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'illegal base64 data at input byte 0') },
    { name: 'spec.replicas a string', req: { method: 'POST', path: deployments, body: deployment('r1', { replicas: '3' }) }, code: 400, reason: 'BadRequest', message: undecodable('Deployment', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32') },
    { name: 'spec.replicas beyond int32', req: { method: 'POST', path: deployments, body: JSON.stringify(deployment('r3', { replicas: 1e30 })), contentType: json }, code: 400, reason: 'BadRequest', message: undecodable('Deployment', 'json: cannot unmarshal number 1e+30 into Go struct field DeploymentSpec.spec.replicas of type int32') },
    { name: 'spec.replicas a fraction', req: { method: 'POST', path: deployments, body: JSON.stringify(deployment('r4', { replicas: 1.5 })), contentType: json }, code: 400, reason: 'BadRequest', message: undecodable('Deployment', 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32') },
    { name: 'spec an array', req: { method: 'POST', path: deployments, body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'r5' }, spec: [] } }, code: 400, reason: 'BadRequest', message: undecodable('Deployment', 'json: cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec') },
    { name: 'containers an object', req: { method: 'POST', path: pods, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' }, spec: { containers: { name: 'c' } } } }, code: 400, reason: 'BadRequest', message: undecodable('Pod', 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container') },
    { name: 'containerPort a string', req: { method: 'POST', path: pods, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p3' }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 'x' }] }] } } }, code: 400, reason: 'BadRequest', message: undecodable('Pod', 'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32') },
    { name: 'PUT with metadata a string', req: { method: 'PUT', path: target, body: cm({ metadata: 'x' }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta') },
    // Semantically invalid values: 422 naming the field.
    { name: 'negative replicas', req: { method: 'POST', path: deployments, body: deployment('r2', { replicas: -1 }) }, code: 422, reason: 'Invalid', message: /"r2" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0$/ },
    { name: 'no name', req: { method: 'POST', path: cms, body: cm({ metadata: {} }) }, code: 422, reason: 'Invalid', message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' },
    { name: 'an uppercase name', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'Upper' } }) }, code: 422, reason: 'Invalid', message: /^ConfigMap "Upper" is invalid: metadata.name: Invalid value: "Upper": a lowercase RFC 1123 subdomain must consist of/ },
    { name: 'a name of ..', req: { method: 'POST', path: cms, body: cm({ metadata: { name: '..' } }) }, code: 422, reason: 'Invalid', message: /^ConfigMap "\.\." is invalid: metadata.name: Invalid value: "\.\."/ },
    { name: 'a name with a slash', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'a/b' } }) }, code: 422, reason: 'Invalid', message: /^ConfigMap "a\/b" is invalid: metadata.name: Invalid value: "a\/b"/ },
    { name: 'a 300-character name', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'a'.repeat(300) } }) }, code: 422, reason: 'Invalid', message: /is invalid: metadata.name: Invalid value: "a+": must be no more than 253 characters/ },
    { name: 'a label key __proto__', req: { method: 'POST', path: cms, body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto2","labels":{"__proto__":"x"}}}', contentType: json }, code: 422, reason: 'Invalid', message: /^ConfigMap "proto2" is invalid: metadata.labels: Invalid value: "__proto__"/ },
    { name: 'a ConfigMap over 1 MiB', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'big' }, data: { a: 'x'.repeat(1536 * 1024) } }) }, code: 422, reason: 'Invalid', message: 'ConfigMap "big" is invalid: : Too long: must have at most 1048576 bytes' },
    // Identity: the body must agree with the URL.
    { name: 'kind differs from the URL', req: { method: 'POST', path: cms, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'k3' } } }, code: 400, reason: 'BadRequest', message: 'the kind in the data (Secret) does not match the expected kind (ConfigMap)' },
    { name: 'apiVersion differs from the URL', req: { method: 'POST', path: cms, body: { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'k4' } } }, code: 400, reason: 'BadRequest', message: 'the API version in the data (apps/v1) does not match the expected API version (v1)' },
    { name: 'namespace differs on create', req: { method: 'POST', path: cms, body: cm({ metadata: { name: 'n1', namespace: 'kube-system' } }) }, code: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' },
    { name: 'name differs on update', req: { method: 'PUT', path: target, body: cm({ metadata: { name: 'other' } }) }, code: 400, reason: 'BadRequest', message: 'the name of the object (other) does not match the name on the URL (target)' },
    { name: 'namespace differs on update', req: { method: 'PUT', path: target, body: cm({ metadata: { name: 'target', namespace: 'kube-system' } }) }, code: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' },
    { name: 'a stale resourceVersion', req: { method: 'PUT', path: target, body: cm({ metadata: { name: 'target', resourceVersion: '1' } }) }, code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "target": the object has been modified; please apply your changes to the latest version and try again' },
    { name: 'an update of a missing object', req: { method: 'PUT', path: `${cms}/missing`, body: cm({ metadata: { name: 'missing' } }) }, code: 404, reason: 'NotFound', message: 'configmaps "missing" not found' },
    { name: 'a POST naming an object', req: { method: 'POST', path: target, body: cm({ metadata: { name: 'target' } }) }, code: 405, reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' },
    // Query parameters of writes.
    { name: 'an unknown field under Strict', req: { method: 'POST', path: cms, query: { fieldValidation: 'Strict' }, body: cm({ metadata: { name: 'uf' }, bogus: 1 }) }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'strict decoding error: unknown field "bogus"') },
    { name: 'a duplicate field under Strict', req: { method: 'POST', path: cms, query: { fieldValidation: 'Strict' }, body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w2","name":"w3"}}', contentType: json }, code: 400, reason: 'BadRequest', message: undecodable('ConfigMap', 'strict decoding error: duplicate field "metadata.name"') },
    // Patches that cannot apply.
    { name: 'a JSON patch that is not JSON', req: { method: 'PATCH', path: target, body: '{', contentType: jsonPatch }, code: 400, reason: 'BadRequest' },
    { name: 'a JSON patch that is an object', req: { method: 'PATCH', path: target, body: '{}', contentType: jsonPatch }, code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
    { name: 'a JSON patch with an unknown op', req: { method: 'PATCH', path: target, body: '[{"op":"frob","path":"/data"}]', contentType: jsonPatch }, code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
    { name: 'a JSON patch removing a missing path', req: { method: 'PATCH', path: target, body: '[{"op":"remove","path":"/data/nope"}]', contentType: jsonPatch }, code: 422, reason: 'Invalid' },
    { name: 'a failing JSON patch test', req: { method: 'PATCH', path: target, body: '[{"op":"test","path":"/data/k","value":"zz"}]', contentType: jsonPatch }, code: 422, reason: 'Invalid' },
    { name: 'a JSON patch making metadata a string', req: { method: 'PATCH', path: target, body: '[{"op":"replace","path":"/metadata","value":"x"}]', contentType: jsonPatch }, code: 422, reason: 'Invalid', message: /patch: Invalid value: .*json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta$/ },
    { name: 'a merge patch that is an array', req: { method: 'PATCH', path: target, body: '[1]', contentType: mergePatch }, code: 422, reason: 'Invalid', message: / "" is invalid: patch: Invalid value: "\[1\]": json: cannot unmarshal array into Go value of type map\[string\]interface \{\}$/ },
    { name: 'a merge patch with a number in data', req: { method: 'PATCH', path: target, body: '{"data":{"k":5}}', contentType: mergePatch }, code: 422, reason: 'Invalid', message: /patch: Invalid value: "map\[data:map\[k:5\]\]": json: cannot unmarshal number 5 into Go struct field ConfigMap.data of type string$/ },
    { name: 'a strategic patch that is not JSON', req: { method: 'PATCH', path: target, body: 'nope', contentType: strategicPatch }, code: 400, reason: 'BadRequest' },
    { name: 'a strategic patch making data a string', req: { method: 'PATCH', path: target, body: '{"data":"x"}', contentType: strategicPatch }, code: 422, reason: 'Invalid', message: /json: cannot unmarshal string into Go struct field ConfigMap.data of type map\[string\]string$/ },
    // Upstream answers an unknown $patch directive with a plain 500 (no reason): not a Status it converts.
    { name: 'an unknown $patch directive', req: { method: 'PATCH', path: target, body: '{"$patch":"frob"}', contentType: strategicPatch }, code: 500, reason: '', message: 'unknown patch type: frob in map: map[$patch:frob]' },
    { name: 'an empty merge patch body', req: { method: 'PATCH', path: target, body: '', contentType: mergePatch }, code: 400, reason: 'BadRequest' },
    { name: 'a PATCH as application/json', req: { method: 'PATCH', path: target, body: '{}', contentType: json }, code: 415, reason: 'UnsupportedMediaType' },
    { name: 'a patch of a missing object', req: { method: 'PATCH', path: `${cms}/nope`, body: '{}', contentType: mergePatch }, code: 404, reason: 'NotFound', message: 'configmaps "nope" not found' },
    { name: 'a merge patch changing uid', req: { method: 'PATCH', path: target, body: '{"metadata":{"uid":"zz"}}', contentType: mergePatch }, code: 422, reason: 'Invalid', message: 'ConfigMap "target" is invalid: metadata.uid: Invalid value: "zz": field is immutable' },
    { name: 'a merge patch changing creationTimestamp', req: { method: 'PATCH', path: target, body: '{"metadata":{"creationTimestamp":"2001-01-01T00:00:00Z"}}', contentType: mergePatch }, code: 422, reason: 'Invalid', message: 'ConfigMap "target" is invalid: metadata.creationTimestamp: Invalid value: "2001-01-01T00:00:00Z": field is immutable' },
    { name: 'a merge patch with a stale resourceVersion', req: { method: 'PATCH', path: target, body: '{"metadata":{"resourceVersion":"1"}}', contentType: mergePatch }, code: 409, reason: 'Conflict', message: /^Operation cannot be fulfilled on configmaps "target": the object has been modified/ },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.code} ${c.reason}`, async () => {
      expectStatus(await send(t.client.transport, c.req), c.code, c.reason, c.message);
    });
  }

  it('no failed write above touched the target object, and nothing was created', async () => {
    expect(await snapshot(t.client.transport, target)).toBe(before);
    const list = await send(t.client.transport, { method: 'GET', path: cms });
    expect((list.body as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name).filter((n) => n !== 'kube-root-ca.crt')).toEqual(['target']);
    const deps = await send(t.client.transport, { method: 'GET', path: deployments });
    expect((deps.body as { items: unknown[] }).items).toEqual([]);
    const ps = await send(t.client.transport, { method: 'GET', path: pods });
    expect((ps.body as { items: unknown[] }).items).toEqual([]);
  });

  it('nothing leaked onto Object.prototype from a __proto__ key', async () => {
    const r = await send(t.client.transport, { method: 'POST', path: cms, query: { dryRun: 'All' }, body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto"},"__proto__":{"polluted":1}}', contentType: json });
    expect(r.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
