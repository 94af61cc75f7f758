// One pod's life on the node, as upstream's pod worker + SyncPod: every trigger (pod update,
// container state change, probe result, timer) runs one sync, never two at once for the same
// pod. A sync reconciles: sandbox, volumes, init containers in order (each must succeed), then
// the app containers, restarts per restartPolicy with back-off (CrashLoopBackOff), liveness
// kills, activeDeadlineSeconds, and on deletion the graceful stop followed by the final DELETE.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { ContainerStatus, PodSandboxConfig } from '../runtime/types.js';
import type { Container, PodObject } from './pod-types.js';
import type { PodWorkerContext } from './pod-context.js';
import { VolumeError, cleanupPodDir, prepareVolumes } from './volumes.js';
import { podStatus, rfc3339, type ContainerView, type PodView } from './pod-status.js';
import { isConflict, isNotFound } from '../../client/status.js';
import { containerView, formatDuration, isSidecar, type Slot } from './container-slot.js';
import { PodStatusPoster } from './status-poster.js';
import { ContainerRunner } from './container-runner.js';
import { withTerminationMessage } from './termination-message.js';
import { podDnsConfig } from './dns.js';
import { podSandboxHostname } from './etc-hosts.js';

const minimumGraceSeconds = 2;

export class PodWorker {
  readonly uid: string;
  private sandboxId?: string;
  private slots: Slot[] = [];
  private statuses = new Map<string, ContainerStatus>();
  private readonly terminationMessages = new Map<string, string>();
  private terminal?: PodView['terminal'];
  private initialized = false;
  private keepApiStatus = false;
  private stoppingSidecars = false;
  private startTime?: string;
  private readonly poster: PodStatusPoster;
  private readonly runner: ContainerRunner;
  private running = false;
  private dirty = false;
  private finished = false;
  private objectGone = false;
  private wake?: unknown;
  private idle?: Promise<void>;

  constructor(private pod: PodObject, private readonly ctx: PodWorkerContext, private readonly adoptSandboxId?: string) {
    this.uid = pod.metadata.uid;
    this.poster = new PodStatusPoster(ctx.pods);
    this.runner = new ContainerRunner({
      ctx, uid: this.uid, pod: () => this.pod, sandboxId: () => this.sandboxId!, sandboxConfig: () => this.sandboxConfig(),
      podIPs: () => this.podIPs(), logPath: (slot, attempt) => this.logPath(slot, attempt),
      event: (type, reason, message, slot) => this.event(type, reason, message, slot),
      cachedStatus: (slot) => this.current(slot), trigger: () => this.trigger(),
    });
    this.startTime = pod.status?.startTime ?? undefined;
  }

  get currentPod(): PodObject { return this.pod; }
  get sandbox(): string | undefined { return this.sandboxId; }

  /**
   * The container record for streams and logs. The previous log is the lastState one, as
   * upstream's `logs --previous`: while a crashed container waits to restart, that is the
   * instance that just died.
   */
  container(name: string): { id: string; logPath: string; previousLogPath?: string; spec: Container } | undefined {
    const s = this.slots.find((x) => x.spec.name === name);
    if (!s?.currentId) return undefined;
    const cur = this.statuses.get(s.currentId);
    const last = s.waiting && cur?.state === 'exited' ? cur : s.previousId ? this.statuses.get(s.previousId) : undefined;
    return { id: s.currentId, logPath: cur?.logPath ?? this.logPath(s, s.attempt), previousLogPath: last?.logPath, spec: s.spec };
  }

  /** Admission refused the pod: it ends Failed without running (upstream: "Pod was rejected"). */
  reject(reason: string, message: string): void {
    this.terminal = { phase: 'Failed', reason, message };
    this.event('Warning', reason, message);
    this.trigger();
  }

  /** Active: admitted and not finished (its host ports are taken). */
  get active(): boolean {
    return !this.terminal && !this.finished;
  }

  update(pod: PodObject): void {
    this.pod = pod;
    this.trigger();
  }

  /** The object left the API (force deletion or our own DELETE). */
  removed(): void {
    this.objectGone = true;
    this.trigger();
  }

