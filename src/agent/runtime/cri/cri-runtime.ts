// The agent's RuntimeService over CRI v1 gRPC (containerd's CRI plugin): each method is one or a
// few RPCs with a deadline; not-found answers become `undefined` or no-ops where the agent expects
// idempotence (the kubelet treats NotFound on stop/remove as done); interactive streams go to the
// runtime's streaming server (see remote-streams.ts).
import { totalmem } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../../api/log.js';
import type {
  ContainerConfig, ContainerFilter, ContainerStats, ContainerStatus, ExecSyncResult, PodSandboxConfig,
  PodSandboxStatus, RuntimeInfo, RuntimeService, StreamOptions,
} from '../types.js';
import { CriClient, CriError } from './cri-client.js';
import { criContainerConfig } from './container-config.js';
import { criSandboxConfig } from './sandbox-config.js';
import {
  containerStatus, criContainerState, nsToMs, sandboxStatus,
  type CriContainerStatus, type CriImage, type CriPodSandbox, type CriPodSandboxStatus,
} from './status-mapping.js';
import { remoteAttach, remoteExec, remotePortForward, type StreamDialer } from './remote-streams.js';

export interface CriRuntimeServiceOptions {
  log: Logger;
  /** The node's IPs, reported for sandboxes on the node's network (CRI gives them no address). */
  nodeIPs: string[];
  /** Where Localhost seccomp profiles live (kubelet's <root-dir>/seccomp). */
  seccompRoot: string;
  memoryCapacityBytes?: number;
  dial: StreamDialer;
  streamTimeoutMs: number;
}

const ignoreNotFound = (e: unknown): void => {
  if (e instanceof CriError && e.notFound) return;
  throw e;
};

/** Runs a status call; NotFound (containerd: "an error occurred when try to find …") means gone. */
async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof CriError && e.notFound) return undefined;
    throw e;
  }
}

export class CriRuntimeService implements RuntimeService {
  constructor(private readonly client: CriClient, private readonly opts: CriRuntimeServiceOptions) {}

  async info(): Promise<RuntimeInfo> {
    const v = await this.client.call<{ runtime_name: string; runtime_version: string }>('RuntimeService', 'Version', { version: 'v1' });
    const st = await this.client.call<{ status?: { conditions: Array<{ type: string; status: boolean; reason: string; message: string }> } }>('RuntimeService', 'Status', {});
    const limitations = (st.status?.conditions ?? []).filter((c) => !c.status).map((c) => `${c.type}: ${c.reason} ${c.message}`.trim());
    return { runtimeName: v.runtime_name, runtimeVersion: v.runtime_version, ...(limitations.length ? { limitations } : {}) };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const run = () => this.client.call<{ pod_sandbox_id: string }>('RuntimeService', 'RunPodSandbox', {
      config: criSandboxConfig(config, { seccompRoot: this.opts.seccompRoot }),
    });
    try {
      return (await run()).pod_sandbox_id;
    } catch (e) {
      // containerd keeps a sandbox's name (pod, namespace, uid, attempt) reserved while any record
      // of it exists — e.g. one left by a start that failed half-way or by a containerd restart.
      // A ready one is ours to use; a dead one is removed and the start tried once more.
      const m = /is reserved for "([0-9a-f]+)"/.exec((e as Error).message);
      if (!m) throw e;
      const existing = await this.podSandboxStatus(m[1]!);
      if (existing?.state === 'ready') return existing.id;
      this.opts.log.info('removing a stale sandbox that holds the pod\'s name', { pod: `${config.namespace}/${config.name}`, sandbox: m[1] });
      await this.stopPodSandbox(m[1]!);
      await this.removePodSandbox(m[1]!);
      return (await run()).pod_sandbox_id;
    }
  }

  async stopPodSandbox(id: string): Promise<void> {
    await this.client.call('RuntimeService', 'StopPodSandbox', { pod_sandbox_id: id }).catch(ignoreNotFound);
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.client.call('RuntimeService', 'RemovePodSandbox', { pod_sandbox_id: id }).catch(ignoreNotFound);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    const r = await orUndefined(this.client.call<{ status?: CriPodSandboxStatus }>('RuntimeService', 'PodSandboxStatus', { pod_sandbox_id: id }));
    return r?.status ? sandboxStatus(r.status, this.opts.nodeIPs) : undefined;
  }

  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    const r = await this.client.call<{ items: CriPodSandbox[] }>('RuntimeService', 'ListPodSandbox', {});
    const all = await Promise.all(r.items.map((s) => this.podSandboxStatus(s.id)));
    return all.filter((s): s is PodSandboxStatus => s !== undefined);
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string> {
    const container = await criContainerConfig(config, sandbox, {
      memoryCapacityBytes: this.opts.memoryCapacityBytes ?? totalmem(),
      seccompRoot: this.opts.seccompRoot,
      imageUser: async () => {
        const r = await this.client.call<{ image?: CriImage }>('ImageService', 'ImageStatus', { image: { image: config.image } });
        return { uid: r.image?.uid?.value, username: r.image?.username || undefined };
      },
    });
    const r = await this.client.call<{ container_id: string }>('RuntimeService', 'CreateContainer', {
      pod_sandbox_id: sandboxId, config: container, sandbox_config: criSandboxConfig(sandbox, { seccompRoot: this.opts.seccompRoot }),
    });
    return r.container_id;
  }

