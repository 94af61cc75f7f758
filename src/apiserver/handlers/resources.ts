// Serves resource requests (get, list, watch, create, update, patch, delete, deletecollection)
// for every resource through the generic registry, plus the status and scale subresources.
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject, StoredObject, WatchEvent } from '../../api/types.js';
import { errors, fieldErrors, StatusError, type FieldError } from '../../api/errors.js';
import type { Logger } from '../../api/log.js';
import type { ApiRequest, ApiResponder } from '../http/api-request.js';
import type { ResourceRequestInfo } from '../request-info.js';
import { decodeBody, decodePatchBody, mediaType, type DecodedBody } from '../http/body.js';
import { negotiateObjectForm, tableIncludeObject } from '../http/negotiate.js';
import type { GenericRegistry, DeleteOptions, RequestContext } from '../registry/generic-registry.js';
import { listPage } from '../registry/list.js';
import { startWatch } from '../registry/watch.js';
import { buildFilter } from '../registry/filters.js';
import type { Store } from '../../storage/store.js';
import { buildTable, type Printer } from '../tables/index.js';
import { toPartial, toPartialList } from './partial.js';
import { scaleOf, applyScale, type ScalePaths } from './scale.js';
import { bindPod } from './binding.js';
import { requestToken } from './token-request.js';
import { evictPod } from './eviction.js';
import type { ServiceAccountTokens } from '../auth/serviceaccount-tokens.js';

export interface ResourceHandlerDeps {
  store: Store;
  log: Logger;
  registryFor(info: ResourceInfo): GenericRegistry;
  /** Schema-driven checks of a decoded body: unknown fields (per fieldValidation) and types. */
  checkFields(info: ResourceInfo, obj: KubeObject, mode: FieldValidationMode, rawJson?: string): string[];
  /** The same checks on a patch result (failures are an invalid patch, 422). */
  checkPatched(info: ResourceInfo, obj: KubeObject, mode: FieldValidationMode, patch: unknown): string[];
  /** Applies a patch document of `type` to `current`. */
  applyPatch(info: ResourceInfo, type: string, current: StoredObject, patch: unknown, ctx: RequestContext, force: boolean, subresource: string): KubeObject;
  /** The table printer of custom resources (additionalPrinterColumns). */
  printerFor(info: ResourceInfo): Printer | undefined;
  /** The scale paths of a custom resource (undefined: built-in .spec.replicas). */
  scalePathsFor(info: ResourceInfo): ScalePaths | undefined;
  tokens: ServiceAccountTokens;
  now(): Date;
}

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

const patchTypes = new Set([
  'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml',
]);

export class ResourceHandler {
  constructor(private readonly deps: ResourceHandlerDeps) {}

