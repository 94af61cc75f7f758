// Simulated nodes (the kwok role) — for scale tests and benchmarks: one agent hosts N nodes named
// <prefix>-<i>, labelled kites.io/simulated=true, registered and heartbeated through one shared
// ticker (leases spread over the renew interval, bounded concurrency). Pods bound to them are
// reported Running and Ready at once without running anything, and deleted pods are removed
// at once (nothing to stop). One shared pod informer and one work queue serve every node.
import { silentLogger } from '../../api/log.js';
import type { StoredObject } from '../../api/types.js';
import { realClock } from '../../client/clock.js';
import { RestClient } from '../../client/rest-client.js';
import { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers } from '../../client/controller.js';
import { isConflict, isNotFound } from '../../client/status.js';
import { kitesVersion } from '../../api/version.js';
import type { NodeAgentOptions, RunningAgent } from '../options.js';
import { emptyLocator } from '../locator.js';
import { NodeHeartbeat } from '../node/heartbeat.js';
import { gatherHostFacts } from '../node/host-info.js';
import type { NodeIdentity } from '../node/node-object.js';
import { rfc3339 } from '../pods/pod-status.js';
import { asPod, podResource, type PodObject } from '../pods/pod-types.js';
import { simulatedRuntimeLimitations } from '../runtime/simulated/simulated-runtime.js';

export const simulatedLabel = 'kites.io/simulated';

/** Synthetic addresses: node i gets 10.a.b.c, pods get addresses from 100.64.0.0/10. */
function nodeAddress(i: number): string {
  const n = i + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

function podAddress(n: number): string {
  return `100.${64 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`;
}

export function simulatedNodeNames(prefix: string, count: number | undefined): string[] {
  if (!count) return [prefix];
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

export async function startSimulatedNodes(opts: NodeAgentOptions): Promise<RunningAgent> {
  const log = (opts.log ?? silentLogger).child('agent/simulated');
  const clock = opts.clock ?? realClock;
  const t = opts.timings ?? {};
  const client = new RestClient(opts.transport, { fieldManager: 'kubelet' });
  const names = simulatedNodeNames(opts.nodeName, opts.simulatedNodes);
  const host = gatherHostFacts(opts.dataDir);
  // The OS image column of `kubectl get nodes -o wide` says what these nodes are.
  const facts = { ...host, osImage: 'simulated: for scale tests and benchmarks', cpuCores: 32, memoryBytes: 256 * 1024 ** 3, storageBytes: 1024 ** 4 };
  const runtime = { runtimeName: 'simulated', runtimeVersion: kitesVersion(), limitations: simulatedRuntimeLimitations };
  const addresses = new Map<string, string>();
  const identities: NodeIdentity[] = names.map((name, i) => {
    addresses.set(name, nodeAddress(i));
    return {
      name, address: nodeAddress(i), facts, kubeletPort: opts.kubeletPort ?? 10250, runtime, controlPlane: opts.controlPlane,
      labels: { ...opts.labels, [simulatedLabel]: 'true' }, annotations: { 'kites.io/simulated': 'simulated: for scale tests and benchmarks' },
    };
  });
  log.info(`simulated: for scale tests and benchmarks; hosting ${names.length} simulated node(s), nothing runs on them`);
  const heartbeat = new NodeHeartbeat({
    client, clock, log, renewIntervalMs: t.leaseRenewMs, statusIntervalMs: t.statusUpdateMs, slots: names.length > 1 ? 10 : 1, concurrency: 64,
  });
  await heartbeat.register(identities);
  heartbeat.start();

  const abort = new AbortController();
  const podsApi = client.resource<StoredObject>(podResource);
  const informer = new SharedInformer<StoredObject>(podsApi, { clock, log });
  const queue = new WorkQueue<string>({ clock, name: 'simulated-pods' });
  const ips = new Map<string, string>();
  let nextIP = 1;
  const ours = (o: StoredObject) => addresses.has(asPod(o).spec?.nodeName ?? '');
  const enqueue = (o: StoredObject) => { if (ours(o)) queue.add(`${o.metadata.namespace}/${o.metadata.name}`); };
  informer.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_o, n) => enqueue(n),
    onDelete: (o) => { ips.delete(o.metadata.uid); },
  });

  const reconcile = async (key: string): Promise<void> => {
    const [ns, name] = key.split('/') as [string, string];
    const obj = informer.lister.get(ns, name);
    if (!obj || !ours(obj)) return;
    const pod = asPod(obj);
    try {
      if (pod.metadata.deletionTimestamp) {
        await podsApi.delete(ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
        ips.delete(pod.metadata.uid);
        return;
      }
      const phase = pod.status?.phase;
      if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') return;
      let ip = ips.get(pod.metadata.uid);
      if (!ip) {
        ip = podAddress(nextIP++);
        ips.set(pod.metadata.uid, ip);
      }
      await podsApi.patch(ns, name, 'merge', { metadata: { uid: pod.metadata.uid }, status: runningStatus(pod, addresses.get(pod.spec.nodeName!)!, ip, clock.now()) }, { subresource: 'status' });
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return;
      throw e;
    }
  };
  informer.start(abort.signal);
  const workers = runWorkers(queue, 32, reconcile, abort.signal, { log });
  await informer.waitForSync(abort.signal);

  return {
    nodeNames: names,
    locator: emptyLocator,
    async stop() {
      abort.abort();
      await workers;
      await heartbeat.stop();
    },
  };
}

function runningStatus(pod: PodObject, hostIP: string, podIP: string, now: number): Record<string, unknown> {
  const t = rfc3339(now);
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
  const scheduled = (pod.status?.conditions ?? []).filter((c) => c.type === 'PodScheduled');
  const cs = (c: { name: string; image?: string }, init: boolean) => ({
    name: c.name, image: c.image ?? '', imageID: c.image ?? '', containerID: `simulated://${pod.metadata.uid}-${c.name}`,
    ready: !init, started: !init, restartCount: 0, lastState: {},
    state: init ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: t, finishedAt: t } } : { running: { startedAt: t } },
  });
  const status: Record<string, unknown> = {
    phase: 'Running',
    conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), ...scheduled],
    hostIP, hostIPs: [{ ip: hostIP }], podIP, podIPs: [{ ip: podIP }], startTime: t,
    containerStatuses: pod.spec.containers.map((c) => cs(c, false)),
  };
  if (pod.spec.initContainers?.length) status.initContainerStatuses = pod.spec.initContainers.map((c) => cs(c, true));
  if (pod.status?.qosClass) status.qosClass = pod.status.qosClass;
  return status;
}
