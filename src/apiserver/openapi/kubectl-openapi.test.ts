// End-to-end checks with the real kubectl: `kubectl explain` resolves the resource through
// discovery (a minimal stub below) and reads our /openapi/v3 documents; `kubectl create
// --validate=strict` decides from the PATCH operation's parameters to leave validation to us;
// `kubectl apply` builds its strategic merge patch from the documents' patch metadata.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { builtinSchemas } from '../../api/schema/index.js';
import { builtinResources } from '../../api/resources/catalog.js';
import type { ResourceInfo } from '../../api/resources/types.js';
import { createOpenApiService } from './service.js';

function hasKubectl(): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, 'kubectl')));
}

/** Legacy (non-aggregated) discovery documents for the given resources. */
function discoveryStub(resources: ResourceInfo[], path: string): unknown {
  const groups = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!groups.has(r.group)) groups.set(r.group, new Set());
    groups.get(r.group)!.add(r.version);
  }
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    return {
      kind: 'APIGroupList', apiVersion: 'v1',
      groups: [...groups.entries()].filter(([g]) => g !== '').map(([name, versions]) => ({
        name,
        versions: [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${name}/${[...versions][0]}`, version: [...versions][0] },
      })),
    };
  }
  const m = /^\/(?:api\/(v[^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const group = m[1] ? '' : m[2];
  const version = m[1] ?? m[3];
  const list = resources.filter((r) => r.group === group && r.version === version);
  if (list.length === 0) return undefined;
  const entries = [];
  for (const r of list) {
    entries.push({ name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: r.shortNames });
    for (const s of r.subresources ?? []) entries.push({ name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind ?? r.kind, verbs: s.verbs });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: entries };
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A custom resource as the CRD of the acceptance chart defines it. */
const widget: ResourceInfo = {
  group: 'demo.example.com', version: 'v1', resource: 'widgets', singular: 'widget', kind: 'Widget', namespaced: true, shortNames: ['wg'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
};
const widgetSchema = {
  group: 'demo.example.com', version: 'v1', kind: 'Widget',
  schema: {
    type: 'object',
    properties: {
      spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 1, maximum: 10 }, color: { type: 'string', enum: ['red', 'green', 'blue'] } } },
      status: { type: 'object', properties: { ready: { type: 'boolean' } } },
    },
  },
};
const resources = [...builtinResources, widget];

describe.skipIf(!hasKubectl())('kubectl against the OpenAPI service', () => {
  let server: Server;
  let dir: string;
  let base: string[];
  let env: NodeJS.ProcessEnv;
  const requests: string[] = [];
  const created: string[] = [];
  const patches: Array<{ contentType: string; query: string; body: string }> = [];
  const applied = (containers: Array<{ name: string; image: string }>) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
  });
  const lastApplied = applied([{ name: 'a', image: 'nginx:1' }]);
  const liveDeployment = {
    ...lastApplied,
    metadata: { ...lastApplied.metadata, uid: 'u1', resourceVersion: '5', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(lastApplied) } },
  };

  beforeAll(async () => {
    const openapi = createOpenApiService({ schemas: builtinSchemas, resources: () => resources, extraSchemas: () => [widgetSchema] });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const answer = openapi.handle(url.pathname, url.searchParams, req.headers.accept, req.headers['if-none-match']);
      if (answer) {
        res.writeHead(answer.status, { 'Content-Type': answer.contentType, ...answer.headers });
        res.end(answer.body);
        return;
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/namespaces/default/configmaps') {
        // Enough of a create for kubectl: echo the object back.
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          created.push(`${url.search} ${body}`);
          res.writeHead(201, { 'Content-Type': 'application/json' });
          res.end(body);
        });
        return;
      }
      if (url.pathname === '/apis/apps/v1/namespaces/default/deployments/web') {
        // A live object last applied with one container; kubectl apply computes a 3-way patch.
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          if (req.method === 'PATCH') patches.push({ contentType: String(req.headers['content-type']), query: url.search, body });
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(liveDeployment));
        });
        return;
      }
      const doc = req.method === 'GET' ? discoveryStub(resources, url.pathname) : undefined;
      if (doc) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(doc));
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), 'kites-openapi-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig };
    base = [`--server=http://127.0.0.1:${port}`, `--cache-dir=${join(dir, 'cache')}`];
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl explain pod.spec.containers.image', async () => {
    const r = await run([...base, 'explain', 'pod.spec.containers.image'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('KIND:       Pod');
    expect(r.stdout).toContain('VERSION:    v1');
    expect(r.stdout).toContain('FIELD: image <string>');
  });

  it('kubectl explain lists fields with types and required markers', async () => {
    const r = await run([...base, 'explain', 'deployments.spec'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('GROUP:      apps');
    expect(r.stdout).toContain('FIELD: spec <DeploymentSpec>');
    expect(r.stdout).toMatch(/selector\t<LabelSelector> -required-/);
    expect(r.stdout).toMatch(/replicas\t<integer>/);
    expect(r.stdout).toMatch(/strategy\t<DeploymentStrategy>/);
  });

  it('kubectl explain follows maps of quantities and int-or-string', async () => {
    const limits = await run([...base, 'explain', 'pod.spec.containers.resources.limits'], env);
    expect(limits.code).toBe(0);
    expect(limits.stdout).toContain('FIELD: limits <map[string]Quantity>');
    const port = await run([...base, 'explain', 'service.spec.ports.targetPort'], env);
    expect(port.code).toBe(0);
    expect(port.stdout).toContain('FIELD: targetPort <IntOrString>');
  });

  it('kubectl create --validate=strict trusts the server because PATCH declares fieldValidation', async () => {
    const manifest = join(dir, 'cm.json');
    // An unknown field: client-side validation would reject it (and would need /openapi/v2);
    // server-side validation means kubectl sends it with fieldValidation=Strict.
    writeFileSync(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { a: 'b' }, datta: 1 }));
    const r = await run([...base, 'create', '--validate=strict', '-f', manifest], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(created.some((c) => c.includes('fieldValidation=Strict'))).toBe(true);
    expect(requests.some((q) => q.startsWith('GET /openapi/v2'))).toBe(false);
  });

  it('kubectl apply builds a strategic merge patch from the v3 patch metadata', async () => {
    const manifest = join(dir, 'deploy.json');
    writeFileSync(manifest, JSON.stringify(applied([{ name: 'a', image: 'nginx:2' }, { name: 'b', image: 'busybox' }])));
    // -v=5 makes kubectl log when it cannot use the v3 document for the patch and falls back.
    const r = await run([...base, 'apply', '-v=5', '-f', manifest], env);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/OpenAPI V3 path does not|error calculating patch|warning/i);
    expect(requests.some((x) => x.startsWith('GET /openapi/v3/apis/apps/v1?hash='))).toBe(true);
    expect(patches).toHaveLength(1);
    expect(patches[0].contentType).toBe('application/strategic-merge-patch+json');
    expect(patches[0].query).toContain('fieldValidation=Strict');
    const patch = JSON.parse(patches[0].body) as { spec: { template: { spec: Record<string, unknown> } } };
    // Merge by the `name` key, as x-kubernetes-patch-merge-key says.
    expect(patch.spec.template.spec['$setElementOrder/containers']).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(patch.spec.template.spec.containers).toEqual(expect.arrayContaining([{ image: 'nginx:2', name: 'a' }, { image: 'busybox', name: 'b' }]));
  });

  it('kubectl explain on a custom resource reads the CRD schema', async () => {
    const r = await run([...base, 'explain', 'widget.spec'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('GROUP:      demo.example.com');
    expect(r.stdout).toContain('KIND:       Widget');
    expect(r.stdout).toMatch(/size\t<integer> -required-/);
    expect(r.stdout).toMatch(/color\t<string>\n\s+enum: red, green, blue/);
  });
});
