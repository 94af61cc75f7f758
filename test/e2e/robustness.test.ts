// The real `kites server` over HTTPS under hostile input: oversized and truncated bodies, protobuf
// garbage, racing writers, and what kubectl prints for bad manifests. The server must answer each
// with upstream's Status and stay up with its data intact.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './helpers/cluster.js';
import { credentials, rawRequest, type RawResponse } from './robustness-http.js';

const cms = '/api/v1/namespaces/default/configmaps';
const jsonHeaders = { 'content-type': 'application/json' };

function status(r: RawResponse): { code: number; reason: string; message: string; kind: string } {
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(r.body) as { code: number; reason: string; message: string; kind: string };
}

describe('kites server under hostile input', () => {
  let cluster: TestCluster;
  let creds: ReturnType<typeof credentials>;
  beforeAll(async () => {
    cluster = await startTestCluster({ args: ['--disable-agent'] });
    creds = credentials(cluster.kubeconfig);
  });
  afterAll(async () => { await cluster?.stop(); });

  const healthy = async () => {
    const h = await rawRequest(creds, { method: 'GET', path: '/healthz' });
    expect(`${h.status} ${h.body}`).toBe('200 ok');
  };

  it('a body over 3 MiB is 413 RequestEntityTooLarge, and nothing is stored', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(4 << 20) } });
    const r = await rawRequest(creds, { method: 'POST', path: cms, body, headers: jsonHeaders });
    expect(r.status).toBe(413);
    expect(status(r)).toMatchObject({ kind: 'Status', code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' });
    expect((await rawRequest(creds, { method: 'GET', path: `${cms}/big` })).status).toBe(404);
    await healthy();
  });

  it('protobuf garbage behind the k8s\\0 magic is 400 BadRequest', async () => {
    const r = await rawRequest(creds, {
      method: 'POST', path: cms, body: Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]),
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
    });
    expect(r.status).toBe(400);
    expect(status(r)).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
    await healthy();
  });

  it('a client that hangs up mid-body leaves the server up and stores nothing', async () => {
    const url = new URL(creds.server);
    await new Promise<void>((resolve) => {
      const s = tls.connect({ host: url.hostname, port: Number(url.port), ca: creds.ca, cert: creds.cert, key: creds.key }, () => {
        s.write(`POST ${cms} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"half"`);
        setTimeout(() => { s.destroy(); resolve(); }, 100);
      });
      s.on('error', () => resolve());
    });
    await healthy();
    expect((await rawRequest(creds, { method: 'GET', path: `${cms}/half` })).status).toBe(404);
  });

  it('20 HTTPS updates from one resourceVersion: exactly one wins', async () => {
    const created = await rawRequest(creds, { method: 'POST', path: cms, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'race' }, data: { n: 'start' } }), headers: jsonHeaders });
    expect(created.status).toBe(201);
    const rv = (JSON.parse(created.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => rawRequest(creds, {
      method: 'PUT', path: `${cms}/race`, headers: jsonHeaders,
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'race', resourceVersion: rv }, data: { n: String(i) } }),
    })));
    expect(rs.filter((r) => r.status === 200)).toHaveLength(1);
    expect(rs.filter((r) => r.status === 409)).toHaveLength(19);
    const winner = JSON.parse(rs.find((r) => r.status === 200)!.body) as { data: unknown };
    expect((JSON.parse((await rawRequest(creds, { method: 'GET', path: `${cms}/race` })).body) as { data: unknown }).data).toEqual(winner.data);
  });

  it('kubectl prints the field for a wrongly typed value', async () => {
    const r = await cluster.kubectl(['apply', '-f', '-'], {
      input: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: "x"\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  });

  it('kubectl prints the field for an invalid name', async () => {
    const r = await cluster.kubectl(['create', 'configmap', 'Bad_Name']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters');
  });

  it('kubectl (strict validation by default) prints the unknown field', async () => {
    const r = await cluster.kubectl(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: u\nbogus: 1\ndata: {a: b}\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"');
    await healthy();
  });
});
