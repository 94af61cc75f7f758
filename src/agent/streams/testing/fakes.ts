// Test doubles for the stream endpoints: a runtime whose "container" is the host (exec spawns host
// processes, port-forward dials 127.0.0.1) with a log file the test writes, a locator over it,
// and a throwaway client CA with one client certificate.
import { generateKeyPairSync } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { PassThrough, type Duplex } from 'node:stream';
import { createCertificate } from '../../../server/certificate.js';
import { issueClientCertificate } from '../../../server/pki.js';
import { attachToProcess, forwardToLocalPort, runExec, runExecSync } from '../../runtime/process/process-streams.js';
import type {
  ContainerStatus, ExecSyncResult, PodSandboxStatus, RuntimeInfo, RuntimeService, StreamOptions,
} from '../../runtime/types.js';
import type { ContainerLocator, LocatedContainer } from '../../server/locator.js';

const unsupported = () => Promise.reject(new Error('not in the fake runtime'));

/** A runtime over host processes for one "container"; `running` controls its reported state. */
export class HostFakeRuntime implements RuntimeService {
  running = true;
  readonly sessions = new Set<ChildProcess>();
  /** What attach sees as the main process's output; the test pushes into it. */
  readonly mainOutput = new PassThrough();
  private readonly attachListeners = new Set<(s: 'stdout' | 'stderr', b: Buffer) => void>();
  private exitMain?: () => void;
  private mainExited = new Promise<void>((r) => (this.exitMain = r));

  constructor(private readonly logPath: string) {
    this.mainOutput.on('data', (b: Buffer) => {
      for (const l of this.attachListeners) l('stdout', b);
    });
  }

  stopMain(): void {
    this.running = false;
    this.exitMain?.();
  }

  /** How many attach sessions are listening now. */
  attachCount(): number {
    return this.attachListeners.size;
  }

  /** The main process "restarts": attach waits for its next exit. */
  restartMain(): void {
    this.running = true;
    this.mainExited = new Promise<void>((r) => (this.exitMain = r));
  }

  info(): Promise<RuntimeInfo> {
    return Promise.resolve({ runtimeName: 'host-fake', runtimeVersion: '0' });
  }
  runPodSandbox = unsupported;
  stopPodSandbox = unsupported;
  removePodSandbox = unsupported;
  podSandboxStatus(): Promise<PodSandboxStatus | undefined> {
    return Promise.resolve(undefined);
  }
  listPodSandboxes(): Promise<PodSandboxStatus[]> {
    return Promise.resolve([]);
  }
  createContainer = unsupported;
  startContainer = unsupported;
  stopContainer = unsupported;
  removeContainer = unsupported;
  containerStatus(id: string): Promise<ContainerStatus | undefined> {
    return Promise.resolve({ id, name: 'main', attempt: 0, state: this.running ? 'running' : 'exited', createdAt: 0, image: 'host', logPath: this.logPath });
  }
  listContainers(): Promise<ContainerStatus[]> {
    return Promise.resolve([]);
  }
  execSync(_id: string, cmd: string[], timeoutMs: number): Promise<ExecSyncResult> {
    return runExecSync(cmd, { cwd: process.cwd(), env: { ...process.env } as Record<string, string> }, timeoutMs, this.sessions);
  }
  exec(_id: string, cmd: string[], streams: StreamOptions): Promise<number> {
    return runExec(cmd, { cwd: process.cwd(), env: { ...process.env } as Record<string, string> }, streams, this.sessions);
  }
  attach(_id: string, streams: StreamOptions): Promise<void> {
    return attachToProcess(undefined, (fn) => {
      this.attachListeners.add(fn);
      return () => this.attachListeners.delete(fn);
    }, this.mainExited, streams);
  }
  portForward(_sandboxId: string, port: number, stream: Duplex): Promise<void> {
    return forwardToLocalPort(port, stream);
  }
  async close(): Promise<void> {
    for (const s of this.sessions) s.kill('SIGKILL');
  }
}

/** A locator that knows pods `<ns>/<pod>` with the given containers, all on one fake runtime. */
export function fakeLocator(runtime: RuntimeService, pods: Record<string, { containers: string[]; logPath: (c: string) => string; previousLogPath?: (c: string) => string }>): ContainerLocator {
  return {
    find(namespace, podName, container): Promise<LocatedContainer | undefined> {
      const pod = pods[`${namespace}/${podName}`];
      if (!pod) return Promise.resolve(undefined);
      const name = container ?? pod.containers[0];
      if (!name || !pod.containers.includes(name)) return Promise.resolve(undefined);
      return Promise.resolve({
        runtime, containerId: `${podName}-${name}`, sandboxId: `sandbox-${podName}`,
        logPath: pod.logPath(name), previousLogPath: pod.previousLogPath?.(name), tty: false, stdin: false,
      });
    },
  };
}

export interface TestPki {
  clientCA: string;
  client: { cert: string; key: string };
  /** A certificate from another CA, which the agent must refuse. */
  stranger: { cert: string; key: string };
}

function makeCA(name: string): { cert: string; key: string } {
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Date.now();
  const cert = createCertificate({ commonName: name, notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86400_000), publicKey: keys.publicKey, usage: 'ca' }, { key: keys.privateKey });
  return { cert, key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

export async function createTestPki(): Promise<TestPki> {
  const ca = makeCA('kites-client-ca');
  const other = makeCA('someone-else');
  const client = await issueClientCertificate(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
  const stranger = await issueClientCertificate(other, { commonName: 'stranger' });
  return { clientCA: ca.cert, client, stranger };
}
