// The node's pods: an informer on pods bound to this node (fieldSelector spec.nodeName) feeds one
// PodWorker per pod UID; a relist of the runtime (upstream's PLEG, every relistMs) wakes the
// worker of any pod whose containers changed state. At start, sandboxes whose pod is no longer
// in the API are torn down: a deleted pod's processes never outlive it, also across restarts.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SharedInformer } from '../../client/informer.js';
import type { StoredObject } from '../../api/types.js';
import { PodWorker } from './pod-worker.js';
import type { PodWorkerContext } from './pod-context.js';
import { asPod, type Container, type PodObject } from './pod-types.js';
import { cleanupOrphanedPodDirs, cleanupPodDir } from './volumes.js';

export interface LocatedContainer {
  worker: PodWorker;
  containerId: string;
  sandboxId: string;
  logPath: string;
  previousLogPath?: string;
  spec: Container;
}

export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  private timer?: ReturnType<typeof setInterval>;
  private lastStates = new Map<string, string>();
  private relisting = false;
  private readonly ctx: PodWorkerContext;
  private removeHandler?: () => void;

  constructor(ctx: Omit<PodWorkerContext, 'onDone'>, private readonly informer: SharedInformer<StoredObject>, private readonly relistMs = 1000) {
    this.ctx = { ...ctx, onDone: (uid) => this.workers.delete(uid) };
  }

  async start(signal: AbortSignal): Promise<void> {
    if (!(await this.informer.waitForSync(signal))) return;
    const known = new Map(this.informer.lister.list().map((p) => [p.metadata.uid, p]));
    const adopt = new Map<string, string>();
    for (const sb of await this.ctx.runtime.listPodSandboxes()) {
      if (known.has(sb.metadata.uid) && !adopt.has(sb.metadata.uid)) {
        adopt.set(sb.metadata.uid, sb.id);
        continue;
      }
      this.ctx.log.info('removing the sandbox of a pod that no longer exists', { pod: `${sb.metadata.namespace}/${sb.metadata.name}`, uid: sb.metadata.uid });
      await this.ctx.runtime.stopPodSandbox(sb.id);
      await this.ctx.runtime.removePodSandbox(sb.id);
      cleanupPodDir(this.ctx.dataDir, sb.metadata.uid);
      rmSync(join(this.ctx.podLogsDir, `${sb.metadata.namespace}_${sb.metadata.name}_${sb.metadata.uid}`), { recursive: true, force: true });
    }
    // Pod dirs (volumes, tmpfs) of pods gone while no agent ran and that had no sandbox left.
    const removed = cleanupOrphanedPodDirs(this.ctx.dataDir, new Set([...known.keys()].filter((u): u is string => !!u)));
    if (removed.length) this.ctx.log.info('removed the volumes of pods that no longer exist', { pods: removed.length });
    this.removeHandler = this.informer.addEventHandler({
      onAdd: (obj) => this.upsert(asPod(obj), adopt),
      onUpdate: (oldObj, obj) => {
        if (oldObj.metadata.uid !== obj.metadata.uid) this.workers.get(oldObj.metadata.uid)?.removed();
        this.upsert(asPod(obj), adopt);
      },
      onDelete: (obj) => this.workers.get(obj.metadata.uid)?.removed(),
    });
    this.timer = setInterval(() => void this.relist(), this.relistMs);
    this.timer.unref();
  }

  private upsert(pod: PodObject, adopt: Map<string, string>): void {
    let w = this.workers.get(pod.metadata.uid);
    if (!w) {
      const sandbox = adopt.get(pod.metadata.uid);
      w = new PodWorker(pod, this.ctx, sandbox);
      adopt.delete(pod.metadata.uid);
      const fresh = !sandbox && !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
      const conflict = fresh ? this.hostPortConflict(pod) : undefined;
      this.workers.set(pod.metadata.uid, w);
      if (conflict) {
        w.reject('NodePorts', `Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports (${conflict})`);
        return;
      }
    }
    w.update(pod);
  }

  /** Light admission: a hostPort already taken by an active pod on this node (the scheduler checks this too). */
  private hostPortConflict(pod: PodObject): string | undefined {
    const ports = (p: PodObject) => p.spec.containers.flatMap((c) => (c.ports ?? []).filter((x) => x.hostPort).map((x) => ({ ip: x.hostIP || '0.0.0.0', protocol: x.protocol ?? 'TCP', port: x.hostPort! })));
    const wanted = ports(pod);
    if (wanted.length === 0) return undefined;
    for (const w of this.workers.values()) {
      if (!w.active || w.uid === pod.metadata.uid) continue;
      for (const used of ports(w.currentPod)) {
        for (const want of wanted) {
          if (want.port === used.port && want.protocol === used.protocol && (want.ip === used.ip || want.ip === '0.0.0.0' || used.ip === '0.0.0.0')) {
            return `${want.protocol}/${want.port}`;
          }
        }
      }
    }
    return undefined;
  }

  private async relist(): Promise<void> {
    if (this.relisting) return;
    this.relisting = true;
    try {
      const list = await this.ctx.runtime.listContainers();
      const next = new Map<string, string>();
      const changedSandboxes = new Set<string>();
      for (const c of list) {
        const key = `${c.state}/${c.exitCode ?? ''}`;
        next.set(c.id, key);
        if (this.lastStates.get(c.id) !== key) changedSandboxes.add(c.id);
      }
      this.lastStates = next;
      if (changedSandboxes.size === 0) return;
      const changedIds = changedSandboxes;
      for (const w of this.workers.values()) {
        const sb = w.sandbox;
        if (!sb) continue;
        if (list.some((c) => changedIds.has(c.id) && this.sandboxOf(c.id, w))) w.trigger();
      }
    } catch (e) {
      this.ctx.log.warn('runtime relist failed', { err: e });
    } finally {
      this.relisting = false;
    }
  }

  private sandboxOf(containerId: string, w: PodWorker): boolean {
    const cur = w.currentPod;
    return [...(cur.spec.initContainers ?? []), ...cur.spec.containers].some((c) => w.container(c.name)?.id === containerId);
  }

  /** The container `kubectl logs/exec/attach` means: named, else the default-container annotation, else the first. */
  locate(namespace: string, podName: string, container?: string): LocatedContainer | undefined {
    const obj = this.informer.lister.get(namespace, podName);
    if (!obj) return undefined;
    const pod = asPod(obj);
    const worker = this.workers.get(pod.metadata.uid);
    if (!worker?.sandbox) return undefined;
    const name = container || pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] || pod.spec.containers[0]?.name;
    if (!name) return undefined;
    const c = worker.container(name);
    if (!c) return undefined;
    return { worker, containerId: c.id, sandboxId: worker.sandbox, logPath: c.logPath, previousLogPath: c.previousLogPath, spec: c.spec };
  }

  worker(uid: string): PodWorker | undefined {
    return this.workers.get(uid);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.removeHandler?.();
    for (const w of this.workers.values()) w.shutdown();
    await Promise.all([...this.workers.values()].map((w) => w.settled()));
  }
}
