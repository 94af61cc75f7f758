// The API server: HTTPS serving with client-certificate and token authentication, routing of
// resource and non-resource paths, and the in-process transport for components in this process.
import https from 'node:https';
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Store } from '../storage/store.js';
import type { RestTransport } from '../client/transport.js';
import type { Logger } from '../api/log.js';
import type { ResourceInfo } from '../api/resources/types.js';
import { builtinResources } from '../api/resources/catalog.js';
import { errors, StatusError } from '../api/errors.js';
import { parseRequestInfo, type ResourceRequestInfo } from './request-info.js';
import type { ApiRequest, ApiResponder, UserInfo } from './http/api-request.js';
import { readBody } from './http/body.js';
import { HttpResponder } from './http/http-responder.js';
import { ResourceHandler } from './handlers/resources.js';
import { GenericRegistry } from './registry/generic-registry.js';
import { createHooks } from './hooks.js';
import { handleNonResource } from './handlers/non-resource.js';
import { handleVirtual, isVirtual } from './handlers/virtual.js';
import { InProcessTransport } from './inprocess-transport.js';
import { bootstrapNamespaces, bootstrapObjects, kubernetesService } from './bootstrap.js';
import { systemPriorityClasses } from './admission/pod-admission.js';
import { listPage } from './registry/list.js';
import { createOpenApiService } from './openapi/index.js';
import { builtinSchemas } from '../api/schema/index.js';
import { checkBodyFields, checkPatchedFields } from './field-checks.js';
import { patchObject } from './patching.js';
import { CustomResourceController } from './crd/crd-controller.js';
import { customStorageForm } from './crd/crd-storage.js';
import { customResourcePrinter } from './tables/index.js';
import { ServiceAccountTokens } from './auth/serviceaccount-tokens.js';
import { createNodeProxy, type NodeProxy, type ProxyTarget } from './proxy/index.js';

export type { UserInfo } from './http/api-request.js';

export interface ApiServerOptions {
  store: Store;
  log: Logger;
  /** PEM of the CA that signs client certificates (x509 authentication). */
  clientCA: string;
  /** Bearer tokens → user (node agents, service accounts later). */
  authenticateToken?: (token: string) => UserInfo | undefined;
  /** Shown by /version. */
  version?: { gitVersion: string; major: string; minor: string };
  /** Seconds pods tolerate not-ready/unreachable nodes unless they say otherwise (default 300). */
  defaultTolerationSeconds?: number;
  /** PEM of the CA that signs the serving certificate, served at /cacerts for joining agents. */
  serverCA?: string;
  /** Service ClusterIP range (default 10.43.0.0/16); its first address is the `kubernetes` Service's. */
  serviceCidr?: string;
  /** The port the `kubernetes` Service sends to (the API server's HTTPS port). */
  advertisePort?: number;
  /** Client certificate the API server presents to node agents (logs, exec, attach, port-forward). */
  kubeletClient?: { cert: string; key: string };
  /** PEM private key (ECDSA P-256) signing service-account tokens; one is generated when absent (tokens then die with the process). */
  serviceAccountKey?: string;
  now?: () => Date;
}

export interface ServingOptions {
  port: number;
  host: string;
  /** PEM serving certificate chain and key. */
  cert: string;
  key: string;
}

