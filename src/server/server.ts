// The composition root of `kites server`: the one place that wires components together.
// Start order (each step needs the one before): data dir + lock → PKI → join token → store →
// API server (listening) → ready → controllers → kubeconfig. Later components (scheduler, node
// agent, network) also start after the API server is ready and talk to it through its client only.
// Shutdown runs the same steps backwards. Nothing here exits the process: the CLI does that.
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { createLogger, type Logger } from '../api/log.js';
import type { Store } from '../storage/store.js';
import { openStore as openDefaultStore } from '../storage/open.js';
import type { ApiServer, ApiServerOptions, ServingOptions } from '../apiserver/server.js';
import { acquireDataDirLock, dataDirLayout, prepareDataDir, type DataDirLayout, type DataDirLock } from './data-dir.js';
import { ensureClusterPki, issueClientCertificate, servingSans, type ClusterPki } from './pki.js';
import { ensureJoinToken, tokenSecret } from './token.js';
import { ensureServiceAccountKey } from './service-account-key.js';
import { kubeletClientName, startEmbeddedAgent } from './agent.js';
import { kitesVersion } from '../api/version.js';
import { nthAddress, parseCidr } from '../network/host/cidr.js';

// The Kubernetes version kites follows, as /version reports it (helm needs a semver gitVersion).
const kubernetesVersion = { major: '1', minor: '33', gitVersion: `v1.33.0+kites${kitesVersion()}` };
import { writeKubeconfig } from './kubeconfig.js';
import type { ServerOptions } from './options.js';
import type { ControllerContext } from './controllers.js';

export interface ServerDeps {
  /** Defaults to a stderr logger at options.logLevel. */
  log?: Logger;
  /** Short human progress lines (`kites: …`); default: stderr. */
  progress?: (line: string) => void;
  /** Milliseconds since the process started, for the start-up figure; default performance.now(). */
  clock?: () => number;
  /** Aborting it during start-up (a SIGTERM before ready) stops what started and rejects. */
  signal?: AbortSignal;
  /** The store factory; default storage/open.ts's openStore (tests inject an in-memory store). */
  openStore?: (opts: { endpoint: string; dataDir: string; log: Logger }) => Store | Promise<Store>;
  /** The API server factory; default `new ApiServer(opts)`. */
  createApiServer?: (opts: ApiServerOptions) => ApiServerLike;
  /** Starts the in-process controllers; default controllers.ts's startControllers. */
  startControllers?: (ctx: ControllerContext) => Promise<void>;
}

/** What the composition root needs of the API server (the real ApiServer, or a fake in tests). */
export type ApiServerLike = Pick<ApiServer, 'isReady' | 'close' | 'inProcessTransport' | 'resources'> & {
  listen(serving: ServingOptions): Promise<{ port: number }>;
};

export interface StartupTimings {
  /** From process start to startServer being called (node start-up, loading the code). */
  bootMs: number;
  /** Each step's duration in ms. */
  pkiMs: number;
  storeMs: number;
  listenMs: number;
  readyMs: number;
  /** From process start to the kubeconfig written. */
  sinceProcessStartMs: number;
}

export interface RunningServer {
  options: ServerOptions;
  layout: DataDirLayout;
  apiServer: ApiServerLike;
  store: Store;
  pki: ClusterPki;
  token: string;
  /** The port actually listened on (differs from the option when that was 0). */
  port: number;
  /** The URL written to the kubeconfig. */
  url: string;
  kubeconfigPath: string;
  timings: StartupTimings;
  /** Stops everything in reverse start order; idempotent; never throws. */
  stop(): Promise<void>;
}

