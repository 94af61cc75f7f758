// The container runtime interface of the node agent, shaped like CRI (k8s.io/cri-api): a pod
// sandbox (network namespace, IP, hostname, DNS) holds containers (image, command, env, mounts,
// limits); an image service pulls images; streams (exec, attach, port-forward) and logs reach
// the containers. The process runtime, the simulated runtime and (later) CRI over gRPC to
// containerd implement it, and pass one conformance suite.
import type { Duplex, Readable, Writable } from 'node:stream';

export interface PortMapping { containerPort: number; hostPort?: number; protocol: 'TCP' | 'UDP' | 'SCTP'; hostIP?: string }

export interface DNSConfig { servers: string[]; searches: string[]; options: string[] }

export interface PodSandboxConfig {
  uid: string;
  name: string;
  namespace: string;
  /** Attempt number: a new sandbox for the same pod increments it. */
  attempt: number;
  hostname: string;
  hostNetwork: boolean;
  dnsConfig?: DNSConfig;
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Directory for this pod's container logs: <logDirectory>/<container>/<restartCount>.log */
  logDirectory: string;
  /** Linux cgroup parent, sysctls, security: later runtimes. */
  linux?: Record<string, unknown>;
}

export type SandboxState = 'ready' | 'notready';

export interface PodSandboxStatus {
  id: string;
  state: SandboxState;
  createdAt: number; // ms since epoch
  /** Pod IPs (the node's IP for host-network pods and for the process runtime). */
  ips: string[];
  metadata: { uid: string; name: string; namespace: string; attempt: number };
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readOnly: boolean;
  /** subPath already resolved into hostPath by the agent. */
  propagation?: 'private' | 'hostToContainer' | 'bidirectional';
}

export interface KeyValue { name: string; value: string }

export interface ContainerConfig {
  name: string;
  /** Restart count of this container in the pod: the attempt number. */
  attempt: number;
  image: string;
  /** Entrypoint (pod's `command`, else the image's). */
  command: string[];
  /** Arguments (pod's `args`, else the image's cmd when command is not overridden). */
  args: string[];
  workingDir?: string;
  env: KeyValue[];
  mounts: Mount[];
  /** Absolute path of the log file the runtime writes (CRI log format: `<RFC3339Nano> stdout|stderr F|P <line>`). */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Resources and security context, in the pod spec's JSON form (runtimes honour what they can). */
  resources?: Record<string, unknown>;
  securityContext?: Record<string, unknown>;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  name: string;
  attempt: number;
  state: ContainerState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** e.g. "Completed", "Error", "OOMKilled", "ContainerCannotRun" */
  reason?: string;
  message?: string;
  image: string;
  imageRef?: string;
  logPath: string;
  /** Host process id of the main process (process runtime); absent elsewhere. */
  pid?: number;
}

export interface ContainerFilter { sandboxId?: string; state?: ContainerState; labels?: Record<string, string> }

export interface ImageSpec { image: string }
export interface AuthConfig { username?: string; password?: string; auth?: string; serverAddress?: string; identityToken?: string; registryToken?: string }
export interface ImageInfo { id: string; repoTags: string[]; repoDigests: string[]; size: number }

export interface TerminalSize { width: number; height: number }

/** The streams of an exec or attach session (only those the client asked for are present). */
export interface StreamOptions {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  /** Terminal resize events (tty only). */
  resize?: AsyncIterable<TerminalSize>;
}

export interface ExecSyncResult { exitCode: number; stdout: Buffer; stderr: Buffer; timedOut: boolean }

export interface RuntimeInfo {
  runtimeName: string;
  runtimeVersion: string;
  /** What this runtime cannot do (for node info and docs), e.g. "no isolation". */
  limitations?: string[];
}

export interface ContainerStats { id: string; cpuUsageNanoCores?: number; cpuUsageCoreNanoSeconds?: number; memoryWorkingSetBytes?: number; timestamp: number }

export interface RuntimeService {
  info(): Promise<RuntimeInfo>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined>;
  listPodSandboxes(): Promise<PodSandboxStatus[]>;

  createContainer(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM to the container's processes, SIGKILL after `timeoutSeconds`. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]>;
  containerStats?(id: string): Promise<ContainerStats | undefined>;

  /** Runs a command in the container to completion (exec probes, hooks). */
  execSync(id: string, cmd: string[], timeoutMs: number): Promise<ExecSyncResult>;
  /** An interactive exec; resolves with the exit code. */
  exec(id: string, cmd: string[], streams: StreamOptions): Promise<number>;
  /** Attaches to the main process's stdio; resolves when the client or the process ends. */
  attach(id: string, streams: StreamOptions): Promise<void>;
  /** Connects `stream` to `port` inside the sandbox's network namespace. */
  portForward(sandboxId: string, port: number, stream: Duplex): Promise<void>;

  /** Releases resources (child processes stay under the agent's recovery rules). */
  close(): Promise<void>;
}

export interface ImageService {
  pullImage(image: ImageSpec, auth?: AuthConfig): Promise<string>;
  imageStatus(image: ImageSpec): Promise<ImageInfo | undefined>;
  listImages(): Promise<ImageInfo[]>;
  removeImage(image: ImageSpec): Promise<void>;
}

export interface ContainerRuntime {
  runtime: RuntimeService;
  images: ImageService;
}
