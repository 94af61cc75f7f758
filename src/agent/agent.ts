// The node agent (kites' kubelet): registers the Node, keeps its Lease and status fresh, and runs
// the pods bound to it on a runtime. `startNodeAgent` is the one call `kites server` and
// `kites agent` make.
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { silentLogger, type Logger } from '../api/log.js';
import type { StoredObject } from '../api/types.js';
import { realClock, type Clock } from '../client/clock.js';
import { RestClient } from '../client/rest-client.js';
import { SharedInformer } from '../client/informer.js';
import { EventRecorder } from '../client/events/recorder.js';
import { isNotFound } from '../client/status.js';
import { kitesVersion } from '../api/version.js';
import type { NodeAgentOptions, RunningAgent } from './options.js';
import { PodContainerLocator } from './locator.js';
import { ProcessRuntime } from './runtime/process/process-runtime.js';
import { RecordedImageService } from './runtime/recorded-images.js';
import { defaultNodeAddress, filesystemBytes, freeMemoryBytes, gatherHostFacts } from './node/host-info.js';
import { NodeHeartbeat } from './node/heartbeat.js';
import { nodeResources, type NodeIdentity } from './node/node-object.js';
import { CrashBackoff } from './pods/crash-backoff.js';
import { StartGate } from './pods/start-gate.js';
import { PodManager } from './pods/pod-manager.js';
import { configMapResource, podResource, secretResource, type KeyedData } from './pods/pod-types.js';
import { startSimulatedNodes } from './simulated/simulated-nodes.js';
import { claimHostPath } from './pods/claims.js';
import type { ServiceLike } from './pods/service-env.js';
import type { PodWorkerContext } from './pods/pod-context.js';
import type { ImageService, RuntimeService } from './runtime/types.js';

export const defaultKubeletPort = 10250;

export async function startNodeAgent(opts: NodeAgentOptions): Promise<RunningAgent> {
  if ((opts.runtime ?? 'process') === 'simulated') return startSimulatedNodes(opts);
  return startRuntimeAgent(opts);
}

export interface PodContextDeps {
  client: RestClient;
  secret(namespace: string, name: string): Promise<KeyedData | undefined>;
  clock: Clock;
}

/** The runtime a node agent runs pods on, with what differs between runtimes. */
export interface NodeRuntime {
  /** As in containerID URIs: "process", "containerd". */
  name: string;
  runtime: RuntimeService;
  images: ImageService;
  /** The runtime cannot mount (process runtime): volumes become env vars and symlinks. */
  hostProcessMounts: boolean;
  /** Runs once the Node is registered (the pod network needs the node's pod CIDR). */
  afterRegister?(client: RestClient, signal: AbortSignal): Promise<void>;
  /** Node status fields the runtime knows (status.images), posted with each heartbeat. */
  nodeStatus?(): Record<string, unknown>;
  /** Extra pod-worker context (DNS settings, image puller), given the agent's API access. */
  podContext?(deps: PodContextDeps): Partial<PodWorkerContext>;
  close(): Promise<void>;
}

async function openRuntime(opts: NodeAgentOptions, address: string, log: Logger): Promise<NodeRuntime> {
  if (opts.runtime === 'containerd') {
    const { openContainerdRuntime } = await import('./containerd-runtime.js');
    return openContainerdRuntime(opts, address, log);
  }
  const runtime = await ProcessRuntime.open({ dataDir: opts.dataDir, nodeIP: address, version: kitesVersion(), log, pollIntervalMs: opts.timings?.runtimePollMs });
  return { name: 'process', runtime, images: new RecordedImageService(), hostProcessMounts: true, close: () => runtime.close() };
}

/**
 * The node's service proxy (kube-proxy's role): iptables mode with root on containerd (pods in
 * their own network namespaces), the userspace mode otherwise; none when told so.
 */
async function startNodeProxy(opts: NodeAgentOptions, runtimeName: string, address: string, log: Logger): Promise<{ stop(): Promise<void> } | undefined> {
  const net = opts.network;
  if (!net || net.proxyMode === 'none') return undefined;
  const root = process.getuid?.() === 0;
  const mode = net.proxyMode ?? (runtimeName === 'containerd' && root ? 'iptables' : 'userspace');
  const { startServiceProxy } = await import('../network/proxy/index.js');
  const nodeIPs = [...new Set([address, '127.0.0.1'])];
  return startServiceProxy({ transport: opts.transport, nodeName: opts.nodeName, nodeIPs, clusterCidr: net.clusterCidr, mode, log });
}