  async handle(info: ResourceInfo, ri: ResourceRequestInfo, req: ApiRequest, rawRes: ApiResponder): Promise<void> {
    const registry = this.deps.registryFor(info);
    const ctx = this.context(req, ri.verb);
    // Warnings gathered while handling travel as headers, so they go out before the body does.
    const res = withWarnings(rawRes, ctx.warnings);
    const sub = ri.subresource;
    if (sub && !info.subresources?.some((s) => s.name === sub)) throw notFoundPath();
    if (info.namespaced && !ri.namespace && ri.name) throw notFoundPath();
    if (!info.namespaced && ri.namespace) throw notFoundPath();
    checkVerb(info, ri, req.method);
    if (sub === 'token' && info.group === '' && info.resource === 'serviceaccounts') {
      return requestToken(registry, this.deps.tokens, ri, await this.decode(req), ctx, res);
    }
    if (sub === 'eviction' && info.group === '' && info.resource === 'pods') {
      const pdbs = this.deps.registryFor({ group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' } as ResourceInfo);
      return evictPod(registry, pdbs, this.deps.store, ri, await this.decode(req), ctx, res);
    }
    if (sub === 'binding' && info.group === '' && info.resource === 'pods') {
      return bindPod(registry, ri, await this.decode(req), ctx, res);
    }
    if (sub && sub !== 'status' && sub !== 'scale' && !(sub === 'finalize' && info.resource === 'namespaces')) {
      throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    }
    await this.dispatch(info, ri, req, res, registry, ctx);
  }

  private async dispatch(info: ResourceInfo, ri: ResourceRequestInfo, req: ApiRequest, res: ApiResponder, registry: GenericRegistry, ctx: RequestContext): Promise<void> {
    const ns = ri.namespace;
    switch (ri.verb) {
      case 'get': {
        const obj = await registry.get(ns, ri.name);
        if (ri.subresource === 'scale') return res.object(200, scaleOf(info, obj, this.deps.scalePathsFor(info)));
        return this.respondObject(info, req, res, 200, obj);
      }
      case 'list': return this.list(info, ri, req, res);
      case 'watch': return this.watch(info, ri, req, res);
      case 'create': {
        if (ri.name && !ri.subresource) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
        const decoded = await this.decode(req);
        const obj = this.checked(info, decoded, req, ctx);
        const created = await registry.create(ns, obj, ctx);
        return this.respondObject(info, req, res, 201, created);
      }
      case 'update': {
        const decoded = await this.decode(req);
        const obj = ri.subresource === 'scale' ? decoded.object : this.checked(info, decoded, req, ctx);
        checkBodyIdentity(info, ri, obj);
        if (ri.subresource === 'scale') {
          const scale = decoded.object;
          const updated = await registry.guaranteedUpdate(ns, ri.name, ctx, '', (cur) => {
            const want = (scale.metadata?.resourceVersion as string | undefined);
            if (want && want !== cur.metadata.resourceVersion) throw errors.resourceVersionConflict(info.group, info.resource, ri.name);
            return applyScale(cur, scale, this.deps.scalePathsFor(info));
          });
          return res.object(200, scaleOf(info, updated, this.deps.scalePathsFor(info)));
        }
        if (ri.subresource === 'finalize') {
          const updated = await registry.guaranteedUpdate(ns, ri.name, ctx, '', (cur) => ({ ...cur, spec: { ...(cur.spec as object), finalizers: (obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] } }));
          return this.respondObject(info, req, res, 200, updated);
        }
        if (ri.subresource === 'status') {
          const want = obj.metadata?.resourceVersion;
          const updated = await registry.guaranteedUpdate(ns, ri.name, ctx, 'status', (cur) => {
            if (want && want !== cur.metadata.resourceVersion) throw errors.resourceVersionConflict(info.group, info.resource, ri.name);
            return obj;
          });
          return this.respondObject(info, req, res, 200, updated);
        }
        const { object, created } = await registry.update(ns, ri.name, obj, ctx);
        return this.respondObject(info, req, res, created ? 201 : 200, object);
      }
      case 'patch': return this.patch(info, ri, req, res, registry, ctx);
      case 'delete': {
        const options = await this.deleteOptions(req);
        const { object, deleted } = await registry.delete(ns, ri.name, options, ctx);
        return this.respondObject(info, req, res, deleted || !options.orphanDependents ? 200 : 202, object);
      }
      case 'deletecollection': return this.deleteCollection(info, ri, req, res, registry, ctx);
    }
  }

  private context(req: ApiRequest, verb: string): RequestContext {
    const dryRun = req.query.getAll('dryRun');
    const invalidOptions = (e: FieldError) => errors.invalid('meta.k8s.io', optionsKind(verb), '', [e]);
    if (dryRun.some((d) => d !== 'All')) throw invalidOptions(fieldErrors.notSupported('dryRun', dryRun, ['All']));
    const fieldManager = req.query.get('fieldManager') ?? undefined;
    if (fieldManager !== undefined && fieldManager.length > 128) throw invalidOptions(fieldErrors.tooLong('fieldManager', fieldManager, 128));
    if (fieldManager !== undefined && /[^\x20-\x7e]/.test(fieldManager)) throw invalidOptions(fieldErrors.invalid('fieldManager', fieldManager, 'must only contain printable characters'));
    if (req.query.has('fieldValidation') && !['', 'Ignore', 'Strict', 'Warn'].includes(req.query.get('fieldValidation')!)) {
      throw invalidOptions(fieldErrors.notSupported('fieldValidation', req.query.get('fieldValidation'), ['', 'Ignore', 'Strict', 'Warn']));
    }
    return {
      user: req.user,
      dryRun: dryRun.length > 0,
      fieldManager: fieldManager ?? defaultManager(req.headers['user-agent']),
      warnings: [],
      now: () => this.deps.now(),
    };
  }

  private async decode(req: ApiRequest): Promise<DecodedBody> {
    return decodeBody(await req.body(), req.headers['content-type']);
  }

  private fieldValidation(req: ApiRequest): FieldValidationMode {
    const v = req.query.get('fieldValidation') || 'Warn';
    return v as FieldValidationMode;
  }

  /** Unknown fields per fieldValidation (Strict: 400; Warn: Warning headers), type errors always. */
  private checked(info: ResourceInfo, decoded: DecodedBody, req: ApiRequest, ctx: RequestContext): KubeObject {
    ctx.warnings.push(...this.deps.checkFields(info, decoded.object, this.fieldValidation(req), decoded.rawJson));
    return decoded.object;
  }

  private respondObject(info: ResourceInfo, req: ApiRequest, res: ApiResponder, code: number, obj: StoredObject | KubeObject): void {
    const form = negotiateObjectForm(req.headers.accept);
    if (form === 'table') {
      res.object(code, buildTable(info, [obj], { includeObject: tableIncludeObject(req.query), noHeaders: req.query.get('noHeaders') === 'true', now: this.deps.now(), printer: this.deps.printerFor(info) }));
    } else if (form === 'partial') {
      res.object(code, toPartial(obj));
    } else {
      res.object(code, obj);
    }
  }

  private async list(info: ResourceInfo, ri: ResourceRequestInfo, req: ApiRequest, res: ApiResponder): Promise<void> {
    const q = req.query;
    const { filter } = buildFilter(info, q.get('labelSelector'), q.get('fieldSelector'));
    checkListOptions(q);
    const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw errors.badRequest(`limit: Invalid value: "${q.get('limit')}"`);
    const registry = this.deps.registryFor(info);
    const page = await listPage(this.deps.store, {
      prefix: registry.listPrefix(ri.namespace),
      resourcePrefix: registry.resourcePrefix(),
      convert: registry.fromStorage,
      filter, limit,
      continueToken: q.get('continue') || undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') || undefined,
    });
    const listMeta = { resourceVersion: page.resourceVersion, ...(page.continueToken ? { continue: page.continueToken } : {}), ...(page.remainingItemCount ? { remainingItemCount: page.remainingItemCount } : {}) };
    const form = negotiateObjectForm(req.headers.accept);
    if (form === 'table') {
      return res.object(200, buildTable(info, page.items, { includeObject: tableIncludeObject(q), noHeaders: q.get('noHeaders') === 'true', now: this.deps.now(), listMeta, printer: this.deps.printerFor(info) }));
    }
    if (form === 'partial') return res.object(200, toPartialList(page.items, listMeta));
    res.object(200, {
      apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
      kind: info.listKind ?? `${info.kind}List`,
      metadata: listMeta,
      items: page.items,
    });
  }

  private async watch(info: ResourceInfo, ri: ResourceRequestInfo, req: ApiRequest, res: ApiResponder): Promise<void> {
    const q = req.query;
    const fieldSelector = ri.name ? [`metadata.name=${ri.name}`, q.get('fieldSelector')].filter(Boolean).join(',') : q.get('fieldSelector');
    const { filter } = buildFilter(info, q.get('labelSelector'), fieldSelector);
    const form = negotiateObjectForm(req.headers.accept);
    const includeObject = tableIncludeObject(q);
    // Upstream picks a random timeout in [minRequestTimeout, 2×minRequestTimeout) when none is given.
    const asked = Number(q.get('timeoutSeconds') ?? 0);
    const timeoutSeconds = Number.isFinite(asked) && asked > 0 ? asked : 1800 + Math.floor(Math.random() * 1800);
    const stream = res.stream(200, 'application/json');
    let first = true;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let watcher: { close(): void } | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      stream.end();
    };
    const send = (ev: WatchEvent<unknown>) => {
      if (done) return;
      let object = ev.object;
      if (form === 'table' && ev.type !== 'ERROR' && ev.type !== 'BOOKMARK') {
        const table = buildTable(info, [object as StoredObject], { includeObject, now: this.deps.now(), printer: this.deps.printerFor(info) }) as { columnDefinitions?: unknown[] };
        // Column definitions travel only with the first event, as upstream's watch encoder does.
        if (!first) table.columnDefinitions = [];
        first = false;
        object = table;
      } else if (form === 'partial' && ev.type !== 'ERROR' && ev.type !== 'BOOKMARK') {
        object = toPartial(object as StoredObject);
      }
      if (!stream.write(JSON.stringify({ type: ev.type, object }) + '\n')) finish();
    };
    req.signal.addEventListener('abort', finish, { once: true });
    timer = setTimeout(finish, Math.max(0, timeoutSeconds) * 1000);
    try {
      const registry = this.deps.registryFor(info);
      watcher = await startWatch(this.deps.store, {
        prefix: registry.listPrefix(ri.namespace),
        resourcePrefix: registry.resourcePrefix(),
        convert: registry.fromStorage,
        filter,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        sendInitialEvents: q.get('sendInitialEvents') === 'true',
        allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
        apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
        kind: info.kind,
      }, { send, end: finish });
      if (done) watcher.close();
    } catch (e) {
      const err = e instanceof StatusError ? e : errors.internal(String((e as Error)?.message ?? e));
      send({ type: 'ERROR', object: err.toStatus() });
      finish();
    }
  }

  private async patch(info: ResourceInfo, ri: ResourceRequestInfo, req: ApiRequest, res: ApiResponder, registry: GenericRegistry, ctx: RequestContext): Promise<void> {
    const type = mediaType(req.headers['content-type']);
    if (!patchTypes.has(type)) throw errors.unsupportedMediaType(type);
    const patch = decodePatchBody(await req.body(), type);
    const mode = this.fieldValidation(req);
    const force = req.query.get('force') === 'true';
    if (type === 'application/apply-patch+yaml' && !req.query.get('fieldManager')) {
      throw errors.invalid('meta.k8s.io', 'PatchOptions', '', [fieldErrors.required('fieldManager', 'is required for apply patch')]);
    }
    if (type !== 'application/apply-patch+yaml' && req.query.has('force')) {
      throw errors.invalid('meta.k8s.io', 'PatchOptions', '', [fieldErrors.forbidden('force', 'may not be specified for non-apply patch')]);
    }
    if (ri.subresource === 'scale') {
      const updated = await registry.guaranteedUpdate(ri.namespace, ri.name, ctx, '', (cur) => {
        const scale = this.deps.applyPatch(info, type, scaleOf(info, cur, this.deps.scalePathsFor(info)) as StoredObject, patch, ctx, force, 'scale');
        checkBodyIdentity(info, ri, scale, true);
        return applyScale(cur, scale, this.deps.scalePathsFor(info));
      });
      return res.object(200, scaleOf(info, updated, this.deps.scalePathsFor(info)));
    }
    const sub = ri.subresource === 'status' ? 'status' : '';
    const mutate = (cur: StoredObject): KubeObject => {
      const next = this.deps.applyPatch(info, type, cur, patch, ctx, force, sub);
      checkBodyIdentity(info, ri, next, true);
      const rv = next.metadata?.resourceVersion;
      if (rv && rv !== cur.metadata.resourceVersion) throw errors.resourceVersionConflict(info.group, info.resource, ri.name);
      if (!sub) ctx.warnings.push(...this.deps.checkPatched(info, next, mode, patch));
      return next;
    };
    if (type === 'application/apply-patch+yaml') {
      // Server-side apply creates the object when it does not exist yet.
      const existing = await registry.tryGet(ri.namespace, ri.name);
      if (!existing) {
        const base = { apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind, metadata: { name: ri.name, ...(info.namespaced ? { namespace: ri.namespace } : {}) } } as StoredObject;
        const obj = this.deps.applyPatch(info, type, base, patch, ctx, force, sub);
        ctx.warnings.push(...this.deps.checkPatched(info, obj, mode, patch));
        const created = await registry.create(ri.namespace, obj, ctx);
        return this.respondObject(info, req, res, 201, created);
      }
    }
    const updated = await registry.guaranteedUpdate(ri.namespace, ri.name, ctx, sub, mutate);
    return this.respondObject(info, req, res, 200, updated);
  }

  private async deleteOptions(req: ApiRequest): Promise<DeleteOptions> {
    const body = await req.body();
    let opts: DeleteOptions & Record<string, unknown> = {};
    if (body.length > 0) {
      const decoded = decodeBody(body, req.headers['content-type']).object as Record<string, unknown>;
      if (decoded.kind && decoded.kind !== 'DeleteOptions') throw errors.badRequest(`the body of a delete must be DeleteOptions, not ${String(decoded.kind)}`);
      opts = decoded as DeleteOptions & Record<string, unknown>;
    }
    const q = req.query;
    if (q.get('gracePeriodSeconds') !== null) opts.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
    if (q.get('propagationPolicy')) opts.propagationPolicy = q.get('propagationPolicy') as DeleteOptions['propagationPolicy'];
    if (q.get('orphanDependents') !== null) opts.orphanDependents = q.get('orphanDependents') === 'true';
    if (opts.gracePeriodSeconds !== undefined && (!Number.isInteger(opts.gracePeriodSeconds))) {
      throw errors.badRequest(`gracePeriodSeconds: Invalid value: must be an integer`);
    }
    if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw errors.badRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    if (opts.propagationPolicy && opts.orphanDependents !== undefined) {
      throw errors.badRequest('orphanDependents: Invalid value: both OrphanDependents and PropagationPolicy may not be set');
    }
    return opts;
  }

  private async deleteCollection(info: ResourceInfo, ri: ResourceRequestInfo, req: ApiRequest, res: ApiResponder, registry: GenericRegistry, ctx: RequestContext): Promise<void> {
    const options = await this.deleteOptions(req);
    const { filter } = buildFilter(info, req.query.get('labelSelector'), req.query.get('fieldSelector'));
    const page = await listPage(this.deps.store, { prefix: registry.listPrefix(ri.namespace), resourcePrefix: registry.resourcePrefix(), convert: registry.fromStorage, filter });
    const items: KubeObject[] = [];
    for (const obj of page.items) {
      try {
        items.push((await registry.delete(obj.metadata.namespace ?? '', obj.metadata.name, options, ctx)).object);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) continue;
        throw e;
      }
    }
    res.object(200, { apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.listKind ?? `${info.kind}List`, metadata: { resourceVersion: page.resourceVersion }, items });
  }
}

