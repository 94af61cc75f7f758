// Starting and stopping one container of a pod: its config (env, mounts), create and start on
// the runtime with upstream's events (Pulled, Created, Started, Failed), the postStart hook, the
// probe workers, and the kill sequence (preStop within the grace period, SIGTERM, SIGKILL).
import type { Container, PodObject } from './pod-types.js';
import type { PodWorkerContext } from './pod-context.js';
import type { ContainerStatus, Mount, PodSandboxConfig } from '../runtime/types.js';
import type { Slot } from './container-slot.js';
import { ContainerConfigError, containerEnv } from './env.js';
import { containerMounts, exposeMountsOnHost, podDir } from './volumes.js';
import { runHandler, type HandlerSpec } from './handlers.js';
import { etcHostsMount } from './etc-hosts.js';
import { ProbeWorker, type ProbeKind } from './probes.js';
import { serviceEnv, servicesForPod } from './service-env.js';

/** What the runner needs from its pod worker. */
export interface PodHandle {
  ctx: PodWorkerContext;
  uid: string;
  pod(): PodObject;
  sandboxId(): string;
  sandboxConfig(): PodSandboxConfig;
  podIPs(): string[];
  logPath(slot: Slot, attempt: number): string;
  event(type: 'Normal' | 'Warning', reason: string, message: string, slot?: Slot): void;
  /** The runtime status as of the worker's last refresh. */
  cachedStatus(slot: Slot): ContainerStatus | undefined;
  trigger(): void;
}

export class ContainerRunner {
  constructor(private readonly h: PodHandle) {}

  private name(): string {
    return `${this.h.pod().metadata.namespace}/${this.h.pod().metadata.name}`;
  }

  /** Builds the config and creates and starts the container; returns its id when it started. */
  async create(slot: Slot, volumes: Map<string, string>): Promise<string | undefined> {
    const c = slot.spec;
    const rt = this.h.ctx.runtime;
    slot.waiting = undefined;
    const attempt = slot.currentId ? slot.attempt + 1 : slot.attempt;
    const image = c.image ?? '';
    // The image first, as the kubelet's startContainer: config errors come after Pulled.
    const puller = this.h.ctx.imagePuller;
    if (puller) {
      // Pull policy, imagePullSecrets and the pull back-off; the container waits until the image is there.
      const pulled = await puller.ensureImage(this.h.pod(), c, (type, reason, message) => this.h.event(type, reason, message, slot));
      if (!pulled.imageRef) {
        slot.waiting = pulled.waiting;
        return undefined;
      }
      slot.imageID = pulled.imageRef;
    } else {
      slot.imageID = await this.h.ctx.images.pullImage({ image });
      this.h.event('Normal', 'Pulled', `Container image "${image}" already present on machine`, slot);
    }
    let env: Array<{ name: string; value: string }>;
    let mounts: Mount[];
    try {
      env = await containerEnv(this.h.pod(), c, {
        serviceEnv: await this.serviceEnv(),
        configMap: this.h.ctx.configMap, secret: this.h.ctx.secret, allocatable: this.h.ctx.allocatable,
        podIPs: this.h.podIPs(), hostIPs: this.h.ctx.nodeIPs, warn: (r, m) => this.h.event('Warning', r, m, slot),
      });
      // A bad subPath (SubPathError) is a config error of this container, as upstream.
      mounts = containerMounts(c, volumes, env);
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      slot.waiting = { reason: 'CreateContainerConfigError', message: e.message };
      this.h.event('Warning', 'Failed', `Error: ${e.message}`, slot);
      return undefined;
    }
    if (!this.h.ctx.hostProcessMounts) {
      // The kubelet-managed /etc/hosts (pod IP with hostname, hostAliases), as makeMounts adds it.
      const hosts = etcHostsMount(podDir(this.h.ctx.dataDir, this.h.uid), this.h.pod(), c, { podIPs: this.h.podIPs(), clusterDomain: this.h.ctx.clusterDomain ?? 'cluster.local' });
      if (hosts) mounts.push(hosts);
    }
    if (this.h.ctx.hostProcessMounts) {
      env.push(...exposeMountsOnHost(c, mounts, podDir(this.h.ctx.dataDir, this.h.uid), (r, m) => this.h.event('Warning', r, m, slot)));
    }
    let id: string;
    try {
      id = await rt.createContainer(this.h.sandboxId(), {
        name: c.name, attempt, image, command: c.command ?? [], args: c.args ?? [], workingDir: c.workingDir, env, mounts,
        logPath: this.h.logPath(slot, attempt), stdin: !!c.stdin, stdinOnce: !!c.stdinOnce, tty: !!c.tty,
        labels: { 'io.kubernetes.pod.uid': this.h.uid, 'io.kubernetes.container.name': c.name },
        annotations: {}, resources: c.resources as Record<string, unknown> | undefined, securityContext: c.securityContext as Record<string, unknown> | undefined,
      }, this.h.sandboxConfig());
    } catch (e) {
      // A refused config (runAsNonRoot with a root image) says so through its reason.
      const reason = (e as { reason?: unknown }).reason === 'CreateContainerConfigError' ? 'CreateContainerConfigError' : 'CreateContainerError';
      slot.waiting = { reason, message: (e as Error).message };
      this.h.event('Warning', 'Failed', `Error: ${(e as Error).message}`, slot);
      return undefined;
    }
    // Keep one dead instance (for `logs --previous` and lastState), as the kubelet's GC does.
    if (slot.previousId) await rt.removeContainer(slot.previousId).catch(() => {});
    slot.previousId = slot.currentId;
    slot.currentId = id;
    slot.attempt = attempt;
    this.h.event('Normal', 'Created', `Created container: ${c.name}`, slot);
    try {
      await rt.startContainer(id);
    } catch (e) {
      this.h.event('Warning', 'Failed', `Error: ${(e as Error).message}`, slot);
      return undefined;
    }
    this.h.event('Normal', 'Started', `Started container ${c.name}`, slot);
    return id;
  }

