import { describe, it, expect } from 'vitest';
import { builtinSchemas } from '../../api/schema/index.js';
import { builtinResources } from '../../api/resources/catalog.js';
import type { ResourceInfo } from '../../api/resources/types.js';
import { createOpenApiService, acceptsJson } from './service.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const q = (s = '') => new URLSearchParams(s);
const body = (r: { body: Buffer | string } | undefined): Json => JSON.parse(String(r!.body)) as Json;

function service(extra: { resources?: ResourceInfo[]; extraSchemas?: Array<{ group: string; version: string; kind: string; schema: object }> } = {}) {
  let builds = 0;
  const svc = createOpenApiService({
    schemas: builtinSchemas,
    resources: () => { builds++; return extra.resources ?? builtinResources; },
    extraSchemas: () => extra.extraSchemas ?? [],
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  return { svc, builds: () => builds };
}

describe('/openapi/v3 discovery', () => {
  it('lists every served group-version with a content hash', () => {
    const { svc } = service();
    const r = svc.handle('/openapi/v3', q(), 'application/json')!;
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    const paths = body(r).paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/autoscaling/v2', 'apis/apiextensions.k8s.io/v1']));
    expect(paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    expect(r.headers?.ETag).toMatch(/^"[0-9A-F]{128}"$/);
  });

  it('is not an openapi path otherwise', () => {
    const { svc } = service();
    expect(svc.handle('/api/v1', q(), undefined)).toBeUndefined();
    expect(svc.handle('/openapi/v3/apis/nope/v1', q(), undefined)!.status).toBe(404);
  });
});

describe('/openapi/v3/<group-version>', () => {
  it('serves a 3.0 document; a matching hash is immutable, a stale one redirects', () => {
    const { svc } = service();
    const url = (body(svc.handle('/openapi/v3', q(), undefined)).paths as Json)['apis/apps/v1'].serverRelativeURL as string;
    const hash = new URL(url, 'http://x').searchParams.get('hash')!;
    const r = svc.handle('/openapi/v3/apis/apps/v1', q(`hash=${hash}`), 'application/json')!;
    expect(r.status).toBe(200);
    expect(r.headers).toMatchObject({ ETag: `"${hash}"`, 'Cache-Control': 'public, immutable', Expires: 'Fri, 01 Jan 2027 00:00:00 GMT', Vary: 'Accept' });
    const doc = body(r);
    expect(doc.openapi).toBe('3.0.0');
    expect(doc.info).toEqual({ title: 'Kubernetes', version: 'unversioned' });
    const stale = svc.handle('/openapi/v3/apis/apps/v1', q('hash=ABC'), 'application/json')!;
    expect(stale.status).toBe(301);
    expect(stale.headers?.Location).toBe(`/openapi/v3/apis/apps/v1?hash=${hash}`);
    expect(svc.handle('/openapi/v3/apis/apps/v1', q(), undefined, `"${hash}"`)!.status).toBe(304);
  });

  it('answers 406 to protobuf-only requests', () => {
    const { svc } = service();
    expect(svc.handle('/openapi/v3/api/v1', q(), 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf')!.status).toBe(406);
    expect(svc.handle('/openapi/v3/api/v1', q(), 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf, application/json')!.status).toBe(200);
    expect(acceptsJson('*/*')).toBe(true);
    expect(acceptsJson('application/json;q=0')).toBe(false);
  });

  it('every PATCH declares fieldValidation, dryRun, fieldManager, force and strategic merge patch for built-ins', () => {
    const { svc } = service();
    const discovery = body(svc.handle('/openapi/v3', q(), undefined)).paths as Json;
    let patches = 0;
    for (const key of Object.keys(discovery)) {
      const doc = body(svc.handle(`/openapi/v3/${key}`, q(), undefined));
      for (const item of Object.values(doc.paths as Json)) {
        const patch = (item as Json).patch as Json | undefined;
        if (!patch) continue;
        patches++;
        const names = (patch.parameters as Json[]).map((p) => p.name);
        expect(names).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
        expect(Object.keys(patch.requestBody.content)).toContain('application/strategic-merge-patch+json');
        expect(patch['x-kubernetes-action']).toBe('patch');
        const gvk = patch['x-kubernetes-group-version-kind'] as Json;
        expect(Object.keys(gvk).sort()).toEqual(['group', 'kind', 'version']);
      }
    }
    expect(patches).toBeGreaterThan(50);
  });

  it('paths, operation ids and GVKs follow upstream', () => {
    const { svc } = service();
    const core = body(svc.handle('/openapi/v3/api/v1', q(), undefined));
    const pods = core.paths['/api/v1/namespaces/{namespace}/pods'] as Json;
    expect(pods.get.operationId).toBe('listCoreV1NamespacedPod');
    expect(pods.get['x-kubernetes-action']).toBe('list');
    expect(pods.get['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'Pod', version: 'v1' });
    expect(pods.get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/io.k8s.api.core.v1.PodList');
    expect(pods.post.parameters.map((p: Json) => p.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation']);
    expect(pods.post.requestBody.content['*/*'].schema.$ref).toBe('#/components/schemas/io.k8s.api.core.v1.Pod');
    expect(pods.parameters.map((p: Json) => `${p.in}:${p.name}`)).toEqual(['path:namespace', 'query:pretty']);
    expect(core.paths['/api/v1/pods'].get.operationId).toBe('listCoreV1PodForAllNamespaces');
    const pod = core.paths['/api/v1/namespaces/{namespace}/pods/{name}'] as Json;
    expect(pod.get.operationId).toBe('readCoreV1NamespacedPod');
    expect(pod.delete.requestBody.content['*/*'].schema.$ref).toBe('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch.operationId).toBe('patchCoreV1NamespacedPodStatus');
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec']).toBeUndefined();
    expect(core.paths['/api/v1/nodes/{name}'].put.operationId).toBe('replaceCoreV1Node');
    const apps = body(svc.handle('/openapi/v3/apis/apps/v1', q(), undefined));
    const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'] as Json;
    expect(scale.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', kind: 'Scale', version: 'v1' });
    expect(scale.get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/io.k8s.api.autoscaling.v1.Scale');
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].delete.operationId).toBe('deleteAppsV1CollectionNamespacedDeployment');
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].get.tags).toEqual(['apps_v1']);
  });

  it('schemas: types, formats, refs via allOf, required, list/map/patch extensions', () => {
    const { svc } = service();
    const schemas = body(svc.handle('/openapi/v3/api/v1', q(), undefined)).components.schemas as Json;
    const pod = schemas['io.k8s.api.core.v1.Pod'];
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(pod.properties.apiVersion).toEqual({ type: 'string' });
    expect(pod.properties.metadata).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }], default: {} });
    const spec = schemas['io.k8s.api.core.v1.PodSpec'];
    expect(spec.required).toEqual(['containers']);
    expect(spec.properties.containers).toMatchObject({
      type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge',
      items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }], default: {} },
    });
    expect(spec.properties.nodeSelector).toMatchObject({ type: 'object', additionalProperties: { type: 'string', default: '' }, 'x-kubernetes-map-type': 'atomic' });
    expect(spec.properties.terminationGracePeriodSeconds).toEqual({ type: 'integer', format: 'int64' });
    // Volume's source is an embedded struct: its fields sit on Volume itself.
    expect(schemas['io.k8s.api.core.v1.Volume'].properties.configMap.allOf[0].$ref).toBe('#/components/schemas/io.k8s.api.core.v1.ConfigMapVolumeSource');
    expect(schemas['io.k8s.api.core.v1.Volume'].properties.volumeSource).toBeUndefined();
    expect(schemas['io.k8s.api.core.v1.Container'].properties.ports.items.allOf[0].$ref).toBe('#/components/schemas/io.k8s.api.core.v1.ContainerPort');
    expect(schemas['io.k8s.api.core.v1.ResourceRequirements'].properties.limits.additionalProperties).toEqual({ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' });
    expect(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time']).toEqual({ format: 'date-time', type: 'string' });
    expect(schemas['io.k8s.api.core.v1.Secret'].properties.data.additionalProperties).toEqual({ type: 'string', format: 'byte', default: '' });
    expect(schemas['io.k8s.api.core.v1.LocalObjectReference']['x-kubernetes-map-type']).toBe('atomic');
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch']).toEqual({ type: 'object' });
    // Every kind's GVK appears on exactly one schema (kubectl explain picks the first match).
    const seen = new Map<string, string>();
    for (const [name, s] of Object.entries(schemas)) {
      for (const g of ((s as Json)['x-kubernetes-group-version-kind'] ?? []) as Json[]) {
        const key = `${g.group}/${g.version}/${g.kind}`;
        expect(seen.get(key), key).toBeUndefined();
        seen.set(key, name);
      }
    }
  });

  it('a Go slice type is a bare array (UserInfo.extra)', () => {
    const { svc } = service();
    const schemas = body(svc.handle('/openapi/v3/apis/authentication.k8s.io/v1', q(), undefined)).components.schemas as Json;
    expect(schemas['io.k8s.api.authentication.v1.UserInfo'].properties.extra.additionalProperties).toEqual({ type: 'array', items: { type: 'string', default: '' } });
  });

  it('custom resources: schema from extraSchemas, no strategic merge patch, rebuilt after invalidate()', () => {
    const crd: ResourceInfo = { group: 'stable.example.com', version: 'v1', resource: 'crontabs', singular: 'crontab', kind: 'CronTab', namespaced: true, verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'] };
    const { svc, builds } = service({
      resources: [...builtinResources, crd],
      extraSchemas: [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab', schema: { type: 'object', properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string' } } } } } }],
    });
    const doc = body(svc.handle('/openapi/v3/apis/stable.example.com/v1', q(), undefined));
    const s = doc.components.schemas['com.example.stable.v1.CronTab'];
    expect(s.properties.spec.properties.cronSpec).toEqual({ type: 'string' });
    expect(s.properties.metadata.allOf[0].$ref).toBe('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(s['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
    expect(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    const patch = doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch;
    expect(Object.keys(patch.requestBody.content)).not.toContain('application/strategic-merge-patch+json');
    expect(patch.parameters.map((p: Json) => p.name)).toContain('fieldValidation');
    expect(doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs'].get.responses['200'].content['application/json'].schema.$ref)
      .toBe('#/components/schemas/com.example.stable.v1.CronTabList');
    expect(builds()).toBe(1);
    svc.handle('/openapi/v3', q(), undefined);
    expect(builds()).toBe(1);
    svc.invalidate();
    svc.handle('/openapi/v3', q(), undefined);
    expect(builds()).toBe(2);
  });
});

describe('/openapi/v2', () => {
  it('serves swagger 2.0 JSON with definitions and GVKs, 406 for protobuf-only clients', () => {
    const { svc } = service();
    const r = svc.handle('/openapi/v2', q(), 'application/json')!;
    expect(r.status).toBe(200);
    const doc = body(r);
    expect(doc.swagger).toBe('2.0');
    expect(doc.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(doc.definitions['io.k8s.api.apps.v1.Deployment'].properties.spec).toEqual({ $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentSpec' });
    expect(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ format: 'int-or-string', type: 'string' });
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch.consumes).toContain('application/strategic-merge-patch+json');
    expect(patch.parameters.map((p: Json) => p.name)).toEqual(['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(svc.handle('/openapi/v2', q(), 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf')!.status).toBe(406);
  });
});

describe('customResourceSchemas', () => {
  it('takes each served version of a CRD', async () => {
    const { customResourceSchemas } = await import('./custom-resources.js');
    const crd = {
      spec: {
        group: 'demo.example.com', names: { kind: 'Widget' },
        versions: [
          { name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } },
          { name: 'v1beta1', served: false },
          { name: 'v2', served: true },
        ],
      },
    };
    expect(customResourceSchemas([crd, {}])).toEqual([
      { group: 'demo.example.com', version: 'v1', kind: 'Widget', schema: { type: 'object', properties: { spec: { type: 'object' } } } },
      { group: 'demo.example.com', version: 'v2', kind: 'Widget', schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    ]);
  });
});
