// `kites server`: flags named as k3s names them, so k3s habits and docs carry over.
import { Command, InvalidArgumentError, Option } from 'commander';
import { join, resolve } from 'node:path';
import type { LogLevel } from '../api/log.js';
import { DataDirLockedError, defaultDataDir } from '../server/data-dir.js';
import { parseFileMode } from '../server/kubeconfig.js';
import { defaultRuntime, logLevels, runtimes, serverOptions, type RuntimeName, type ServerOptions } from '../server/options.js';
import type { RunningServer } from '../server/server.js';
import type { CliIO } from './io.js';
import { parseCidr, parseIpv4 } from '../network/host/cidr.js';
import { AddressPool } from '../cloud/local/address-pool.js';

/** How long a SIGTERM may take before the process exits anyway (kubelet's default grace is 30 s; k3s's service unit waits 90 s; the acceptance scripts wait 10 s). */
const SHUTDOWN_DEADLINE_MS = 8_000;

interface ServerFlags {
  dataDir?: string;
  httpsListenPort: number;
  bindAddress: string;
  writeKubeconfig?: string;
  writeKubeconfigMode?: number;
  datastoreEndpoint?: string;
  disableAgent?: boolean;
  runtime?: RuntimeName;
  logLevel: LogLevel;
  token?: string;
  nodeName?: string;
  nodeIp?: string;
  kubeletPort?: number;
  simulatedNodes?: number;
  nodeMonitorGracePeriod?: number;
  defaultTolerationSeconds?: number;
  tlsSan?: string[];
  clusterCidr: string;
  serviceCidr: string;
  clusterDns: string;
  clusterDomain: string;
  lbAddressPool?: string;
  pauseImage: string;
  privateRegistry?: string;
  containerRuntimeEndpoint?: string;
  disable?: string[];
  disableKubeProxy?: boolean;
  proxyMode?: 'iptables' | 'userspace';
  ingressHttpPort: number;
  ingressHttpsPort: number;
}

