// The node agent's options: one object so `kites server` and `kites agent` start it in one call.
import type { Logger } from '../api/log.js';
import type { Clock } from '../client/clock.js';
import type { RestTransport } from '../client/transport.js';
import type { ContainerLocator } from './locator.js';

export type RuntimeKind = 'process' | 'simulated' | 'containerd';

/** How the agent reaches containerd (runtime 'containerd'). */
export interface ContainerdOptions {
  /** Sandbox ("pause") image; k3s: rancher/mirrored-pause. */
  pauseImage: string;
  /** k3s registries.yaml: mirrors and credentials. */
  privateRegistry?: string;
  /** Use this CRI socket instead of starting containerd. */
  endpoint?: string;
}

/** The node's share of cluster networking (containerd runtime; the proxy also on the process runtime). */
export interface NodeNetworkOptions {
  clusterCidr: string;
  serviceCidr: string;
  clusterDns: string[];
  clusterDomain: string;
  /** Service proxy mode; default iptables as root with containerd, else userspace; 'none' runs no proxy. */
  proxyMode?: 'iptables' | 'userspace' | 'none';
}

export interface NodeAgentTimings {
  /** Runtime relist (upstream PLEG: 1 s). */
  relistMs?: number;
  /** Restart back-off start and cap (upstream: 10 s and 5 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Lease renewal (upstream: 10 s). */
  leaseRenewMs?: number;
  /** Node status post when nothing changed (kites: 1 min; upstream: 5 min). */
  statusUpdateMs?: number;
  /** Periodic pod re-sync: volume refresh, deadlines (upstream syncFrequency: 1 min; kites: 10 s). */
  resyncMs?: number;
  /** Process runtime output copy and adopted-process check interval. */
  runtimePollMs?: number;
}

export interface NodeAgentOptions {
  transport: RestTransport;
  /** The node's name; with simulatedNodes, the prefix: nodes are <nodeName>-<i>. */
  nodeName: string;
  dataDir: string;
  runtime?: RuntimeKind;
  containerd?: ContainerdOptions;
  network?: NodeNetworkOptions;
  /** Simulated runtime only: how many nodes this agent hosts (default 1). */
  simulatedNodes?: number;
  log?: Logger;
  clock?: Clock;
  /** InternalIP of the node; default: the first non-internal IPv4 of the host, else 127.0.0.1. */
  nodeAddress?: string;
  /** Port of the agent's HTTPS endpoint (logs, exec, attach, port-forward), reported in daemonEndpoints. */
  kubeletPort?: number;
  /** Container logs: <podLogsDir>/<ns>_<pod>_<uid>/<container>/<restartCount>.log; default <dataDir>/agent/pod-logs. */
  podLogsDir?: string;
  /** Adds node-role.kubernetes.io/control-plane=true (the server's own agent). */
  controlPlane?: boolean;
  labels?: Record<string, string>;
  timings?: NodeAgentTimings;
}

export interface RunningAgent {
  /** The node names this agent registered (one, or N simulated). */
  nodeNames: string[];
  /** Finds containers for the agent's HTTPS endpoint (logs, exec, attach, port-forward). */
  locator: ContainerLocator;
  /**
   * Stops the agent. Containers keep running and the next agent re-adopts them, unless
   * `stopPods` is set: then every pod's processes are stopped first (for tests and tear-down).
   */
  stop(opts?: { stopPods?: boolean }): Promise<void>;
}