async function startRuntimeAgent(opts: NodeAgentOptions): Promise<RunningAgent> {
  const log = (opts.log ?? silentLogger).child(`agent/${opts.nodeName}`);
  const clock = opts.clock ?? realClock;
  const t = opts.timings ?? {};
  const address = opts.nodeAddress ?? defaultNodeAddress();
  const podLogsDir = opts.podLogsDir ?? join(opts.dataDir, 'agent', 'pod-logs');
  mkdirSync(podLogsDir, { recursive: true });
  const client = new RestClient(opts.transport, { fieldManager: 'kubelet' });

  const node = await openRuntime(opts, address, log);
  const { runtime, images } = node;
  const facts = gatherHostFacts(opts.dataDir);
  const identity: NodeIdentity = {
    name: opts.nodeName, address, facts, kubeletPort: opts.kubeletPort ?? defaultKubeletPort, runtime: await runtime.info(),
    labels: opts.labels, controlPlane: opts.controlPlane,
  };
  const heartbeat = new NodeHeartbeat({
    client, clock, log, renewIntervalMs: t.leaseRenewMs, statusIntervalMs: t.statusUpdateMs, slots: 1,
    pressure: () => {
      const fs = filesystemBytes(opts.dataDir);
      // upstream's default hard eviction thresholds: memory.available<100Mi, nodefs.available<10%
      return { memory: freeMemoryBytes() < 100 * 1024 * 1024, disk: fs.total > 0 && fs.free < fs.total * 0.1, pid: false };
    },
    extraStatus: () => node.nodeStatus?.() ?? {},
  });
  await heartbeat.register([identity]);
  heartbeat.start();
  if (node.name === 'process') log.info('node registered; runtime "process": containers are host processes (no isolation, no image pulls, volumes as host directories)', { node: opts.nodeName, address });
  else log.info(`node registered; runtime "${node.name}"`, { node: opts.nodeName, address });

  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one signal for every informer and pod worker
  await node.afterRegister?.(client, abort.signal);
  const proxy = await startNodeProxy(opts, node.name, address, log);
  const recorder = new EventRecorder({ transport: opts.transport, component: 'kubelet', host: opts.nodeName, reportingInstance: opts.nodeName, clock, log });
  const podsApi = client.resource<StoredObject>(podResource);
  const informer = new SharedInformer<StoredObject>(podsApi, { fieldSelector: `spec.nodeName=${opts.nodeName}`, clock, log });
  const getKeyed = (ref: typeof configMapResource | typeof secretResource) => async (ns: string, name: string): Promise<KeyedData | undefined> => {
    try {
      return (await client.resource<StoredObject>(ref).get(ns, name)) as KeyedData;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  const alloc = nodeResources(identity).allocatable;
  const pods = new PodManager({
    ...node.podContext?.({ client, secret: getKeyed(secretResource), clock }),
    runtime, images, runtimeName: node.name, hostProcessMounts: node.hostProcessMounts, pods: podsApi, recorder,
    configMap: getKeyed(configMapResource), secret: getKeyed(secretResource),
    serviceAccountToken: async (ns, sa, audience, expirationSeconds) => {
      try {
        const res = await client.requestJson({
          method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`,
          body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: audience ? [audience] : [], expirationSeconds } },
        });
        return (res as unknown as { status?: { token?: string } }).status?.token;
      } catch {
        return undefined;
      }
    },
    claimPath: (ns, claim) => claimHostPath(client, ns, claim),
    services: async (ns) => {
      const svc = client.resource<StoredObject>({ group: '', version: 'v1', resource: 'services', namespaced: true });
      const [list, master] = await Promise.all([svc.list(ns), svc.get('default', 'kubernetes').catch(() => undefined)]);
      return { inNamespace: list.items as unknown as ServiceLike[], master: master as unknown as ServiceLike | undefined };
    },
    dataDir: opts.dataDir, podLogsDir, nodeName: opts.nodeName, nodeIPs: [address],
    allocatable: { cpu: alloc.cpu!, memory: alloc.memory! },
    backoff: new CrashBackoff({ baseMs: t.backoffBaseMs, maxMs: t.backoffMaxMs }),
    startGate: new StartGate(4),
    clock, log, resyncMs: t.resyncMs ?? 10_000,
  }, informer, t.relistMs ?? 1000);
  informer.start(abort.signal);
  await pods.start(abort.signal);

  return {
    nodeNames: [opts.nodeName],
    locator: new PodContainerLocator(pods, runtime),
    async stop(stopOpts = {}) {
      abort.abort();
      await pods.stop();
      if (stopOpts.stopPods) {
        for (const sb of await runtime.listPodSandboxes()) {
          await runtime.stopPodSandbox(sb.id);
          await runtime.removePodSandbox(sb.id);
        }
      }
      await proxy?.stop();
      await heartbeat.stop();
      await recorder.stop();
      await node.close();
    },
  };
}