  async startContainer(id: string): Promise<void> {
    await this.client.call('RuntimeService', 'StartContainer', { container_id: id });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    // CRI's timeout is whole seconds; containerd waits for the exit (plus the kill) within it
    const timeout = Math.max(0, Math.ceil(timeoutSeconds));
    await this.client.call('RuntimeService', 'StopContainer', { container_id: id, timeout }, (timeout + 10) * 1000 + this.opts.streamTimeoutMs)
      .catch(ignoreNotFound);
  }

  async removeContainer(id: string): Promise<void> {
    await this.client.call('RuntimeService', 'RemoveContainer', { container_id: id }).catch(ignoreNotFound);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const r = await orUndefined(this.client.call<{ status?: CriContainerStatus }>('RuntimeService', 'ContainerStatus', { container_id: id }));
    return r?.status ? containerStatus(r.status) : undefined;
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    const f: Record<string, unknown> = {};
    if (filter.sandboxId) f.pod_sandbox_id = filter.sandboxId;
    if (filter.state) f.state = { state: criContainerState[filter.state] };
    if (filter.labels) f.label_selector = filter.labels;
    const r = await this.client.call<{ containers: Array<{ id: string }> }>('RuntimeService', 'ListContainers', { filter: f });
    const all = await Promise.all(r.containers.map((c) => this.containerStatus(c.id)));
    return all.filter((s): s is ContainerStatus => s !== undefined);
  }

  async containerStats(id: string): Promise<ContainerStats | undefined> {
    type Stats = { cpu?: { timestamp: number; usage_core_nano_seconds?: { value: number }; usage_nano_cores?: { value: number } }; memory?: { working_set_bytes?: { value: number } } };
    const r = await orUndefined(this.client.call<{ stats?: Stats }>('RuntimeService', 'ContainerStats', { container_id: id }));
    if (!r?.stats) return undefined;
    const s = r.stats;
    const out: ContainerStats = { id, timestamp: s.cpu?.timestamp ? nsToMs(s.cpu.timestamp) : Date.now() };
    if (s.cpu?.usage_nano_cores) out.cpuUsageNanoCores = s.cpu.usage_nano_cores.value;
    if (s.cpu?.usage_core_nano_seconds) out.cpuUsageCoreNanoSeconds = s.cpu.usage_core_nano_seconds.value;
    if (s.memory?.working_set_bytes) out.memoryWorkingSetBytes = s.memory.working_set_bytes.value;
    return out;
  }

  async execSync(id: string, cmd: string[], timeoutMs: number): Promise<ExecSyncResult> {
    // CRI's timeout is whole seconds (0 = none); the gRPC deadline enforces sub-second ones
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    try {
      const r = await this.client.call<{ stdout: Buffer; stderr: Buffer; exit_code: number }>(
        'RuntimeService', 'ExecSync', { container_id: id, cmd, timeout: seconds }, timeoutMs + 2000,
      );
      return { exitCode: r.exit_code, stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.stderr), timedOut: false };
    } catch (e) {
      // a timed-out exec: our deadline passed, or containerd's ("timeout 1s exceeded: context deadline exceeded")
      if (e instanceof CriError && (e.code === 4 || /timeout .* exceeded/.test(e.details))) return { exitCode: -1, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: true };
      throw e;
    }
  }

  async exec(id: string, cmd: string[], streams: StreamOptions): Promise<number> {
    const r = await this.client.call<{ url: string }>('RuntimeService', 'Exec', {
      container_id: id, cmd, tty: streams.tty, stdin: !!streams.stdin, stdout: !!streams.stdout, stderr: !!streams.stderr && !streams.tty,
    });
    return remoteExec(r.url, streams, this.opts.dial, this.opts.streamTimeoutMs);
  }

  async attach(id: string, streams: StreamOptions): Promise<void> {
    const r = await this.client.call<{ url: string }>('RuntimeService', 'Attach', {
      container_id: id, tty: streams.tty, stdin: !!streams.stdin, stdout: !!streams.stdout, stderr: !!streams.stderr && !streams.tty,
    });
    await remoteAttach(r.url, streams, this.opts.dial, this.opts.streamTimeoutMs);
  }

  async portForward(sandboxId: string, port: number, stream: Duplex): Promise<void> {
    const r = await this.client.call<{ url: string }>('RuntimeService', 'PortForward', { pod_sandbox_id: sandboxId, port: [port] });
    await remotePortForward(r.url, port, stream, this.opts.dial, this.opts.streamTimeoutMs);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
