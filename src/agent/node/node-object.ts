// The Node object the agent registers and keeps up to date: capacity and allocatable, addresses,
// nodeInfo, the four kubelet conditions and the daemon endpoint, with upstream's labels.
import type { RuntimeInfo } from '../runtime/types.js';
import type { HostFacts } from './host-info.js';

export const kubeletVersion = 'v1.33.0+kites';

export interface NodeIdentity {
  name: string;
  address: string;
  facts: HostFacts;
  kubeletPort: number;
  runtime: RuntimeInfo;
  /** Extra labels (e.g. kites.io/simulated=true) on top of the well-known ones. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  controlPlane?: boolean;
  /** Pods this node takes (upstream's default max-pods: 110). */
  maxPods?: number;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

export interface PressureChecks { memory: boolean; disk: boolean; pid: boolean }

const mi = 1024 * 1024;
/** Upstream's default hard eviction thresholds, kept out of allocatable: memory.available<100Mi, nodefs.available<10%. */
const evictionMemoryBytes = 100 * mi;

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nodeLabels(id: NodeIdentity): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': id.facts.architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': id.facts.architecture,
    'kubernetes.io/hostname': id.name,
    'kubernetes.io/os': 'linux',
    ...id.labels,
  };
  if (id.controlPlane) labels['node-role.kubernetes.io/control-plane'] = 'true';
  return labels;
}

export function nodeAnnotations(id: NodeIdentity): Record<string, string> {
  return {
    'node.alpha.kubernetes.io/ttl': '0',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    'kites.io/runtime': id.runtime.runtimeName,
    ...(id.runtime.limitations?.length ? { 'kites.io/runtime-limitations': id.runtime.limitations.join('; ') } : {}),
    ...id.annotations,
  };
}

function kib(bytes: number): string {
  return `${Math.floor(bytes / 1024)}Ki`;
}

export function nodeResources(id: NodeIdentity): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const f = id.facts;
  const pods = String(id.maxPods ?? 110);
  return {
    capacity: { cpu: String(f.cpuCores), 'ephemeral-storage': kib(f.storageBytes), memory: kib(f.memoryBytes), pods },
    allocatable: {
      cpu: String(f.cpuCores),
      'ephemeral-storage': String(Math.floor(f.storageBytes * 0.9)),
      memory: kib(Math.max(0, f.memoryBytes - evictionMemoryBytes)),
      pods,
    },
  };
}

const conditionText: Record<string, { ok: [string, string]; bad: [string, string] }> = {
  MemoryPressure: { ok: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'], bad: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'] },
  DiskPressure: { ok: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'], bad: ['KubeletHasDiskPressure', 'kubelet has disk pressure'] },
  PIDPressure: { ok: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'], bad: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'] },
};

/** The conditions now, keeping lastTransitionTime where the status did not change. */
export function nodeConditions(previous: NodeCondition[] | undefined, pressure: PressureChecks, now: number): NodeCondition[] {
  const t = rfc3339(now);
  const prev = new Map((previous ?? []).map((c) => [c.type, c]));
  const make = (type: string, status: 'True' | 'False', reason: string, message: string): NodeCondition => {
    const p = prev.get(type);
    return { type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: p && p.status === status ? p.lastTransitionTime : t };
  };
  const pressureCondition = (type: keyof typeof conditionText, on: boolean) => {
    const [reason, message] = on ? conditionText[type]!.bad : conditionText[type]!.ok;
    return make(type, on ? 'True' : 'False', reason, message);
  };
  return [
    pressureCondition('MemoryPressure', pressure.memory),
    pressureCondition('DiskPressure', pressure.disk),
    pressureCondition('PIDPressure', pressure.pid),
    make('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** True when two condition lists differ in anything but their heartbeat times. */
export function conditionsChanged(a: NodeCondition[] | undefined, b: NodeCondition[]): boolean {
  const key = (cs: NodeCondition[] | undefined) => JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason, c.message]));
  return key(a) !== key(b);
}

export function nodeStatus(id: NodeIdentity, conditions: NodeCondition[]): Record<string, unknown> {
  const f = id.facts;
  return {
    ...nodeResources(id),
    conditions,
    addresses: [{ type: 'InternalIP', address: id.address }, { type: 'Hostname', address: id.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: id.kubeletPort } },
    nodeInfo: {
      machineID: f.machineID,
      systemUUID: f.systemUUID,
      bootID: f.bootID,
      kernelVersion: f.kernelVersion,
      osImage: f.osImage,
      containerRuntimeVersion: `${id.runtime.runtimeName}://kites-${id.runtime.runtimeVersion}`,
      kubeletVersion,
      kubeProxyVersion: kubeletVersion,
      operatingSystem: 'linux',
      architecture: f.architecture,
    },
  };
}

export function nodeObject(id: NodeIdentity, conditions: NodeCondition[]): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: id.name, labels: nodeLabels(id), annotations: nodeAnnotations(id) },
    spec: {},
    status: nodeStatus(id, conditions),
  };
}