  trigger(): void {
    if (this.finished) return;
    this.dirty = true;
    if (!this.running) this.idle = this.loop();
  }

  /** Resolves when the current sync (if any) is over. */
  async settled(): Promise<void> {
    await this.idle;
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty && !this.finished) {
        this.dirty = false;
        try {
          await this.sync();
        } catch (e) {
          this.ctx.log.warn('pod sync failed; retrying', { pod: this.name, err: e });
          this.schedule(1000);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private get name(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  private schedule(ms: number): void {
    if (this.wake !== undefined) this.ctx.clock.clearTimeout(this.wake);
    this.wake = this.ctx.clock.setTimeout(() => { this.wake = undefined; this.trigger(); }, ms);
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string, slot?: Slot): void {
    const fieldPath = slot ? `spec.${slot.init ? 'initContainers' : 'containers'}{${slot.spec.name}}` : undefined;
    this.ctx.recorder.event(this.pod, type, reason, message, { fieldPath });
  }

  private logDir(): string {
    return join(this.ctx.podLogsDir, `${this.pod.metadata.namespace}_${this.pod.metadata.name}_${this.uid}`);
  }

  private logPath(slot: Slot, attempt: number): string {
    return join(this.logDir(), slot.spec.name, `${attempt}.log`);
  }

  // --- the sync ---

  private async sync(): Promise<void> {
    const pod = this.pod;
    if (this.objectGone || pod.metadata.deletionTimestamp) return this.terminate();
    if (this.terminal) {
      // A finished pod's status stays as posted (or as found, when it finished before this agent).
      if (this.keepApiStatus) return;
      if (this.slots.length === 0) await this.setup();
      await this.postStatus();
      return;
    }
    if (this.slots.length === 0) await this.setup();
    this.refreshSpecs();
    const apiPhase = pod.status?.phase;
    if (!this.sandboxId && (apiPhase === 'Succeeded' || apiPhase === 'Failed')) {
      // Finished before this agent started: nothing to run again.
      this.terminal = { phase: apiPhase };
      this.keepApiStatus = true;
      return;
    }
    if (this.deadlineExceeded()) {
      await this.killAll(pod.spec.terminationGracePeriodSeconds ?? 30, 'Stopping container');
      this.terminal = { phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
      this.event('Normal', 'DeadlineExceeded', 'Pod was active on the node longer than the specified deadline');
      await this.refresh();
      await this.postStatus();
      return;
    }
    if (!this.startTime) this.startTime = rfc3339(this.ctx.clock.now());
    if (!this.sandboxId) await this.ensureSandbox();
    let volumes: Map<string, string>;
    try {
      volumes = await prepareVolumes(pod, this.ctx.dataDir, this.volumeSources());
    } catch (e) {
      if (!(e instanceof VolumeError)) throw e;
      this.event('Warning', 'FailedMount', e.message);
      await this.postStatus();
      this.schedule(Math.min(this.ctx.resyncMs, 2000));
      return;
    }
    await this.refresh();
    if (await this.syncInit(volumes)) await this.syncApps(volumes);
    await this.refresh();
    const status = await this.postStatus();
    const phase = status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.terminal = { phase };
      this.stopProbes();
      return;
    }
    this.schedule(this.nextWake());
  }

  private async setup(): Promise<void> {
    const mk = (c: Container, init: boolean): Slot => ({ spec: c, init, attempt: 0, imageID: '', probes: {} });
    this.slots = [...(this.pod.spec.initContainers ?? []).map((c) => mk(c, true)), ...this.pod.spec.containers.map((c) => mk(c, false))];
    if (!this.adoptSandboxId) return;
    // Re-adopt what a previous agent started: the newest instance of each container is current.
    this.sandboxId = this.adoptSandboxId;
    const existing = await this.ctx.runtime.listContainers({ sandboxId: this.sandboxId });
    for (const slot of this.slots) {
      const mine = existing.filter((c) => c.name === slot.spec.name).sort((a, b) => b.attempt - a.attempt);
      if (!mine[0]) continue;
      slot.currentId = mine[0].id;
      slot.attempt = mine[0].attempt;
      slot.previousId = mine[1]?.id;
      slot.imageID = await this.ctx.images.pullImage({ image: slot.spec.image ?? '' });
      for (const old of mine.slice(2)) await this.ctx.runtime.removeContainer(old.id);
      if (mine[0].state === 'running') this.runner.startProbes(slot);
    }
  }

  private refreshSpecs(): void {
    const specs = new Map([...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers].map((c) => [c.name, c]));
    for (const slot of this.slots) {
      const fresh = specs.get(slot.spec.name);
      if (!fresh) continue;
      if (fresh.image !== slot.spec.image && slot.currentId) slot.specChanged = true;
      slot.spec = fresh;
    }
  }

  private deadlineExceeded(): boolean {
    const secs = this.pod.spec.activeDeadlineSeconds;
    if (!secs || !this.startTime) return false;
    return this.ctx.clock.now() - Date.parse(this.startTime) >= secs * 1000;
  }

  private async ensureSandbox(): Promise<void> {
    this.sandboxId = await this.ctx.runtime.runPodSandbox(this.sandboxConfig());
    this.ctx.log.debug('sandbox started', { pod: this.name, sandbox: this.sandboxId });
  }

  /**
   * The sandbox as kubelet's generatePodSandboxConfig builds it: hostname (spec.hostname or the
   * pod name, at most 63 characters; the FQDN with setHostnameAsFQDN), resolv.conf settings from
   * the dnsPolicy, and the pod-level security context with its sysctls and namespace modes.
   */
  private sandboxConfig(): PodSandboxConfig {
    const pod = this.pod;
    const spec = pod.spec;
    const clusterDomain = this.ctx.clusterDomain ?? 'cluster.local';
    const sysctls: Record<string, string> = {};
    for (const s of spec.securityContext?.sysctls ?? []) sysctls[s.name] = s.value;
    const containers = [...(spec.initContainers ?? []), ...spec.containers];
    return {
      uid: this.uid, name: pod.metadata.name, namespace: pod.metadata.namespace ?? 'default', attempt: 0,
      hostname: podSandboxHostname(pod, clusterDomain), hostNetwork: !!spec.hostNetwork,
      // Without cluster DNS configured (the process runtime) the runtime keeps the host's resolver.
      dnsConfig: this.ctx.clusterDns === undefined ? undefined : podDnsConfig(pod, {
        clusterDns: this.ctx.clusterDns, clusterDomain, hostResolvConf: this.ctx.hostResolvConf,
        event: (type, reason, message) => this.event(type, reason, message),
      }),
      portMappings: spec.containers.flatMap((c) => (c.ports ?? []).map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: (p.protocol ?? 'TCP') as 'TCP', hostIP: p.hostIP }))),
      labels: pod.metadata.labels ?? {}, annotations: pod.metadata.annotations ?? {}, logDirectory: this.logDir(),
      linux: {
        securityContext: spec.securityContext, sysctls,
        hostPID: !!spec.hostPID, hostIPC: !!spec.hostIPC, shareProcessNamespace: !!spec.shareProcessNamespace,
        // Upstream runs the sandbox privileged when any container is.
        privileged: containers.some((c) => c.securityContext?.privileged === true),
      },
    };
  }

