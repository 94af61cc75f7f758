// The ingress controller: watches Ingresses, IngressClasses, Services, EndpointSlices, Secrets
// and Nodes; keeps a route table, a backend pool and a certificate store in step with them; serves
// HTTP and HTTPS (SNI) listeners; writes status.loadBalancer on the Ingresses it serves.
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';
import type { Node, Secret, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Logger } from '../../api/log.js';
import type { StoredObject } from '../../api/types.js';
import {
  InformerFactory, RestClient, WorkQueue, runWorkers, enqueueHandler, splitKey, indexByField, isNotFound,
  type RestTransport, type EventHandler,
} from '../../client/index.js';
import { BackendPool, serviceNameLabel } from './backends.js';
import { CertificateStore } from './certificates.js';
import { Forwarder } from './forwarder.js';
import { serveFastPath, type FastPathOptions } from './fast-path.js';
import { UpstreamPool } from './upstream-pool.js';
import { ensureIngressClass, ingressClassesRef, ourClassNames, servesIngress } from './ingress-class.js';
import { RouteTable } from './routing.js';
import { desiredLoadBalancer, loadBalancerMatches, nodeAddresses } from './status.js';

export interface IngressControllerOptions {
  transport: RestTransport;
  /** 0 picks a free port (tests). */
  httpPort: number;
  httpsPort: number;
  bindAddress?: string;
  log: Logger;
  className?: string;
  /** Addresses written to status.loadBalancer.ingress; default: the nodes' InternalIPs. */
  statusAddresses?: string[];
  /** Plain HTTP through the node:http path only (the fast path is on by default). */
  fastPath?: boolean;
  /** Upstream keep-alive pool size per endpoint. */
  maxSocketsPerEndpoint?: number;
}

export interface IngressController {
  /** The bound ports (differ from the options when they were 0). */
  httpPort: number;
  httpsPort: number;
  stop(): Promise<void>;
}

type Obj<T> = T & StoredObject;
const svcIndex = 'service';