export function serverCommand(io: CliIO): Command {
  const d = serverOptions({ dataDir: '<data-dir>' });
  return new Command('server')
    .description('Run a whole cluster in this process: API server, store, scheduler, controllers and a node agent')
    .addOption(new Option('-d, --data-dir <dir>', `folder holding state: certificates, database, token (default: ${defaultDataDir({ uid: 1000, home: '~' })}, or ${defaultDataDir({ uid: 0 })} as root)`))
    .addOption(new Option('--https-listen-port <port>', 'HTTPS port of the API server (0: any free port)').argParser(port).default(d.httpsListenPort))
    .addOption(new Option('--bind-address <ip>', 'address the API server listens on').default(d.bindAddress))
    .addOption(new Option('-o, --write-kubeconfig <file>', 'write the admin kubeconfig here once the API serves (default: <data-dir>/kubeconfig.yaml)'))
    .addOption(new Option('--write-kubeconfig-mode <mode>', 'file mode of the kubeconfig, octal (default: 0600)').argParser(fileMode))
    .addOption(new Option('--datastore-endpoint <url>', 'store: sqlite:///abs/path.db or memory:// (default: SQLite in <data-dir>/server/db)'))
    .addOption(new Option('--disable-agent', 'do not run a node agent in the server process (a control-plane-only server)'))
    .addOption(new Option('--runtime <name>', 'container runtime of the node agent: containerd (real containers; the default as root when containerd, runc and the CNI plugins are installed, falling back to process if it cannot start), process (containers as host processes, no root needed), simulated (pods reported running, nothing runs: for scale tests)').choices(runtimes).default(defaultRuntime()))
    .addOption(new Option('--simulated-nodes <n>', 'with --runtime simulated: how many nodes the agent hosts').argParser((v: string) => { const n = Number(v); if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer'); return n; }))
    .addOption(new Option('--node-ip <ip>', 'InternalIP of this node: pod IPs on the process runtime, and where the API server reaches the agent').default('127.0.0.1'))
    .addOption(new Option('--node-monitor-grace-period <seconds>', 'how long a node may miss heartbeats before it is marked NotReady/Unknown and tainted').argParser(seconds).default(40))
    .addOption(new Option('--default-toleration-seconds <seconds>', 'how long pods stay on a not-ready or unreachable node before they are evicted (unless they tolerate otherwise)').argParser(seconds).default(300))
    .addOption(new Option('--kubelet-port <port>', 'port of the node agent\'s HTTPS endpoint (logs, exec, port-forward); 0: any free port').argParser(port).default(0))
    .addOption(new Option('--log-level <level>', 'log verbosity').choices(logLevels).default(d.logLevel))
    .addOption(new Option('-t, --token <token>', 'join token for agents; default: generated once, kept in <data-dir>/token').env('KITES_TOKEN'))
    .addOption(new Option('--node-name <name>', 'name of this node (default: the host name)'))
    .addOption(new Option('--tls-san <name>', 'extra host name or IP in the serving certificate (repeatable, or comma-separated)').argParser(collect))
    .addOption(new Option('--cluster-cidr <cidr>', 'pod IP range: each node gets a /24 of it for its pods (routed locally)').argParser(clusterCidr).default(d.clusterCidr))
    .addOption(new Option('--service-cidr <cidr>', 'Service ClusterIP range (.1: the kubernetes Service, .10: cluster DNS); routed locally').argParser(ipv4Cidr).default(d.serviceCidr))
    .addOption(new Option('--cluster-dns <ip>', 'ClusterIP of the cluster DNS Service (kube-system/kube-dns), served inside the node').argParser(ipv4).default(d.clusterDns))
    .addOption(new Option('--cluster-domain <domain>', 'cluster DNS domain (pod search paths, DNS names; also in the serving certificate)').default(d.clusterDomain))
    .addOption(new Option('--lb-address-pool <cidr>', 'addresses for LoadBalancer Services: a CIDR, a comma list or a-b ranges (default: the node addresses)').argParser(addressPool))
    .addOption(new Option('--pause-image <ref>', 'image of pod sandboxes (containerd runtime); the default kites.local/pause is built from the host\'s static busybox when absent').default(d.pauseImage))
    .addOption(new Option('--private-registry <file>', 'registries.yaml (k3s format): registry mirrors and credentials for the containerd runtime'))
    .addOption(new Option('--container-runtime-endpoint <socket>', 'use this existing CRI socket instead of starting containerd'))
    .addOption(new Option('--disable <name>', 'do not run a packaged component: coredns, servicelb, traefik/ingress (repeatable, or comma-separated)').argParser(components))
    .addOption(new Option('--disable-kube-proxy', 'do not run the service proxy'))
    .addOption(new Option('--proxy-mode <mode>', 'service proxy: iptables (default as root with containerd) or userspace').choices(['iptables', 'userspace']))
    .addOption(new Option('--ingress-http-port <port>', 'HTTP port of the built-in ingress controller (IngressClass kites)').argParser(port).default(d.ingressHttpPort))
    .addOption(new Option('--ingress-https-port <port>', 'HTTPS port of the built-in ingress controller (TLS from the Ingresses\' Secrets)').argParser(port).default(d.ingressHttpsPort))
    .action(async (flags: ServerFlags, cmd: Command) => {
      const options = toServerOptions(flags);
      // A runtime picked by default may fall back to the process runtime; one asked for may not.
      options.runtimeChosen = cmd.getOptionValueSource('runtime') !== 'default';
      io.exit(await runServer(options, io));
    });
}

export function toServerOptions(f: ServerFlags): ServerOptions {
  // Absolute paths, so the printed `export KUBECONFIG=…` works from any directory.
  const dataDir = resolve(f.dataDir ?? defaultDataDir());
  return serverOptions({
    dataDir,
    httpsListenPort: f.httpsListenPort,
    bindAddress: f.bindAddress,
    writeKubeconfig: resolve(f.writeKubeconfig ?? join(dataDir, 'kubeconfig.yaml')),
    writeKubeconfigMode: f.writeKubeconfigMode,
    datastoreEndpoint: f.datastoreEndpoint,
    disableAgent: f.disableAgent,
    runtime: f.runtime,
    logLevel: f.logLevel,
    token: f.token,
    nodeName: f.nodeName,
    nodeIp: f.nodeIp,
    kubeletPort: f.kubeletPort,
    simulatedNodes: f.simulatedNodes,
    nodeMonitorGracePeriodSeconds: f.nodeMonitorGracePeriod,
    defaultTolerationSeconds: f.defaultTolerationSeconds,
    tlsSans: f.tlsSan,
    clusterCidr: f.clusterCidr,
    serviceCidr: f.serviceCidr,
    clusterDns: f.clusterDns,
    clusterDomain: f.clusterDomain,
    lbAddressPool: f.lbAddressPool,
    pauseImage: f.pauseImage,
    privateRegistry: f.privateRegistry ? resolve(f.privateRegistry) : undefined,
    containerRuntimeEndpoint: f.containerRuntimeEndpoint,
    disable: f.disable,
    disableKubeProxy: f.disableKubeProxy,
    proxyMode: f.proxyMode,
    ingressHttpPort: f.ingressHttpPort,
    ingressHttpsPort: f.ingressHttpsPort,
  });
}

/**
 * Runs the server until SIGTERM/SIGINT; returns the exit code. A signal stops the components in
 * reverse order (0 when that finishes within the deadline, 1 otherwise); a second signal exits at once.
 */
export async function runServer(options: ServerOptions, io: CliIO): Promise<number> {
  const abort = new AbortController();
  let signalled: (() => void) | undefined;
  const stopRequested = new Promise<void>((resolve) => { signalled = resolve; });
  let signals = 0;
  const removeHandler = io.onSignal((sig) => {
    signals++;
    if (signals > 1) {
      io.err(`kites: ${sig} again; exiting now\n`);
      io.exit(1);
    }
    io.err(`kites: ${sig} received; shutting down\n`);
    abort.abort();
    signalled!();
  });
  try {
    let running: RunningServer;
    try {
      // Loaded here, not at the top: `kites --help` and `kites agent` need none of the server.
      const { startServer } = await import('../server/server.js');
      running = await startServer(options, { signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) return 0; // stopped during start-up, as asked
      if (err instanceof DataDirLockedError) io.err(`kites: ${err.message}\n`);
      else io.err(`kites: server failed to start: ${(err as Error).message}\n`);
      return 1;
    }
    await stopRequested;
    const finished = await withDeadline(running.stop(), SHUTDOWN_DEADLINE_MS);
    if (!finished) {
      io.err(`kites: shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting anyway\n`);
      return 1;
    }
    io.err('kites: stopped\n');
    return 0;
  } finally {
    removeHandler();
  }
}

async function withDeadline(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([p.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function port(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return n;
}

function fileMode(v: string): number {
  try {
    return parseFileMode(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message + '.');
  }
}

function collect(v: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...v.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

function seconds(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number of seconds.');
  return n;
}

function ipv4Cidr(v: string): string {
  const c = parseCidr(v);
  if (!c || c.prefix > 30) throw new InvalidArgumentError('expected an IPv4 CIDR with room for addresses, such as 10.42.0.0/16.');
  return v;
}

/** Nodes get /24s of the cluster CIDR (kube-controller-manager --node-cidr-mask-size 24). */
function clusterCidr(v: string): string {
  const c = parseCidr(ipv4Cidr(v));
  if (c && c.prefix > 24) throw new InvalidArgumentError('must be /24 or wider: each node gets a /24 of it.');
  return v;
}

function ipv4(v: string): string {
  if (parseIpv4(v) === undefined) throw new InvalidArgumentError('expected an IPv4 address, such as 10.43.0.10.');
  return v;
}

function addressPool(v: string): string {
  try {
    AddressPool.parse(v);
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message}.`);
  }
  return v;
}

// k3s's names; local-storage and metrics-server are not packaged yet, so disabling them is a no-op.
const packagedComponents = ['coredns', 'dns', 'servicelb', 'traefik', 'ingress', 'local-storage', 'metrics-server'];

function components(v: string, previous: string[] | undefined): string[] {
  const all = collect(v, previous);
  const unknown = all.filter((c) => !packagedComponents.includes(c));
  if (unknown.length) throw new InvalidArgumentError(`unknown component ${unknown.join(', ')}; one of ${packagedComponents.join(', ')}.`);
  return all;
}