  private volumeSources() {
    return {
      configMap: this.ctx.configMap, secret: this.ctx.secret, serviceAccountToken: this.ctx.serviceAccountToken, claimPath: this.ctx.claimPath,
      allocatable: this.ctx.allocatable, podIPs: this.podIPs(), hostIPs: this.ctx.nodeIPs,
      warn: (reason: string, message: string) => this.event('Warning', reason, message),
    };
  }

  private podIPs(): string[] {
    return this.sandboxIPs ?? [];
  }

  private sandboxIPs?: string[];

  private async refresh(): Promise<void> {
    if (!this.sandboxId) return;
    if (!this.sandboxIPs) this.sandboxIPs = (await this.ctx.runtime.podSandboxStatus(this.sandboxId))?.ips;
    const list = await this.ctx.runtime.listContainers({ sandboxId: this.sandboxId });
    this.statuses = new Map(list.map((c) => [c.id, c]));
  }

  private current(slot: Slot): ContainerStatus | undefined {
    return slot.currentId ? this.statuses.get(slot.currentId) : undefined;
  }

  /** Runs init containers in order; true when all have succeeded (sidecars: started). */
  private async syncInit(volumes: Map<string, string>): Promise<boolean> {
    for (const slot of this.slots.filter((s) => s.init)) {
      const st = this.current(slot);
      if (!st) {
        await this.start(slot, volumes);
        return false;
      }
      if (isSidecar(slot)) {
        // A sidecar restarts whenever it exits; once the pod is initialized it does not hold up the others.
        if (st.state === 'exited') {
          this.runner.stopProbes(slot);
          if (!this.stoppingSidecars) await this.restart(slot, volumes);
          if (!this.initialized) return false;
          continue;
        }
        if (st.state !== 'running' || (!this.initialized && slot.probes.startup && slot.probes.startup.result !== 'success')) return false;
        continue;
      }
      if (this.initialized) continue;
      if (st.state !== 'exited') return false;
      if (st.exitCode === 0) continue;
      if ((this.pod.spec.restartPolicy ?? 'Always') === 'Never') {
        this.terminal = { phase: 'Failed' };
        await this.postStatus();
        return false;
      }
      await this.restart(slot, volumes);
      return false;
    }
    this.initialized = true;
    return true;
  }