  /** postStart (a failure kills the container), then the probes. */
  async afterStart(slot: Slot, id: string): Promise<void> {
    const c = slot.spec;
    const rt = this.h.ctx.runtime;
    const postStart = c.lifecycle?.postStart as HandlerSpec | undefined;
    if (postStart) {
      const r = await runHandler(postStart, { runtime: rt, containerId: id, container: c, podIP: this.h.podIPs()[0] ?? '127.0.0.1', timeoutMs: (this.h.pod().spec.terminationGracePeriodSeconds ?? 30) * 1000 });
      if (!r.ok) {
        // As upstream, the hook's output stays out of the event (it may hold secrets).
        this.h.ctx.log.info('postStart hook failed', { pod: this.name(), container: c.name, message: r.message });
        this.h.event('Warning', 'FailedPostStartHook', 'PostStartHook failed', slot);
        await this.kill(slot, this.h.pod().spec.terminationGracePeriodSeconds ?? 30, `FailedPostStartHook`);
        return;
      }
    }
    this.startProbes(slot);
  }

  private async serviceEnv(): Promise<Array<{ name: string; value: string }>> {
    if (!this.h.ctx.services) return [];
    const ns = this.h.pod().metadata.namespace ?? 'default';
    try {
      const { inNamespace, master } = await this.h.ctx.services(ns);
      return serviceEnv(servicesForPod(ns, this.h.pod().spec.enableServiceLinks !== false, inNamespace, master));
    } catch (e) {
      this.h.ctx.log.warn('could not list services for service-link variables', { pod: this.name(), err: e });
      return [];
    }
  }

  startProbes(slot: Slot): void {
    const c = slot.spec;
    const id = slot.currentId!;
    const mk = (kind: ProbeKind, probe: NonNullable<Container['livenessProbe']>) => {
      const w = new ProbeWorker({
        kind, probe, clock: this.h.ctx.clock,
        run: (timeoutMs) => runHandler(probe as HandlerSpec, { runtime: this.h.ctx.runtime, containerId: id, container: c, podIP: this.h.podIPs()[0] ?? '127.0.0.1', timeoutMs }),
        gate: kind === 'startup' ? undefined : () => !slot.probes.startup || slot.probes.startup.result === 'success',
        onResult: (k, result) => {
          if (k === 'liveness' && result === 'failure') slot.livenessFailed = true;
          this.h.trigger();
        },
        onFailure: (k, message) => this.h.event('Warning', 'Unhealthy', `${k[0]!.toUpperCase()}${k.slice(1)} probe failed: ${message}`, slot),
      });
      slot.probes[kind] = w;
      w.start();
    };
    if (c.startupProbe) mk('startup', c.startupProbe);
    if (c.livenessProbe) mk('liveness', c.livenessProbe);
    if (c.readinessProbe) mk('readiness', c.readinessProbe);
  }

  stopProbes(slot: Slot): void {
    for (const w of Object.values(slot.probes)) w?.stop();
    slot.probes = {};
  }

  /** preStop (within the grace period), then SIGTERM, then SIGKILL when the grace period is over. */
  async kill(slot: Slot, graceSeconds: number, message: string): Promise<void> {
    const st = this.h.cachedStatus(slot) ?? (slot.currentId ? await this.h.ctx.runtime.containerStatus(slot.currentId) : undefined);
    if (!st || st.state !== 'running') return;
    this.h.event('Normal', 'Killing', message, slot);
    const t0 = this.h.ctx.clock.now();
    const preStop = slot.spec.lifecycle?.preStop as HandlerSpec | undefined;
    if (preStop && graceSeconds > 0) {
      const r = await runHandler(preStop, { runtime: this.h.ctx.runtime, containerId: st.id, container: slot.spec, podIP: this.h.podIPs()[0] ?? '127.0.0.1', timeoutMs: graceSeconds * 1000 });
      if (!r.ok) this.h.event('Warning', 'FailedPreStopHook', 'PreStopHook failed', slot);
    }
    const left = Math.max(0, graceSeconds - (this.h.ctx.clock.now() - t0) / 1000);
    await this.h.ctx.runtime.stopContainer(st.id, left);
  }
}
