// Reads a kubeconfig (the file kubectl uses) into HttpTransport options: the current (or named)
// context's cluster and user, with certificates inline (`*-data`, base64) or as file paths
// relative to the kubeconfig's own directory, as upstream clientcmd resolves them.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { parse } from 'yaml';
import { HttpTransport, type HttpTransportOptions } from './http-transport.js';

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }

export interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}

export interface KubeconfigUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: unknown;
  'auth-provider'?: unknown;
}

export interface KubeconfigContext { cluster?: string; user?: string; namespace?: string }

export interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  'current-context'?: string;
  clusters?: Array<Named<KubeconfigCluster>>;
  users?: Array<Named<KubeconfigUser>>;
  contexts?: Array<Named<KubeconfigContext>>;
}

export interface LoadedKubeconfig {
  options: HttpTransportOptions;
  /** The context's default namespace ("default" when unset). */
  namespace: string;
  context: string;
}

/** Resolves a kubeconfig (a file path or an already parsed object) to transport options. */
export function loadKubeconfig(source: string | Kubeconfig, opts: { context?: string } = {}): LoadedKubeconfig {
  let config: Kubeconfig;
  let baseDir = process.cwd();
  if (typeof source === 'string') {
    const text = readFileSync(source, 'utf8');
    config = (parse(text) ?? {}) as Kubeconfig;
    baseDir = dirname(resolve(source));
  } else {
    config = source;
  }
  const contextName = opts.context ?? config['current-context'];
  if (!contextName) throw new Error('kubeconfig has no current-context and no context was given');
  const context = find(config.contexts, contextName, 'context')?.context ?? {};
  const cluster = context.cluster ? find(config.clusters, context.cluster, 'cluster')?.cluster ?? {} : {};
  const user = context.user ? find(config.users, context.user, 'user')?.user ?? {} : {};
  if (!cluster.server) throw new Error(`cluster "${context.cluster}" in kubeconfig has no server`);
  if (user.exec || user['auth-provider']) {
    throw new Error(`user "${context.user}" uses an exec or auth-provider plugin, which this client does not support`);
  }

  const file = (p: string) => readFileSync(isAbsolute(p) ? p : resolve(baseDir, p));
  const pem = (data: string | undefined, path: string | undefined) =>
    data ? Buffer.from(data, 'base64') : path ? file(path) : undefined;

  const options: HttpTransportOptions = {
    server: cluster.server,
    ca: pem(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: pem(user['client-certificate-data'], user['client-certificate']),
    key: pem(user['client-key-data'], user['client-key']),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: cluster['tls-server-name'],
  };
  if (user.token) options.token = user.token;
  else if (user.tokenFile) {
    // Re-read per request: projected service account tokens rotate on disk.
    const path = user.tokenFile;
    options.token = () => file(path).toString('utf8').trim();
  } else if (user.username !== undefined) {
    options.username = user.username;
    options.password = user.password;
  }
  return { options, namespace: context.namespace || 'default', context: contextName };
}

/** An HttpTransport for a kubeconfig's current (or named) context. */
export function fromKubeconfig(source: string | Kubeconfig, opts: { context?: string; timeoutMs?: number; userAgent?: string } = {}): HttpTransport {
  const loaded = loadKubeconfig(source, opts);
  return new HttpTransport({ ...loaded.options, timeoutMs: opts.timeoutMs, userAgent: opts.userAgent });
}

function find<T>(list: Array<Named<T>> | undefined, name: string, what: string): Named<T> | undefined {
  const hit = list?.find((x) => x.name === name);
  if (!hit) throw new Error(`${what} "${name}" not found in kubeconfig`);
  return hit;
}

/** Where kubectl looks: the first path of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const list = (env.KUBECONFIG ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
  return list[0] ?? join(homedir(), '.kube', 'config');
}

/** The service account mount every pod gets, as upstream rest.InClusterConfig reads it. */
export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Options for a client running in a pod: KUBERNETES_SERVICE_HOST/PORT, the mounted CA, and the
 * mounted token (re-read per request, since it rotates). Throws when not in a cluster.
 */
export function inClusterConfig(opts: { env?: NodeJS.ProcessEnv; dir?: string } = {}): LoadedKubeconfig {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? serviceAccountDir;
  const host = env.KUBERNETES_SERVICE_HOST, port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
  const tokenPath = join(dir, 'token');
  readFileSync(tokenPath); // fail now, not on the first request
  let namespace = 'default';
  try {
    namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim() || 'default';
  } catch {
    // Older mounts lack the namespace file; upstream falls back to "default" too.
  }
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    options: { server, ca: readFileSync(join(dir, 'ca.crt')), token: () => readFileSync(tokenPath, 'utf8').trim() },
    namespace, context: 'in-cluster',
  };
}