export async function startIngressController(opts: IngressControllerOptions): Promise<IngressController> {
  const log = opts.log.child('ingress');
  const className = opts.className ?? 'kites';
  const client = new RestClient(opts.transport, { fieldManager: 'kites-ingress' });
  await ensureIngressClass(client, className);

  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one signal for every informer and wait of this controller
  const factory = new InformerFactory(client, { log });
  const ingressesRef = { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true };
  const ingresses = factory.informerFor<Obj<Ingress>>(ingressesRef);
  const services = factory.informerFor<Obj<Service>>({ group: '', version: 'v1', resource: 'services', namespaced: true });
  const slices = factory.informerFor<Obj<EndpointSlice>>({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true }, {
    indexers: { [svcIndex]: indexByField((s) => s.metadata.labels?.[serviceNameLabel] ? `${s.metadata.namespace}/${s.metadata.labels[serviceNameLabel]}` : undefined) },
  });
  const secrets = factory.informerFor<Obj<Secret>>({ group: '', version: 'v1', resource: 'secrets', namespaced: true });
  const nodes = opts.statusAddresses ? undefined : factory.informerFor<Obj<Node>>({ group: '', version: 'v1', resource: 'nodes', namespaced: false });

  const pool = new BackendPool({
    service: (ns, name) => services.lister.get(ns, name),
    slices: (ns, name) => slices.lister.byIndex(svcIndex, `${ns}/${name}`),
  });
  const certs = new CertificateStore(log);
  let routes = new RouteTable([]);
  const classes = factory.informerFor<Obj<IngressClass>>(ingressClassesRef);
  const ourClasses = () => ourClassNames(classes.lister.list(), className);
  const served = () => {
    const ours = ourClasses();
    return ingresses.lister.list().filter((i) => servesIngress(i, ours));
  };
  const rebuild = () => {
    const list = served();
    routes = new RouteTable(list);
    certs.rebuild(list, (ns, name) => secrets.lister.get(ns, name));
  };
  // Rebuilds are coalesced: a burst of events (the initial list) costs one rebuild.
  let rebuildScheduled = false;
  const scheduleRebuild = () => {
    if (rebuildScheduled) return;
    rebuildScheduled = true;
    setImmediate(() => { rebuildScheduled = false; rebuild(); });
  };
  const onAny = <T>(fn: () => void): EventHandler<T> => ({ onAdd: fn, onUpdate: fn, onDelete: fn });
  ingresses.addEventHandler(onAny(scheduleRebuild));
  secrets.addEventHandler(onAny(scheduleRebuild));
  services.addEventHandler(onAny(() => pool.invalidate()));
  slices.addEventHandler(onAny(() => pool.invalidate()));

  const statusQueue = new WorkQueue<string>({ name: 'ingress-status' });
  classes.addEventHandler(onAny(() => {
    scheduleRebuild();
    for (const i of ingresses.lister.list()) statusQueue.add(`${i.metadata.namespace}/${i.metadata.name}`);
  }));

  ingresses.addEventHandler(enqueueHandler(statusQueue));
  nodes?.addEventHandler(onAny(() => { for (const i of ingresses.lister.list()) statusQueue.add(`${i.metadata.namespace}/${i.metadata.name}`); }));

  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSocketsPerEndpoint ?? 256, maxFreeSockets: 256, scheduling: 'lifo' });
  const forwarder = new Forwarder({ routes: () => routes, pool, agent, log });
  const upstreams = new UpstreamPool();

  // Plain HTTP is accepted by the fast path, which hands what it does not take to `plain`.
  const plain = http.createServer({ keepAliveTimeout: 75_000 });
  const fastPath: FastPathOptions = {
    routes: () => routes, pool, upstreams, port: 0, log,
    fallback: (socket, buffered) => {
      if (buffered.length) socket.unshift(buffered);
      plain.emit('connection', socket);
      socket.resume();
    },
  };
  const accepted = new Set<net.Socket>();
  const acceptor = net.createServer({ noDelay: true }, (socket) => {
    accepted.add(socket);
    socket.once('close', () => accepted.delete(socket));
    serveFastPath(socket, fastPath);
  });
  const secure = https.createServer({ ...certs.fallbackPair, SNICallback: (name, cb) => cb(null, certs.contextFor(name)), keepAliveTimeout: 75_000 });
  let httpPort = opts.httpPort;
  let httpsPort = opts.httpsPort;
  plain.on('request', (req, res) => forwarder.handle(req, res, 'http', httpPort));
  plain.on('upgrade', (req, socket, head) => forwarder.upgrade(req, socket, head, 'http', httpPort));
  secure.on('request', (req, res) => forwarder.handle(req, res, 'https', httpsPort));
  secure.on('upgrade', (req, socket, head) => forwarder.upgrade(req, socket, head, 'https', httpsPort));
  // Malformed requests get a 400 and the connection is closed, as node:http's default does.
  for (const s of [plain, secure]) {
    s.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  factory.start(abort.signal);
  if (!(await factory.waitForCacheSync(abort.signal))) throw new Error('ingress controller: caches did not sync');
  rebuild();

  const bind = opts.bindAddress ?? '0.0.0.0';
  try {
    httpPort = await listen(opts.fastPath === false ? plain : acceptor, opts.httpPort, bind);
    fastPath.port = httpPort;
    httpsPort = await listen(secure, opts.httpsPort, bind);
  } catch (err) {
    // A port in use or not allowed (below 1024 without root): leave nothing running behind.
    abort.abort();
    acceptor.close();
    plain.close();
    secure.close();
    agent.destroy();
    await factory.stop();
    throw new Error(`ingress controller: cannot listen on ${bind} (http ${opts.httpPort}, https ${opts.httpsPort}): ${(err as Error).message}`, { cause: err });
  }
  log.info('ingress controller serving', { http: `${bind}:${httpPort}`, https: `${bind}:${httpsPort}`, class: className });

  const ingressClient = client.resource<Obj<Ingress>>(ingressesRef);
  const workers = runWorkers(statusQueue, 2, async (key) => {
    const { namespace, name } = splitKey(key);
    const ing = ingresses.lister.get(namespace, name);
    if (!ing || !servesIngress(ing, ourClasses())) return;
    const want = desiredLoadBalancer(opts.statusAddresses ?? nodeAddresses(nodes?.lister.list() ?? []));
    if (loadBalancerMatches(ing, want)) return;
    try {
      await ingressClient.updateStatus(namespace, { ...ing, status: { ...ing.status, loadBalancer: { ingress: want } } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }, abort.signal, { log });

  return {
    httpPort, httpsPort,
    async stop() {
      abort.abort();
      const acceptorClosed = new Promise<void>((r) => acceptor.close(() => r()));
      for (const s of accepted) s.destroy();
      await Promise.all([close(plain), close(secure), acceptorClosed]);
      agent.destroy();
      upstreams.destroy();
      await workers.catch(() => {});
      await factory.stop();
    },
  };
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
