// Everything `kites server` can be told, with k3s's defaults. The CLI fills this from flags;
// tests build it with serverOptions({...}).
import { hostname } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel } from '../api/log.js';
import { defaultDataDir } from './data-dir.js';

export const runtimes = ['process', 'containerd', 'simulated'] as const;
export type RuntimeName = (typeof runtimes)[number];
export const logLevels: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'trace'];

export interface ServerOptions {
  dataDir: string;
  /** 0 picks a free port (tests). */
  httpsListenPort: number;
  bindAddress: string;
  /** Where the admin kubeconfig goes; default <data-dir>/kubeconfig.yaml. */
  writeKubeconfig: string;
  writeKubeconfigMode: number;
  /** Empty: the embedded SQLite store in the data dir; else e.g. an etcd endpoint. */
  datastoreEndpoint: string;
  disableAgent: boolean;
  runtime: RuntimeName;
  /** The runtime was asked for (a flag), not picked by default: failing to start it is an error. */
  runtimeChosen: boolean;
  logLevel: LogLevel;
  /** Join token; empty: generated once and kept in <data-dir>/token. */
  token: string;
  nodeName: string;
  /** The node's InternalIP (pod IPs on the process runtime; where the API server reaches the agent). */
  nodeIp: string;
  /** The agent's HTTPS endpoint port (logs, exec, port-forward); 0: any free port. */
  kubeletPort: number;
  /** Simulated runtime: how many nodes the embedded agent hosts. */
  simulatedNodes: number;
  /** How long a node may miss its heartbeats before it is NotReady/Unknown (kube-controller-manager's node-monitor-grace-period). */
  nodeMonitorGracePeriodSeconds: number;
  /** How long pods tolerate a not-ready or unreachable node before eviction (DefaultTolerationSeconds admission). */
  defaultTolerationSeconds: number;
  tlsSans: string[];
  clusterCidr: string;
  serviceCidr: string;
  clusterDns: string;
  clusterDomain: string;
  /** Addresses for LoadBalancer Services (the local cloud provider); empty: node addresses. */
  lbAddressPool: string;
  pauseImage: string;
  /** k3s registries.yaml (mirrors, credentials) for the containerd runtime. */
  privateRegistry: string;
  /** An existing CRI socket to use instead of starting containerd. */
  containerRuntimeEndpoint: string;
  /** Packaged components not to run, by k3s's names: coredns, servicelb, traefik (= ingress), ingress. */
  disable: string[];
  /** Do not run the service proxy in the agent (k3s --disable-kube-proxy). */
  disableKubeProxy: boolean;
  /** Service proxy mode: iptables (root + containerd) or userspace; empty: chosen by the runtime. */
  proxyMode: '' | 'iptables' | 'userspace';
  ingressHttpPort: number;
  ingressHttpsPort: number;
  /** How long start-up may wait for the API server to report ready. */
  readyTimeoutMs: number;
}

/** k3s's defaults (cluster-cidr, service-cidr, cluster-dns, pause image) so its docs carry over. */
export function serverOptions(overrides: Partial<ServerOptions> = {}): ServerOptions {
  const dataDir = overrides.dataDir ?? defaultDataDir();
  return {
    dataDir,
    httpsListenPort: 6443,
    bindAddress: '0.0.0.0',
    writeKubeconfig: join(dataDir, 'kubeconfig.yaml'),
    writeKubeconfigMode: 0o600,
    datastoreEndpoint: '',
    disableAgent: false,
    runtime: defaultRuntime(),
    runtimeChosen: overrides.runtime !== undefined,
    logLevel: 'info',
    token: '',
    nodeName: hostname().toLowerCase(),
    nodeIp: '127.0.0.1',
    kubeletPort: 0,
    simulatedNodes: 1,
    nodeMonitorGracePeriodSeconds: 40,
    defaultTolerationSeconds: 300,
    tlsSans: [],
    clusterCidr: '10.42.0.0/16',
    serviceCidr: '10.43.0.0/16',
    clusterDns: '10.43.0.10',
    clusterDomain: 'cluster.local',
    lbAddressPool: '',
    // Built from the host's static busybox when absent, so pods start offline.
    pauseImage: 'kites.local/pause:3.10',
    privateRegistry: '',
    containerRuntimeEndpoint: '',
    disable: [],
    disableKubeProxy: false,
    proxyMode: '',
    ingressHttpPort: 80,
    ingressHttpsPort: 443,
    readyTimeoutMs: 60_000,
    ...stripUndefined(overrides),
  };
}

/**
 * containerd when it can work (Linux, root, containerd, runc and the CNI plugins installed), as
 * k3s; otherwise the process runtime (containers as host processes).
 */
export function defaultRuntime(uid = typeof process.getuid === 'function' ? process.getuid() : -1, onPath: (bin: string) => boolean = binaryOnPath, cniPlugins = (): boolean => ['/usr/lib/cni/bridge', '/opt/cni/bin/bridge'].some((p) => existsSync(p))): RuntimeName {
  return process.platform === 'linux' && uid === 0 && onPath('containerd') && onPath('runc') && cniPlugins() ? 'containerd' : 'process';
}

function binaryOnPath(bin: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  return dirs.some((d) => d !== '' && existsSync(join(d, bin)));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
