// A container of a pod as its worker tracks it: the spec, the current and previous runtime
// instances, the attempt (restart count), why it waits, and its probe workers.
import type { ContainerStatus } from '../runtime/types.js';
import type { Container } from './pod-types.js';
import type { ProbeKind, ProbeWorker } from './probes.js';
import type { ContainerView } from './pod-status.js';

export interface Slot {
  spec: Container;
  init: boolean;
  currentId?: string;
  previousId?: string;
  attempt: number;
  imageID: string;
  waiting?: { reason: string; message?: string };
  probes: Partial<Record<ProbeKind, ProbeWorker>>;
  livenessFailed?: boolean;
  /** The image changed in the pod spec (the one mutable container field): restart, as upstream. */
  specChanged?: boolean;
}

/** An init container with restartPolicy Always. */
export function isSidecar(s: Slot): boolean {
  return s.init && s.spec.restartPolicy === 'Always';
}

/** Go's time.Duration formatting for whole seconds: 10s, 1m20s, 5m0s. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** What the status needs of a slot: state, readiness (probes) and whether it has started. */
export function containerView(s: Slot, cur: ContainerStatus | undefined, previous: ContainerStatus | undefined, runtimeName: string): ContainerView {
  const running = cur?.state === 'running';
  const started = running && (!s.probes.startup || s.probes.startup.result === 'success');
  const sidecar = isSidecar(s);
  const ready = s.init && !sidecar
    ? cur?.state === 'exited' && cur.exitCode === 0
    : started && (!s.spec.readinessProbe || s.probes.readiness?.result === 'success');
  return {
    name: s.spec.name, image: s.spec.image ?? '', imageID: s.imageID, runtimeName, current: cur, previous,
    restartCount: s.attempt, waiting: s.waiting, ready: !!ready, started: s.init && !sidecar ? false : !!started, restartable: sidecar,
  };
}
