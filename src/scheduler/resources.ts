// Resource arithmetic on plain numbers: cpu in millicores, everything else in base units. Pod
// requests follow upstream's resource.PodRequests: the sum of the app containers (plus sidecars,
// init containers with restartPolicy Always), or the largest init container if more, plus overhead.
import { Quantity } from '../api/quantity.js';
import type { Container, Pod, ResourceList } from './api-types.js';

export type Resources = Map<string, number>;

/** Scoring assumes this much for a container that requests nothing (upstream's non-zero defaults). */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

/** Parses quantities, remembering the strings it has seen (requests repeat a lot across pods). */
export class QuantityParser {
  private readonly cache = new Map<string, number>();

  value(resource: string, q: string | number): number {
    const key = resource === 'cpu' ? `c${q}` : `v${q}`;
    let v = this.cache.get(key);
    if (v === undefined) {
      const parsed = Quantity.tryParse(q);
      v = parsed ? (resource === 'cpu' ? parsed.milliValue() : parsed.value()) : 0;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, v);
    }
    return v;
  }

  list(rl: ResourceList | undefined): Resources {
    const out: Resources = new Map();
    if (rl) for (const [k, q] of Object.entries(rl)) out.set(k, this.value(k, q));
    return out;
  }
}

function addInto(into: Resources, from: Resources): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function maxInto(into: Resources, from: Resources): void {
  for (const [k, v] of from) if (v > (into.get(k) ?? 0)) into.set(k, v);
}

export interface PodRequests {
  /** Requests as the Fit filter counts them. */
  requests: Resources;
  /** cpu/memory with the non-zero defaults, as scoring counts them. */
  nonZeroCPU: number;
  nonZeroMemory: number;
  /** requests.cpu / requests.memory as plain numbers (0 when absent). */
  cpu: number;
  memory: number;
  /** True when the pod requests nothing but cpu and memory: the Fit filter's fast path. */
  onlyCPUAndMemory: boolean;
}

function containerRequests(p: QuantityParser, c: Container): Resources {
  return p.list(c.resources?.requests);
}

export function podRequests(p: QuantityParser, pod: Pod): PodRequests {
  const spec = pod.spec;
  const total: Resources = new Map();
  let nzCPU = 0, nzMem = 0;
  for (const c of spec.containers ?? []) {
    const r = containerRequests(p, c);
    addInto(total, r);
    nzCPU += r.has('cpu') ? r.get('cpu')! : defaultMilliCPURequest;
    nzMem += r.has('memory') ? r.get('memory')! : defaultMemoryRequest;
  }
  const sidecars: Resources = new Map();
  const initMax: Resources = new Map();
  let initNzCPU = 0, initNzMem = 0, sideNzCPU = 0, sideNzMem = 0;
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(p, c);
    const cpu = r.has('cpu') ? r.get('cpu')! : defaultMilliCPURequest;
    const mem = r.has('memory') ? r.get('memory')! : defaultMemoryRequest;
    if (c.restartPolicy === 'Always') {
      addInto(sidecars, r);
      sideNzCPU += cpu; sideNzMem += mem;
      // A sidecar runs alongside the init containers that follow it.
      maxInto(initMax, sidecars);
    } else {
      const during = new Map(sidecars);
      addInto(during, r);
      maxInto(initMax, during);
      initNzCPU = Math.max(initNzCPU, cpu + sideNzCPU);
      initNzMem = Math.max(initNzMem, mem + sideNzMem);
    }
  }
  addInto(total, sidecars);
  maxInto(total, initMax);
  nzCPU = Math.max(nzCPU + sideNzCPU, initNzCPU);
  nzMem = Math.max(nzMem + sideNzMem, initNzMem);
  if (spec.overhead) {
    const o = p.list(spec.overhead);
    addInto(total, o);
    nzCPU += o.get('cpu') ?? 0;
    nzMem += o.get('memory') ?? 0;
  }
  let only = true;
  for (const k of total.keys()) if (k !== 'cpu' && k !== 'memory') only = false;
  return { requests: total, nonZeroCPU: nzCPU, nonZeroMemory: nzMem, cpu: total.get('cpu') ?? 0, memory: total.get('memory') ?? 0, onlyCPUAndMemory: only };
}
