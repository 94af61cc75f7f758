// The cgroup settings the kubelet derives from a container's `resources` (kuberuntime's
// generateLinuxContainerResources): cpu shares from the cpu request (1024 per core, at least 2),
// a CFS quota from the cpu limit over a 100ms period (at least 1ms), the memory limit in bytes,
// and an OOM score adjustment by QoS class (Guaranteed -997, BestEffort 1000, Burstable scaled
// by the share of node memory requested, kept within 3..999).
import { Quantity } from '../../../api/quantity.js';

export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const MIN_QUOTA_US = 1000;

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface ResourceList { cpu?: Quantity; memory?: Quantity }

export interface LinuxContainerResources {
  cpu_period?: number;
  cpu_quota?: number;
  cpu_shares: number;
  memory_limit_in_bytes?: number;
  oom_score_adj: number;
}

function list(raw: unknown): ResourceList {
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const q = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? Quantity.tryParse(v) : undefined);
  return { cpu: q(r.cpu), memory: q(r.memory) };
}

/** Requests and limits of a container's `resources` JSON; a missing request defaults to the limit (API defaulting). */
export function parseResources(resources: Record<string, unknown> | undefined): { requests: ResourceList; limits: ResourceList } {
  const limits = list(resources?.limits);
  const requests = list(resources?.requests);
  return { requests: { cpu: requests.cpu ?? limits.cpu, memory: requests.memory ?? limits.memory }, limits };
}

/** The QoS class of one container's resources (the pod's class when it has one container). */
export function containerQOSClass(resources: Record<string, unknown> | undefined): QOSClass {
  const { requests, limits } = parseResources(resources);
  if (!requests.cpu && !requests.memory && !limits.cpu && !limits.memory) return 'BestEffort';
  const equal = (a?: Quantity, b?: Quantity) => !!a && !!b && a.cmp(b) === 0;
  if (equal(requests.cpu, limits.cpu) && equal(requests.memory, limits.memory)) return 'Guaranteed';
  return 'Burstable';
}

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU <= 0) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milliCPU * 1024) / 1000)));
}

export function milliCPUToQuota(milliCPU: number, periodUs = CPU_PERIOD_US): number {
  if (milliCPU <= 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((milliCPU * periodUs) / 1000));
}

export function oomScoreAdj(qos: QOSClass, memoryRequestBytes: number, memoryCapacityBytes: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const adj = 1000 - Math.floor((1000 * memoryRequestBytes) / memoryCapacityBytes);
  if (adj < 3) return 3;
  if (adj === 1000) return 999;
  return adj;
}

export function linuxContainerResources(
  resources: Record<string, unknown> | undefined,
  opts: { memoryCapacityBytes: number; qosClass?: QOSClass },
): LinuxContainerResources {
  const { requests, limits } = parseResources(resources);
  const out: LinuxContainerResources = {
    cpu_shares: milliCPUToShares(requests.cpu?.milliValue() ?? 0),
    oom_score_adj: oomScoreAdj(opts.qosClass ?? containerQOSClass(resources), requests.memory?.value() ?? 0, opts.memoryCapacityBytes),
  };
  if (limits.cpu && !limits.cpu.isZero()) {
    out.cpu_period = CPU_PERIOD_US;
    out.cpu_quota = milliCPUToQuota(limits.cpu.milliValue());
  }
  if (limits.memory && !limits.memory.isZero()) out.memory_limit_in_bytes = limits.memory.value();
  return out;
}