  private async syncApps(volumes: Map<string, string>): Promise<void> {
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    await Promise.all(this.slots.filter((s) => !s.init).map(async (slot) => {
      let st = this.current(slot);
      if (!st) {
        await this.start(slot, volumes);
        return;
      }
      if (slot.specChanged && st.state !== 'running') slot.specChanged = false;
      if (slot.specChanged) {
        slot.specChanged = false;
        this.runner.stopProbes(slot);
        await this.runner.kill(slot, this.pod.spec.terminationGracePeriodSeconds ?? 30, `Container ${slot.spec.name} definition changed, will be restarted`);
        // A changed definition restarts at once, whatever the restart policy.
        await this.start(slot, volumes);
        return;
      }
      if (st.state === 'running' && slot.livenessFailed) {
        slot.livenessFailed = false;
        this.runner.stopProbes(slot);
        await this.runner.kill(slot, this.pod.spec.terminationGracePeriodSeconds ?? 30, `Container ${slot.spec.name} failed liveness probe, will be restarted`);
        st = await this.ctx.runtime.containerStatus(slot.currentId!);
        if (st) this.statuses.set(st.id, st);
      }
      if (st?.state !== 'exited') return;
      this.runner.stopProbes(slot);
      const restart = policy === 'Always' || (policy === 'OnFailure' && st.exitCode !== 0);
      if (restart) await this.restart(slot, volumes);
    }));
    // When every regular container is done for good, the sidecars are stopped so the pod can complete.
    const apps = this.slots.filter((s) => !s.init);
    const allDone = policy !== 'Always' && apps.every((s) => {
      const cur = this.current(s);
      return cur?.state === 'exited' && !s.waiting && (policy === 'Never' || cur.exitCode === 0);
    });
    if (allDone && this.slots.some((s) => isSidecar(s))) {
      this.stoppingSidecars = true;
      await Promise.all(this.slots.filter(isSidecar).map((s) => { this.runner.stopProbes(s); return this.runner.kill(s, this.pod.spec.terminationGracePeriodSeconds ?? 30, `Stopping container ${s.spec.name}`); }));
    }
  }

