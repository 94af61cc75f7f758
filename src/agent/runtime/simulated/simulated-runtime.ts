// The simulated runtime (the kwok role): containers "run" without any process. A started
// container stays running until it is stopped; exec answers exit code 0 with no output. It is
// for scale tests and benchmarks only, and says so in its info.
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type {
  ContainerConfig, ContainerFilter, ContainerStatus, ExecSyncResult, PodSandboxConfig, PodSandboxStatus, RuntimeInfo,
  RuntimeService, StreamOptions,
} from '../types.js';

export const simulatedRuntimeLimitations = ['simulated: for scale tests and benchmarks; nothing runs'];

export interface SimulatedRuntimeOptions { podIP: () => string; version: string; now?: () => number }

interface Sandbox { status: PodSandboxStatus }
interface Container { status: ContainerStatus; sandboxId: string; labels: Record<string, string> }

export class SimulatedRuntime implements RuntimeService {
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly containers = new Map<string, Container>();
  private readonly now: () => number;

  constructor(private readonly opts: SimulatedRuntimeOptions) {
    this.now = opts.now ?? Date.now;
  }

  async info(): Promise<RuntimeInfo> {
    return { runtimeName: 'simulated', runtimeVersion: this.opts.version, limitations: simulatedRuntimeLimitations };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = randomBytes(16).toString('hex');
    this.sandboxes.set(id, {
      status: { id, state: 'ready', createdAt: this.now(), ips: [this.opts.podIP()], metadata: { uid: config.uid, name: config.name, namespace: config.namespace, attempt: config.attempt } },
    });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    for (const c of this.containers.values()) if (c.sandboxId === id) await this.stopContainer(c.status.id, 0);
    sb.status.state = 'notready';
  }

  async removePodSandbox(id: string): Promise<void> {
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) this.containers.delete(c.status.id);
    this.sandboxes.delete(id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    const sb = this.sandboxes.get(id);
    return sb ? { ...sb.status } : undefined;
  }

  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()].map((s) => ({ ...s.status }));
  }

  async createContainer(sandboxId: string, config: ContainerConfig, _sandbox?: PodSandboxConfig): Promise<string> {
    if (!this.sandboxes.has(sandboxId)) throw new Error(`pod sandbox ${sandboxId} not found`);
    const id = randomBytes(16).toString('hex');
    this.containers.set(id, {
      sandboxId, labels: config.labels,
      status: { id, name: config.name, attempt: config.attempt, state: 'created', createdAt: this.now(), image: config.image, imageRef: config.image, logPath: config.logPath },
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id} not found`);
    if (c.status.state !== 'created') throw new Error(`container ${id} is ${c.status.state}, not created`);
    c.status.state = 'running';
    c.status.startedAt = this.now();
  }

  async stopContainer(id: string, _timeoutSeconds = 0): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.status.state === 'exited') return;
    // A simulated container ends at once and cleanly, as a process that honours SIGTERM.
    c.status.state = 'exited';
    c.status.exitCode = 0;
    c.status.reason = 'Completed';
    c.status.finishedAt = this.now();
  }

  async removeContainer(id: string): Promise<void> {
    this.containers.delete(id);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(id);
    return c ? { ...c.status } : undefined;
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    const out: ContainerStatus[] = [];
    for (const c of this.containers.values()) {
      if (filter.sandboxId && c.sandboxId !== filter.sandboxId) continue;
      if (filter.state && c.status.state !== filter.state) continue;
      if (filter.labels && !Object.entries(filter.labels).every(([k, v]) => c.labels[k] === v)) continue;
      out.push({ ...c.status });
    }
    return out;
  }

  private mustRun(id: string): void {
    if (this.containers.get(id)?.status.state !== 'running') throw new Error(`container ${id} is not running`);
  }

  async execSync(id: string): Promise<ExecSyncResult> {
    this.mustRun(id);
    return { exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false };
  }

  async exec(id: string, _cmd: string[], streams: StreamOptions): Promise<number> {
    this.mustRun(id);
    streams.stdin?.resume();
    return 0;
  }

  async attach(id: string): Promise<void> {
    this.mustRun(id);
  }

  async portForward(sandboxId: string, _port: number, stream: Duplex): Promise<void> {
    if (!this.sandboxes.has(sandboxId)) throw new Error(`pod sandbox ${sandboxId} not found`);
    stream.destroy(new Error('simulated runtime: nothing listens in a simulated pod'));
  }

  async close(): Promise<void> {}
}
