// The process runtime: every container is a host process. It leads its own process group
// (spawned detached, so setsid) and stop signals go to the whole group, as a container's
// cgroup would be killed whole. There is no isolation: pods share the node's network (pod IP =
// node IP), filesystem and users; images are recorded, never pulled. Output goes to raw files
// the agent tails into CRI logs, so processes outlive an agent restart and are re-adopted from
// the records under <data-dir>/agent/process/ (pid + /proc start time).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../../api/log.js';
import { silentLogger } from '../../../api/log.js';
import type {
  ContainerConfig, ContainerFilter, ContainerStatus, ExecSyncResult, PodSandboxConfig, PodSandboxStatus, RuntimeInfo,
  RuntimeService, StreamOptions,
} from '../types.js';
import { RecordStore, type ContainerRecord, type SandboxRecord } from './records.js';
import { OutputTailer } from './output-tailer.js';
import { isSameLiveProcess, readProcStat, signalGroup } from './proc.js';
import { attachToProcess, forwardToLocalPort, runExec, runExecSync } from './process-streams.js';
import { childOf, findPtyTools, followResizes, scriptArgs, type PtyTools } from './tty.js';

export interface ProcessRuntimeOptions {
  /** The agent's data directory; state lives in <dataDir>/agent/process/. */
  dataDir: string;
  /** The node's IP: every pod's IP on this runtime. */
  nodeIP: string;
  version: string;
  log?: Logger;
  /** How often output is copied to the logs and adopted processes are checked (ms). */
  pollIntervalMs?: number;
  maxLogBytes?: number;
  /** PATH given to containers (the image would set it; here: the agent's own). */
  path?: string;
  /** util-linux `script` and `stty` for tty sessions; null: none (pipes). Default: found on PATH. */
  ptyTools?: PtyTools | null;
}

/** What the process runtime cannot do; shown in the Node's annotations and the docs. */
export const processRuntimeLimitations = [
  'no isolation: containers are host processes sharing the node\'s users, filesystem and network',
  'no image pulls: the image is recorded, the container\'s command must exist on the host',
  'volumes are host directories: a process cannot see them at mountPath (KITES_VOLUME_<NAME> gives the path)',
  'no resource limits enforced',
];

interface LiveContainer {
  rec: ContainerRecord;
  tailer: OutputTailer;
  child?: ChildProcess;
  exited: Promise<void>;
  markExited: () => void;
  /** exec sessions, killed with the container */
  execs: Set<ChildProcess>;
  lastSavedOffsets: string;
}

const signalNumbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

export class ProcessRuntime implements RuntimeService {
  private readonly store: RecordStore;
  private readonly log: Logger;
  private readonly pty: PtyTools | undefined;
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly live = new Map<string, LiveContainer>();
  private timer?: ReturnType<typeof setInterval>;
  private closed = false;

  private constructor(private readonly opts: ProcessRuntimeOptions) {
    this.store = new RecordStore(join(opts.dataDir, 'agent', 'process'));
    this.log = (opts.log ?? silentLogger).child('process-runtime');
    this.pty = opts.ptyTools === undefined ? findPtyTools(opts.path ?? process.env.PATH) : opts.ptyTools ?? undefined;
    if (!this.pty) this.log.info('no util-linux `script`/`stty` on this host: tty sessions use pipes (no terminal, no resize)');
  }

  /** Opens the runtime: loads its records and re-adopts containers still running. */
  static async open(opts: ProcessRuntimeOptions): Promise<ProcessRuntime> {
    const rt = new ProcessRuntime(opts);
    rt.recover();
    rt.timer = setInterval(() => rt.poll(), opts.pollIntervalMs ?? 100);
    rt.timer.unref();
    return rt;
  }