  private async restart(slot: Slot, volumes: Map<string, string>): Promise<void> {
    const key = `${this.uid}/${slot.spec.name}`;
    const now = this.ctx.clock.now();
    const wait = this.ctx.backoff.remaining(key, now);
    if (wait > 0) {
      const pod = this.pod.metadata;
      const delay = Math.round(this.ctx.backoff.delay(key) / 1000);
      const was = slot.waiting?.reason;
      slot.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${formatDuration(delay)} restarting failed container=${slot.spec.name} pod=${pod.name}_${pod.namespace}(${this.uid})` };
      if (was !== 'CrashLoopBackOff') this.event('Warning', 'BackOff', `Back-off restarting failed container ${slot.spec.name} in pod ${pod.name}_${pod.namespace}(${this.uid})`, slot);
      return;
    }
    this.ctx.backoff.next(key, now);
    await this.start(slot, volumes);
  }

  /** Creates and starts the container (gated), then runs postStart and starts its probes (not gated). */
  private async start(slot: Slot, volumes: Map<string, string>): Promise<void> {
    const id = await this.ctx.startGate.run(() => this.runner.create(slot, volumes));
    if (id) await this.runner.afterStart(slot, id);
  }

  private stopProbes(): void {
    for (const s of this.slots) this.runner.stopProbes(s);
  }


  private async killAll(graceSeconds: number, verb: string): Promise<void> {
    this.stopProbes();
    await this.refresh();
    await Promise.all(this.slots.map((s) => this.runner.kill(s, graceSeconds, `${verb} ${s.spec.name}`)));
  }

  private nextWake(): number {
    let ms = this.ctx.resyncMs;
    for (const s of this.slots) {
      if (s.waiting?.reason === 'CrashLoopBackOff') ms = Math.min(ms, this.ctx.backoff.remaining(`${this.uid}/${s.spec.name}`, this.ctx.clock.now()) + 1);
      if (s.waiting && s.waiting.reason !== 'CrashLoopBackOff') ms = Math.min(ms, 2000);
    }
    const secs = this.pod.spec.activeDeadlineSeconds;
    if (secs && this.startTime) ms = Math.min(ms, Math.max(1, Date.parse(this.startTime) + secs * 1000 - this.ctx.clock.now()));
    return ms;
  }

  // --- status ---

  private view(): PodView {
    const cv = (s: Slot): ContainerView => {
      const withMessage = (st: ContainerStatus | undefined) => (st ? withTerminationMessage(st, s.spec, this.terminationMessages) : undefined);
      return containerView(s, withMessage(this.current(s)), withMessage(s.previousId ? this.statuses.get(s.previousId) : undefined), this.ctx.runtimeName);
    };
    return {
      pod: this.pod, init: this.slots.filter((s) => s.init).map(cv), containers: this.slots.filter((s) => !s.init).map(cv),
      sandboxReady: !!this.sandboxId, podIPs: this.podIPs(), hostIPs: this.ctx.nodeIPs,
      startTime: this.startTime ?? rfc3339(this.ctx.clock.now()), terminal: this.terminal, now: this.ctx.clock.now(), initialized: this.initialized,
    };
  }

  /** Patches the status subresource when it changed; returns what the agent holds as status. */
  private async postStatus(): Promise<Record<string, unknown> | undefined> {
    if (this.objectGone) return undefined;
    const status = podStatus(this.view());
    const updated = await this.poster.post(this.pod, status);
    if (updated && updated.metadata.uid === this.uid) this.pod = updated;
    return status;
  }

  // --- termination ---

  private async terminate(): Promise<void> {
    if (this.finished) return;
    const pod = this.pod;
    let grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    if (this.objectGone) grace = Math.min(grace, minimumGraceSeconds);
    if (this.slots.length === 0) await this.setup();
    await this.killAll(Math.max(grace, 0), 'Stopping container');
    if (this.sandboxId) {
      await this.ctx.runtime.stopPodSandbox(this.sandboxId);
      await this.ctx.runtime.removePodSandbox(this.sandboxId);
    }
    if (!this.objectGone) {
      try {
        await this.ctx.pods.delete(pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
    this.finish();
  }

  /** Forgets the pod: no timers, no probes, no files left behind. */
  private finish(): void {
    this.finished = true;
    if (this.wake !== undefined) this.ctx.clock.clearTimeout(this.wake);
    this.stopProbes();
    this.ctx.backoff.forgetPrefix(`${this.uid}/`);
    cleanupPodDir(this.ctx.dataDir, this.uid);
    rmSync(this.logDir(), { recursive: true, force: true });
    this.ctx.onDone(this.uid);
  }

  /** Agent shutdown: stop timers and probes; containers keep running for the next agent. */
  shutdown(): void {
    this.finished = true;
    if (this.wake !== undefined) this.ctx.clock.clearTimeout(this.wake);
    this.stopProbes();
  }
}