/** Starts a whole kites server and resolves once the API is ready and the kubeconfig written. */
export async function startServer(options: ServerOptions, deps: ServerDeps = {}): Promise<RunningServer> {
  const log = deps.log ?? createLogger({ level: options.logLevel });
  const progress = deps.progress ?? ((line: string) => process.stderr.write(line + '\n'));
  const clock = deps.clock ?? (() => performance.now());
  const bootMs = clock();
  const layout = dataDirLayout(options.dataDir);
  const cleanups: Array<{ what: string; run: () => void | Promise<void> }> = [];
  const stopAll = async () => {
    while (cleanups.length > 0) {
      const c = cleanups.pop()!;
      try {
        await c.run();
      } catch (err) {
        log.error('shutdown step failed', { step: c.what, err });
      }
    }
  };

  progress(`kites: starting server (data dir ${layout.root})`);
  try {
    const checkpoint = () => deps.signal?.throwIfAborted();
    prepareDataDir(layout);
    const lock: DataDirLock = acquireDataDirLock(layout);
    cleanups.push({ what: 'release data dir lock', run: () => lock.release() });

    let t = clock();
    const pki = await ensureClusterPki({
      tlsDir: layout.tlsDir,
      sans: servingSans({ hostname: hostname(), bindAddress: options.bindAddress, tlsSans: options.tlsSans, clusterDomain: options.clusterDomain, serviceIP: kubernetesServiceIP(options.serviceCidr) }),
    });
    const pkiMs = clock() - t;
    if (pki.issued.length > 0) log.info('issued certificates', { files: pki.issued.join(','), ms: Math.round(pki.durationMs) });
    checkpoint();
    const token = ensureJoinToken(layout.token, pki.serverCA.cert, options.token);

    t = clock();
    const openStore = deps.openStore ?? openDefaultStore;
    const store = await openStore({ endpoint: options.datastoreEndpoint, dataDir: layout.root, log });
    cleanups.push({ what: 'close store', run: () => store.close() });
    const storeMs = clock() - t;

    checkpoint();
    t = clock();
    // The real API server is loaded only when used: tests that inject a fake never load it.
    const createApiServer = deps.createApiServer ?? (await defaultApiServerFactory());
    const joinSecret = tokenSecret(token);
    const apiServer = createApiServer({
      store, log: log.child('apiserver'), clientCA: pki.clientCA.cert,
      // Agents join with the cluster token (k3s's "secure" form or the bare secret).
      authenticateToken: (t) => (tokenSecret(t) === joinSecret ? { username: 'system:kites-agent', groups: ['system:nodes', 'system:authenticated'] } : undefined),
      version: kubernetesVersion,
      serviceAccountKey: ensureServiceAccountKey(layout.tlsDir),
      serviceCidr: options.serviceCidr,
      serverCA: pki.serverCA.cert,
      defaultTolerationSeconds: options.defaultTolerationSeconds,
      advertisePort: options.httpsListenPort || 6443,
      kubeletClient: await issueClientCertificate(pki.clientCA, { commonName: kubeletClientName, organizations: ['system:masters'] }),
    });
    cleanups.push({ what: 'close API server', run: () => apiServer.close() });
    const { port } = await apiServer.listen({ port: options.httpsListenPort, host: options.bindAddress, cert: pki.serving.cert, key: pki.serving.key });
    const listenMs = clock() - t;
    const url = `https://${urlHost(kubeconfigHost(options.bindAddress))}:${port}`;
    progress(`kites: API server listening on https://${urlHost(options.bindAddress)}:${port}`);

    t = clock();
    await waitUntilReady(apiServer, options.readyTimeoutMs, log, deps.signal);
    const readyMs = clock() - t;

    // Controllers stop first on shutdown (the stack unwinds), while the API server still answers.
    const controllersAbort = new AbortController();
    const runControllers = deps.startControllers ?? (await import('./controllers.js')).startControllers;
    const controllersDone = runControllers({ transport: apiServer.inProcessTransport(), resources: () => apiServer.resources(), log: log.child('controllers'), signal: controllersAbort.signal, dataDir: layout.root, rootCA: pki.serverCA.cert, nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodSeconds * 1000,
      clusterCidr: options.clusterCidr, serviceCidr: options.serviceCidr, lbAddressPool: options.lbAddressPool, disable: options.disable });
    cleanups.push({ what: 'stop controllers', run: async () => { controllersAbort.abort(); await controllersDone; } });

    let effectiveRuntime = options.runtime;
    if (!options.disableAgent) {
      t = clock();
      const startAgent = (runtime: typeof options.runtime) => startEmbeddedAgent({ options: { ...options, runtime, controlPlane: true }, transport: apiServer.inProcessTransport(), clientCA: pki.clientCA.cert, dataDir: layout.root, log });
      let agent: Awaited<ReturnType<typeof startAgent>>;
      try {
        agent = await startAgent(options.runtime);
      } catch (e) {
        if (options.runtime !== 'containerd' || options.runtimeChosen) throw e;
        // containerd was only the default: a working cluster on the process runtime beats none.
        log.warn('the containerd runtime could not start; running pods as host processes instead (pass --runtime containerd to make this an error)', { err: e });
        progress(`kites: containerd could not start (${(e as Error).message}); using the process runtime`);
        effectiveRuntime = 'process';
        agent = await startAgent('process');
      }
      cleanups.push({ what: 'stop node agent', run: () => agent.stop() });
      log.info('node agent started', { runtime: effectiveRuntime, nodes: agent.nodeNames.length <= 3 ? agent.nodeNames.join(',') : `${agent.nodeNames.length} nodes`, ms: Math.round(clock() - t) });
    }

    const { startClusterNetworking } = await import('./network.js');
    const networking = await startClusterNetworking({ options: { ...options, runtime: effectiveRuntime }, transport: apiServer.inProcessTransport(), apiPort: port, log });
    cleanups.push({ what: 'stop cluster networking', run: () => networking.stop() });

    // Written only now, so a client that finds the file finds a serving, ready API (k3s does the same).
    writeKubeconfig(options.writeKubeconfig, { server: url, caCert: pki.serverCA.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key }, options.writeKubeconfigMode);
    const timings: StartupTimings = { bootMs, pkiMs, storeMs, listenMs, readyMs, sinceProcessStartMs: clock() };
    log.info('server ready', round(timings));
    progress(`kites: ready in ${Math.round(timings.sinceProcessStartMs)} ms; kubeconfig written to ${options.writeKubeconfig}`);
    progress(`kites: export KUBECONFIG=${options.writeKubeconfig} ; kubectl get nodes`);

    let stopping: Promise<void> | undefined;
    return {
      options, layout, apiServer, store, pki, token, port, url, kubeconfigPath: options.writeKubeconfig, timings,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function defaultApiServerFactory(): Promise<(o: ApiServerOptions) => ApiServerLike> {
  const { ApiServer } = await import('../apiserver/server.js');
  return (o) => new ApiServer(o);
}

/** Polls the API server's readiness (it flips once, after the store is open and built-ins exist). */
async function waitUntilReady(api: ApiServerLike, timeoutMs: number, log: Logger, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextNotice = Date.now() + 5_000;
  while (!api.isReady()) {
    signal?.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`API server not ready after ${Math.round(timeoutMs / 1000)} s`);
    if (Date.now() > nextNotice) {
      log.info('waiting for the API server to become ready');
      nextNotice += 5_000;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Kubeconfigs point at loopback unless the server listens on one specific address only. */
function kubeconfigHost(bindAddress: string): string {
  if (bindAddress === '' || bindAddress === '0.0.0.0' || bindAddress === '::') return '127.0.0.1';
  return bindAddress;
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function round(t: StartupTimings): Record<string, number> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
}

/** The `kubernetes` Service's ClusterIP (the service range's first address): in-cluster clients dial it. */
function kubernetesServiceIP(serviceCidr: string): string | undefined {
  const c = parseCidr(serviceCidr);
  return c ? nthAddress(c, 1) : undefined;
}