  private recover(): void {
    for (const s of this.store.loadSandboxes()) this.sandboxes.set(s.id, s);
    for (const c of this.store.loadContainers()) {
      this.containers.set(c.id, c);
      if (c.state !== 'running') continue;
      if (c.pid !== undefined && isSameLiveProcess(c.pid, c.pidStartTime)) {
        this.track(c, undefined);
        this.log.info('re-adopted a running container', { id: c.id, name: c.config.name, pid: c.pid });
      } else {
        // It ended while no agent was watching: its exit code is lost. Upstream reports such a
        // container as terminated with reason ContainerStatusUnknown and exit code 137. What it
        // wrote meanwhile still goes to its log (tracking it lets finish() copy it).
        this.track(c, undefined);
        this.finish(c, 137, 'ContainerStatusUnknown', 'The container exited while the node agent was not running; its exit code is unknown');
        if (c.pid !== undefined) signalGroup(c.pid, 'SIGKILL');
      }
    }
  }

  async info(): Promise<RuntimeInfo> {
    return { runtimeName: 'process', runtimeVersion: this.opts.version, limitations: processRuntimeLimitations };
  }

  // --- sandboxes ---

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = randomBytes(16).toString('hex');
    mkdirSync(this.store.sandboxRoot(id), { recursive: true });
    const rec: SandboxRecord = { id, config, createdAt: Date.now(), state: 'ready', ips: [this.opts.nodeIP] };
    this.sandboxes.set(id, rec);
    this.store.saveSandbox(rec);
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    await Promise.all([...this.containers.values()].filter((c) => c.sandboxId === id).map((c) => this.stopContainer(c.id, 0)));
    sb.state = 'notready';
    this.store.saveSandbox(sb);
  }

  async removePodSandbox(id: string): Promise<void> {
    if (!this.sandboxes.has(id)) return;
    await this.stopPodSandbox(id);
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) await this.removeContainer(c.id);
    this.sandboxes.delete(id);
    this.store.deleteSandbox(id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    const sb = this.sandboxes.get(id);
    return sb ? sandboxStatus(sb) : undefined;
  }

  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()].map(sandboxStatus);
  }

  // --- containers ---

  async createContainer(sandboxId: string, config: ContainerConfig, _sandbox?: PodSandboxConfig): Promise<string> {
    if (!this.sandboxes.has(sandboxId)) throw new Error(`pod sandbox ${sandboxId} not found`);
    if (config.command.length === 0 && config.args.length === 0) {
      throw new Error('the process runtime needs the container\'s command (or args): images are not pulled, so there is no image entrypoint or cmd');
    }
    const id = randomBytes(16).toString('hex');
    mkdirSync(this.store.containerRoot(id), { recursive: true });
    const rec: ContainerRecord = { id, sandboxId, config, createdAt: Date.now(), state: 'created', offsets: { stdout: 0, stderr: 0 } };
    this.containers.set(id, rec);
    this.store.saveContainer(rec);
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const rec = this.containers.get(id);
    if (!rec) throw new Error(`container ${id} not found`);
    if (rec.state !== 'created') throw new Error(`container ${id} is ${rec.state}, not created`);
    const cwd = this.workingDir(rec);
    const root = this.store.containerRoot(id);
    const outFd = openSync(join(root, 'stdout'), 'a');
    const errFd = openSync(join(root, 'stderr'), 'a');
    // Without an image there is no entrypoint: `args` alone (kubectl run x -- sleep 1) is the command line.
    const cmdline = [...rec.config.command, ...rec.config.args];
    const file = cmdline[0];
    // tty: true gets a real terminal (script on a new pty), so `kubectl attach -it` has one.
    rec.onPty = rec.config.tty && this.pty !== undefined ? true : undefined;
    const [bin, ...rest] = rec.onPty ? [this.pty!.script, ...scriptArgs(cmdline)] : cmdline;
    const child = spawn(bin!, rest, {
      cwd, env: this.environment(rec), detached: true,
      stdio: [rec.config.stdin ? 'pipe' : 'ignore', outFd, errFd],
    });
    closeSync(outFd);
    closeSync(errFd);
    const spawnError = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e) => resolve(e));
    });
    if (spawnError || child.pid === undefined) {
      const msg = `failed to start container process: exec: "${file}": ${spawnError?.message ?? 'no pid'}`;
      rec.startedAt = Date.now();
      // containerd reports a container that could not start as StartError with exit code 128.
      this.finish(rec, 128, 'StartError', msg);
      throw new Error(msg);
    }
    rec.state = 'running';
    rec.startedAt = Date.now();
    rec.pid = child.pid;
    rec.pidStartTime = readProcStat(child.pid)?.startTime;
    this.store.saveContainer(rec);
    this.track(rec, child);
  }

  private workingDir(rec: ContainerRecord): string {
    const dir = rec.config.workingDir;
    if (!dir) return this.store.sandboxRoot(rec.sandboxId);
    if (!existsSync(dir)) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new Error(`workingDir ${dir} does not exist on the host and cannot be created: ${(e as Error).message}`);
      }
    }
    if (!statSync(dir).isDirectory()) throw new Error(`workingDir ${dir} is not a directory on the host`);
    return dir;
  }

  /** The container's environment: a base PATH/HOME/HOSTNAME (an image would provide these), then its own. */
  environment(rec: ContainerRecord): Record<string, string> {
    const sb = this.sandboxes.get(rec.sandboxId);
    const env: Record<string, string> = {
      PATH: this.opts.path ?? process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: this.store.sandboxRoot(rec.sandboxId),
      HOSTNAME: sb?.config.hostname ?? '',
    };
    for (const kv of rec.config.env) env[kv.name] = kv.value;
    return env;
  }

  private track(rec: ContainerRecord, child: ChildProcess | undefined): void {
    let markExited!: () => void;
    const exited = new Promise<void>((r) => { markExited = r; });
    const lc: LiveContainer = {
      rec, child, exited, markExited, execs: new Set(),
      tailer: new OutputTailer(join(this.store.containerRoot(rec.id), 'stdout'), join(this.store.containerRoot(rec.id), 'stderr'), rec.config.logPath, rec.offsets, this.opts.maxLogBytes),
      lastSavedOffsets: JSON.stringify(rec.offsets),
    };
    this.live.set(rec.id, lc);
    child?.on('exit', (code, signal) => {
      if (this.closed) return;
      const exitCode = code ?? 128 + (signal ? signalNumbers[signal] ?? 0 : 0);
      this.finish(rec, exitCode, exitCode === 0 ? 'Completed' : 'Error');
    });
  }

  /** Records the end of a container: copies its last output, kills what is left of its group. */
  private finish(rec: ContainerRecord, exitCode: number, reason: string, message?: string): void {
    const lc = this.live.get(rec.id);
    if (lc) {
      lc.tailer.drain(true);
      rec.offsets = lc.tailer.offsets();
      lc.tailer.close();
      for (const e of lc.execs) if (e.pid) signalGroup(e.pid, 'SIGKILL');
      this.live.delete(rec.id);
    }
    // Like a container's cgroup, the group dies with its main process.
    if (rec.pid !== undefined) signalGroup(rec.pid, 'SIGKILL');
    rec.state = 'exited';
    rec.exitCode = exitCode;
    rec.reason = reason;
    rec.message = message;
    rec.finishedAt = Date.now();
    if (this.containers.has(rec.id)) this.store.saveContainer(rec);
    lc?.markExited();
  }

  private poll(): void {
    for (const lc of [...this.live.values()]) {
      lc.tailer.drain();
      if (!lc.child && lc.rec.pid !== undefined && !isSameLiveProcess(lc.rec.pid, lc.rec.pidStartTime)) {
        // An adopted process is not our child: its exit status is not ours to read.
        this.finish(lc.rec, 137, 'ContainerStatusUnknown', 'The container exited after the node agent restarted; its exit code is unknown');
        continue;
      }
      const offsets = JSON.stringify(lc.tailer.offsets());
      if (offsets !== lc.lastSavedOffsets) {
        lc.lastSavedOffsets = offsets;
        lc.rec.offsets = lc.tailer.offsets();
        this.store.saveContainer(lc.rec);
      }
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const lc = this.live.get(id);
    const rec = this.containers.get(id);
    if (!lc || !rec || rec.pid === undefined) {
      if (rec && rec.state === 'created') this.finish(rec, 0, 'Completed');
      return;
    }
    const pid = rec.pid;
    // On a pty the command leads its own session under script: it gets the stop signal itself
    // (script would kill it and exit 0), so its own exit code becomes the container's.
    const inner = rec.onPty ? childOf(pid) : undefined;
    if (timeoutSeconds > 0) {
      signalGroup(inner ?? pid, 'SIGTERM');
      if (await waitOrTimeout(lc.exited, timeoutSeconds * 1000)) return;
    }
    if (inner !== undefined) signalGroup(inner, 'SIGKILL');
    signalGroup(pid, 'SIGKILL');
    if (!(await waitOrTimeout(lc.exited, 5000)) && this.live.has(id)) {
      this.finish(rec, 137, 'Error', 'the process did not exit after SIGKILL');
    }
  }

  async removeContainer(id: string): Promise<void> {
    const rec = this.containers.get(id);
    if (!rec) return;
    if (rec.state === 'running') await this.stopContainer(id, 0);
    this.containers.delete(id);
    this.store.deleteContainer(id);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const rec = this.containers.get(id);
    return rec ? containerStatus(rec) : undefined;
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    const out: ContainerStatus[] = [];
    for (const rec of this.containers.values()) {
      if (filter.sandboxId && rec.sandboxId !== filter.sandboxId) continue;
      if (filter.state && rec.state !== filter.state) continue;
      if (filter.labels && !Object.entries(filter.labels).every(([k, v]) => rec.config.labels[k] === v)) continue;
      out.push(containerStatus(rec));
    }
    return out;
  }

  // --- streams ---

  private running(id: string): { rec: ContainerRecord; lc: LiveContainer } {
    const lc = this.live.get(id);
    if (!lc) throw new Error(`container ${id} is not running`);
    return { rec: lc.rec, lc };
  }

  async execSync(id: string, cmd: string[], timeoutMs: number): Promise<ExecSyncResult> {
    const { rec, lc } = this.running(id);
    return runExecSync(cmd, { cwd: this.workingDir(rec), env: this.environment(rec) }, timeoutMs, lc.execs);
  }

  async exec(id: string, cmd: string[], streams: StreamOptions): Promise<number> {
    const { rec, lc } = this.running(id);
    return runExec(cmd, { cwd: this.workingDir(rec), env: this.environment(rec) }, streams, lc.execs, this.pty);
  }

  async attach(id: string, streams: StreamOptions): Promise<void> {
    const { rec, lc } = this.running(id);
    const attached = attachToProcess(lc.child?.stdin ?? undefined, (fn) => lc.tailer.subscribe(fn), lc.exited, streams);
    // The terminal takes the attaching client's size, as containerd resizes the container's tty.
    if (rec.onPty && streams.tty && streams.resize && rec.pid !== undefined && this.pty) {
      void followResizes(this.pty, rec.pid, streams.resize, attached);
    }
    return attached;
  }

  async portForward(sandboxId: string, port: number, stream: Duplex): Promise<void> {
    if (!this.sandboxes.has(sandboxId)) throw new Error(`pod sandbox ${sandboxId} not found`);
    return forwardToLocalPort(port, stream);
  }

  /** Stops watching; the processes keep running and a later open() re-adopts them. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const lc of this.live.values()) {
      lc.tailer.drain();
      lc.rec.offsets = lc.tailer.offsets();
      this.store.saveContainer(lc.rec);
      lc.tailer.close();
      lc.child?.stdin?.destroy();
      lc.child?.unref();
    }
    this.live.clear();
  }
}

function sandboxStatus(sb: SandboxRecord): PodSandboxStatus {
  const m = sb.config;
  return { id: sb.id, state: sb.state, createdAt: sb.createdAt, ips: sb.ips, metadata: { uid: m.uid, name: m.name, namespace: m.namespace, attempt: m.attempt } };
}

function containerStatus(rec: ContainerRecord): ContainerStatus {
  return {
    id: rec.id, name: rec.config.name, attempt: rec.config.attempt, state: rec.state, createdAt: rec.createdAt,
    startedAt: rec.startedAt, finishedAt: rec.finishedAt, exitCode: rec.exitCode, reason: rec.reason, message: rec.message,
    image: rec.config.image, imageRef: rec.config.image, logPath: rec.config.logPath, pid: rec.state === 'running' ? rec.pid : undefined,
  };
}

async function waitOrTimeout(p: Promise<void>, ms: number): Promise<boolean> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((r) => { t = setTimeout(() => r(false), ms); });
  const done = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(t);
  return done;
}