const masters: UserInfo = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };
const anonymous: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export class ApiServer {
  private server?: https.Server;
  private ready = false;
  private closing = false;
  private readonly registries = new Map<string, GenericRegistry>();
  private readonly resourceHandler: ResourceHandler;
  private readonly openapi;
  private readonly now: () => Date;
  private readonly openRequests = new Set<AbortController>();
  private resourceList: ResourceInfo[] = [...builtinResources];
  private serverAddress = '127.0.0.1:6443';
  private readonly hooks;
  private readonly crds: CustomResourceController;
  private readonly background = new AbortController();
  private started = false;
  private readonly tokens: ServiceAccountTokens;
  private readonly nodeProxy?: NodeProxy;

  constructor(readonly options: ApiServerOptions) {
    this.now = options.now ?? (() => new Date());
    this.tokens = new ServiceAccountTokens(options.serviceAccountKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    this.crds = new CustomResourceController({ transport: this.inProcessTransport(), log: options.log.child('crd'), onChange: () => this.refreshResources(), now: this.now });
    const hooks = (this.hooks = createHooks({
      lookupNamespace: (name) => this.registry('', 'namespaces').tryGet('', name),
      priorityClass: (name) => this.registry('scheduling.k8s.io', 'priorityclasses').tryGet('', name),
      serviceAccount: (ns, name) => this.registry('', 'serviceaccounts').tryGet(ns, name),
      serviceCidr: options.serviceCidr ?? '10.43.0.0/16',
      defaultTolerationSeconds: options.defaultTolerationSeconds,
      listServices: async () => (await listPage(options.store, { prefix: this.registry('', 'services').listPrefix(''), resourcePrefix: this.registry('', 'services').resourcePrefix() })).items,
      priorityClasses: async () => (await listPage(options.store, { prefix: this.registry('scheduling.k8s.io', 'priorityclasses').listPrefix(''), resourcePrefix: this.registry('scheduling.k8s.io', 'priorityclasses').resourcePrefix() })).items,
      customVersion: (info) => this.crds.version(info.group, info.version, info.resource),
    }));
    this.resourceHandler = new ResourceHandler({
      store: options.store,
      log: options.log,
      registryFor: (info) => this.registryFor(info),
      checkFields: (info, obj, mode, raw) => checkBodyFields(info, obj, mode, raw, this.crds.version(info.group, info.version, info.resource)),
      checkPatched: (info, obj, mode, patch) => checkPatchedFields(info, obj, mode, patch, this.crds.version(info.group, info.version, info.resource)),
      applyPatch: (info, type, current, patch, ctx, force, sub) => patchObject(info, type, current, patch, ctx, force, this.crds.version(info.group, info.version, info.resource), sub),
      scalePathsFor: (info) => this.crds.version(info.group, info.version, info.resource)?.scale,
      printerFor: (info) => {
        const v = this.crds.version(info.group, info.version, info.resource);
        return v ? customResourcePrinter(v.printerColumns) : undefined;
      },
      tokens: this.tokens,
      now: this.now,
    });
    this.registries.clear();
    for (const info of this.resourceList) this.registries.set(regKey(info), new GenericRegistry(info, options.store, hooks));
    if (options.kubeletClient) {
      this.nodeProxy = createNodeProxy({
        lookupPod: (ns, name) => this.registry('', 'pods').tryGet(ns, name),
        lookupNode: (name) => this.registry('', 'nodes').tryGet('', name),
        clientTls: options.kubeletClient,
        log: options.log.child('node-proxy'),
      });
    }
    this.openapi = createOpenApiService({ schemas: builtinSchemas, resources: () => this.resourceList, extraSchemas: () => this.crds.openApiSchemas() });
  }

  /** Re-reads the served custom resources: discovery, routing, registries and OpenAPI follow. */
  private refreshResources(): void {
    const custom = this.crds.resources();
    this.resourceList = [...builtinResources, ...custom];
    const keep = new Set(this.resourceList.map(regKey));
    for (const k of [...this.registries.keys()]) if (!keep.has(k)) this.registries.delete(k);
    for (const info of custom) {
      const key = regKey(info);
      const def = this.crds.definition(info.group, info.resource);
      const existing = this.registries.get(key);
      if (existing && JSON.stringify(existing.info) === JSON.stringify(info)) continue;
      this.registries.set(key, new GenericRegistry(info, this.options.store, this.hooks, def ? customStorageForm(def, info.version) : undefined));
    }
    this.openapi.invalidate();
  }

  /** The resources served now: built-in and custom. */
  resources(): readonly ResourceInfo[] {
    return this.resourceList;
  }

  private registry(group: string, resource: string): GenericRegistry {
    const info = this.resourceList.find((r) => r.group === group && r.resource === resource && !r.virtual);
    if (!info) throw new Error(`no resource ${resource}.${group}`);
    return this.registryFor(info);
  }

  registryFor(info: ResourceInfo): GenericRegistry {
    // Versions of one group-resource share storage keys (autoscaling v1 and v2 HPAs).
    const r = this.registries.get(regKey(info));
    if (!r) throw errors.notFound(info.group, info.resource, '');
    return r;
  }

  /** Built-in namespaces and the custom resource controller, once. */
  private async startOnce(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await bootstrapNamespaces((ns) => this.registry('', 'namespaces').create('', ns, this.systemContext()));
    await bootstrapObjects(systemPriorityClasses, (pc) => this.registry('scheduling.k8s.io', 'priorityclasses').create('', pc, this.systemContext()));
    await bootstrapObjects([kubernetesService(this.options.serviceCidr ?? '10.43.0.0/16', this.options.advertisePort ?? 6443)], (svc) => this.registry('', 'services').create('default', svc, this.systemContext()));
    this.crds.start(this.background.signal).catch((e) => this.options.log.error('custom resource controller stopped', { err: e }));
    await this.crds.waitForSync(this.background.signal);
  }

  async listen(serving: ServingOptions): Promise<{ port: number }> {
    await this.startOnce();
    const server = https.createServer({
      cert: serving.cert, key: serving.key, ca: this.options.clientCA,
      requestCert: true, rejectUnauthorized: false,
      keepAliveTimeout: 65_000,
      // Long label selectors and names in URLs: upstream accepts about 1 MB of headers.
      maxHeaderSize: 1024 * 1024,
    }, (req, res) => { void this.serveHttp(req, res); });
    server.on('clientError', (_err, socket) => socket.destroy());
    // Node pauses a keep-alive connection's parser while the previous response has not drained
    // from the socket's 16 KiB write buffer, and over TLS the next request's body then fails the
    // parser (HPE_PAUSED): clients that reuse connections after large responses (helm's release
    // Secrets) saw EOF. A larger write buffer per connection keeps responses from backing up.
    server.on('secureConnection', (socket) => {
      const state = (socket as unknown as { _writableState?: { highWaterMark: number } })._writableState;
      if (state) state.highWaterMark = 64 * 1024 * 1024;
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => { void this.serveUpgrade(req, socket, head); });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(serving.port, serving.host, () => { server.off('error', reject); resolve(); });
    });
    const port = (server.address() as AddressInfo).port;
    this.serverAddress = `${serving.host === '0.0.0.0' || serving.host === '::' ? '127.0.0.1' : serving.host}:${port}`;
    this.ready = true;
    return { port };
  }

  /** Prepares storage (built-in namespaces) without serving HTTPS; for in-process use and tests. */
  async start(): Promise<void> {
    await this.startOnce();
    this.ready = true;
  }

  inProcessTransport(user: UserInfo = masters): RestTransport {
    return new InProcessTransport((req, res) => this.dispatch(req, res), user);
  }

  isReady(): boolean {
    return this.ready && !this.closing;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.background.abort();
    for (const c of this.openRequests) c.abort();
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  private systemContext() {
    return { user: masters, dryRun: false, warnings: [] as string[], now: this.now, fieldManager: 'kites' };
  }

  private authenticate(req: IncomingMessage): UserInfo | undefined {
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const cert = socket.getPeerCertificate();
      if (cert?.subject) {
        const cn = cert.subject.CN;
        const o = cert.subject.O;
        const groups = (Array.isArray(o) ? o : o ? [o] : []).concat('system:authenticated');
        if (cn) return { username: Array.isArray(cn) ? cn[0] : cn, groups };
      }
    }
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const token = auth.slice(7).trim();
      return this.tokens.authenticate(token, this.now()) ?? this.options.authenticateToken?.(token);
    }
    return undefined;
  }

  private async serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const abort = new AbortController();
    this.openRequests.add(abort);
    res.on('close', () => { abort.abort(); this.openRequests.delete(abort); });
    const responder = new HttpResponder(res, req.headers.accept);
    const user = this.authenticate(req);
    const apiReq: ApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers as Record<string, string | undefined>,
      body: (() => { let p: Promise<Buffer> | undefined; return () => (p ??= readBody(req)); })(),
      user: user ?? anonymous,
      signal: abort.signal,
    };
    if (!user && !isPublicPath(url.pathname)) {
      req.resume();
      responder.error(errors.unauthorized());
      return;
    }
    const target = this.nodeProxy && podStreamTarget(req.method ?? 'GET', url);
    if (target) {
      try {
        await this.nodeProxy!.handleRequest(req, res, target);
      } catch (e) {
        responder.error(e instanceof StatusError ? e : errors.internal(String((e as Error)?.message ?? e)));
      }
      return;
    }
    await this.dispatch(apiReq, responder);
  }

  /** WebSocket and SPDY upgrades: exec, attach and port-forward, proxied to the pod's node agent. */
  private async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const fail = (err: StatusError) => {
      const body = JSON.stringify(err.toStatus());
      socket.end(`HTTP/1.1 ${err.code} ${err.reason || 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    socket.on('error', () => {});
    if (!this.authenticate(req)) return fail(errors.unauthorized());
    const target = this.nodeProxy && podStreamTarget(req.method ?? 'GET', url);
    if (!target) return fail(errors.badRequest('upgrade is only supported for pods/exec, pods/attach and pods/portforward'));
    try {
      await this.nodeProxy!.handleUpgrade(req, socket, head, target);
    } catch (e) {
      fail(e instanceof StatusError ? e : errors.internal(String((e as Error)?.message ?? e)));
    }
  }

  /** Routes one request; never throws (errors become Status responses). */
  async dispatch(req: ApiRequest, res: ApiResponder): Promise<void> {
    try {
      const ri = parseRequestInfo(req.method, req.path, req.query);
      if (!ri.isResourceRequest) {
        const handled = await handleNonResource(req, res, {
          groups: () => this.resourceList,
          isReady: () => this.isReady(),
          serverAddress: () => this.serverAddress,
          version: this.options.version,
          openapi: this.openapi,
          serverCA: this.options.serverCA,
          clientCA: this.options.clientCA,
        });
        if (!handled) throw notFoundPath();
        return;
      }
      const info = this.resolve(ri);
      if (isVirtual(info)) return await handleVirtual(info, ri, req, res, (t) => this.tokens.authenticate(t, this.now()) ?? this.options.authenticateToken?.(t));
      await this.resourceHandler.handle(info, ri, req, res);
    } catch (e) {
      if (!(e instanceof StatusError)) this.options.log.error('request failed', { method: req.method, path: req.path, err: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      const err = e instanceof StatusError ? e : errors.internal(e instanceof Error ? e.message : String(e), e);
      if (res.sent) return;
      res.error(err);
    }
  }

  private resolve(ri: ResourceRequestInfo): ResourceInfo {
    const info = this.resourceList.find((r) => r.group === ri.group && r.version === ri.version && r.resource === ri.resource);
    if (!info) throw notFoundPath();
    return info;
  }
}

/** pods/{log,exec,attach,portforward}: served by the pod's node agent through the proxy. */
function podStreamTarget(method: string, url: URL): ProxyTarget | undefined {
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(log|exec|attach|portforward)$/.exec(url.pathname);
  if (!m) return undefined;
  if (m[3] === 'log' && method !== 'GET') return undefined;
  return { namespace: decodeURIComponent(m[1]), pod: decodeURIComponent(m[2]), subresource: m[3], query: url.searchParams };
}

function regKey(info: ResourceInfo): string {
  return `${info.group}/${info.version}/${info.resource}`;
}

function notFoundPath(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', { causes: [] });
}

// Reachable without credentials: health, version and discovery.
function isPublicPath(path: string): boolean {
  if (path === '/healthz' || path === '/livez' || path === '/readyz' || path === '/version' || path === '/version/' || path === '/cacerts') return true;
  if (/^\/(healthz|livez|readyz)\/[a-z0-9-]+$/.test(path)) return true;
  if (path === '/api' || path === '/api/' || path === '/apis' || path === '/apis/' || path === '/api/v1') return true;
  return /^\/apis\/[^/]+(\/[^/]+)?\/?$/.test(path);
}