/** Upstream's default manager: the user agent up to its first '/' (e.g. "kubectl"). */
function defaultManager(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const m = userAgent.split('/')[0].trim();
  return m.slice(0, 128) || undefined;
}

const methodNotAllowed = () => errors.methodNotAllowed('the server does not allow this method on the requested resource');

function notFoundPath(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', { causes: [] });
}

/** 405 for verbs a resource (or its subresource) does not serve, as upstream's routes do. */
function checkVerb(info: ResourceInfo, ri: ResourceRequestInfo, method: string): void {
  const m = method.toUpperCase();
  if (!ri.name && (m === 'PUT' || m === 'PATCH')) throw methodNotAllowed();
  if (ri.name && m === 'POST' && !ri.subresource) throw methodNotAllowed();
  if (!['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m)) throw methodNotAllowed();
  const verbs = (ri.subresource ? info.subresources?.find((s) => s.name === ri.subresource)?.verbs ?? [] : info.verbs) as string[];
  if (!verbs.includes(ri.verb)) throw methodNotAllowed();
}

/** A responder that writes the collected warnings just before the first byte of the answer. */
function withWarnings(res: ApiResponder, warnings: string[]): ApiResponder {
  let flushed = 0;
  const flush = () => {
    if (warnings.length > flushed) res.warnings(warnings.slice(flushed));
    flushed = warnings.length;
  };
  return {
    get sent() { return res.sent; },
    object(code, body, contentType) { flush(); res.object(code, body, contentType); },
    raw(code, contentType, body, headers) { flush(); res.raw(code, contentType, body, headers); },
    error(err) { flush(); res.error(err); },
    warnings(list) { warnings.push(...list); },
    stream(code, contentType) { flush(); return res.stream(code, contentType); },
  };
}

/**
 * The body of a write names what the URL names: kind and apiVersion of the resource (Scale for
 * /scale), the same name and namespace. Patches that try to change them are refused too.
 */
function checkBodyIdentity(info: ResourceInfo, ri: ResourceRequestInfo, obj: KubeObject, patched = false): void {
  const scale = ri.subresource === 'scale';
  const kind = scale ? 'Scale' : info.kind;
  const apiVersion = scale ? 'autoscaling/v1' : info.group ? `${info.group}/${info.version}` : info.version;
  if (obj.kind !== undefined && obj.kind !== kind) {
    if (patched) throw errors.invalid(info.group, info.kind, ri.name, [fieldErrors.invalid('kind', obj.kind, `must be ${kind}`)]);
    throw errors.badRequest(`${kind} in version "${scale ? 'v1' : info.version}" cannot be handled as a ${kind}: the kind in the data (${String(obj.kind)}) does not match the expected kind (${kind})`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    if (patched) throw errors.invalid(info.group, info.kind, ri.name, [fieldErrors.invalid('apiVersion', obj.apiVersion, `must be ${apiVersion}`)]);
    throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  const name = obj.metadata?.name;
  if (name === undefined || name === '') {
    if (!patched) throw errors.badRequest('the name of the object (based on URL) was undeterminable: name must be provided');
  } else if (name !== ri.name) {
    throw errors.badRequest(`the name of the object (${name}) does not match the name on the URL (${ri.name})`);
  }
  const ns = obj.metadata?.namespace;
  if (info.namespaced && ns && ns !== ri.namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

/** The options kind upstream names in a write's option errors (CreateOptions.meta.k8s.io "" is invalid: …). */
function optionsKind(verb: string): string {
  switch (verb) {
    case 'create': return 'CreateOptions';
    case 'update': return 'UpdateOptions';
    case 'patch': return 'PatchOptions';
    case 'delete': case 'deletecollection': return 'DeleteOptions';
    default: return 'ListOptions';
  }
}

/** ListOptions rules upstream enforces with a 422 (ListOptions.meta.k8s.io "" is invalid: …). */
function checkListOptions(q: URLSearchParams): void {
  const bad = (e: FieldError) => errors.invalid('meta.k8s.io', 'ListOptions', '', [e]);
  const match = q.get('resourceVersionMatch');
  if (match) {
    if (!['Exact', 'NotOlderThan'].includes(match)) throw bad(fieldErrors.notSupported('resourceVersionMatch', match, ['', 'Exact', 'NotOlderThan']));
    if (!q.get('resourceVersion')) throw bad(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
  }
  if (q.get('sendInitialEvents') !== null) throw bad(fieldErrors.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
}
