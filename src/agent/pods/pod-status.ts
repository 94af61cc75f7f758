// The pod status the agent reports, computed as upstream's kubelet does: container states from
// the runtime (waiting with a reason, running, terminated with exit code and reason), lastState,
// the phase from the counts of running/waiting/stopped containers and the restart policy, and
// the conditions PodReadyToStartContainers, Initialized, ContainersReady, Ready (PodScheduled is
// the scheduler's and is kept).
import type { ContainerStatus } from '../runtime/types.js';
import type { PodObject } from './pod-types.js';

export interface ContainerView {
  name: string;
  image: string;
  imageID: string;
  runtimeName: string;
  current?: ContainerStatus;
  previous?: ContainerStatus;
  restartCount: number;
  waiting?: { reason: string; message?: string };
  ready: boolean;
  started: boolean;
  /** An init container with restartPolicy Always (a sidecar): done once started, keeps running. */
  restartable?: boolean;
}

/** An init container has done its part: exited 0, or (a sidecar) is running and started. */
export function initComplete(v: ContainerView): boolean {
  if (v.restartable) return v.current?.state === 'running' && v.started;
  return v.current?.state === 'exited' && v.current.exitCode === 0 && !v.waiting;
}

export interface PodView {
  pod: PodObject;
  init: ContainerView[];
  containers: ContainerView[];
  sandboxReady: boolean;
  podIPs: string[];
  hostIPs: string[];
  startTime: string;
  /** The pod initialized once (Initialized never goes back to False, as upstream). */
  initialized?: boolean;
  /** Set when the agent decided the pod's end (deadline, failed init with Never). */
  terminal?: { phase: 'Succeeded' | 'Failed'; reason?: string; message?: string };
  now: number;
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

type State = Record<string, unknown>;

function terminatedState(s: ContainerStatus, runtimeName: string): State {
  return {
    terminated: {
      exitCode: s.exitCode ?? 0,
      reason: s.reason ?? (s.exitCode === 0 ? 'Completed' : 'Error'),
      ...(s.message ? { message: s.message } : {}),
      startedAt: s.startedAt ? rfc3339(s.startedAt) : null,
      finishedAt: s.finishedAt ? rfc3339(s.finishedAt) : null,
      containerID: `${runtimeName}://${s.id}`,
    },
  };
}

export function containerStatusOf(v: ContainerView): Record<string, unknown> {
  const c = v.current;
  let state: State;
  if (v.waiting) state = { waiting: { reason: v.waiting.reason, ...(v.waiting.message ? { message: v.waiting.message } : {}) } };
  else if (c?.state === 'running') state = { running: { startedAt: rfc3339(c.startedAt ?? c.createdAt) } };
  else if (c?.state === 'exited') state = terminatedState(c, v.runtimeName);
  else state = { waiting: { reason: 'ContainerCreating' } };
  // lastState: the instance before the current one; while waiting to restart, the last one that ran.
  const last = v.waiting && c?.state === 'exited' ? c : v.previous;
  const out: Record<string, unknown> = {
    name: v.name,
    state,
    lastState: last && last.state === 'exited' ? terminatedState(last, v.runtimeName) : {},
    ready: v.ready,
    restartCount: v.restartCount,
    image: v.image,
    imageID: v.imageID,
    started: v.started,
  };
  if (c) out.containerID = `${v.runtimeName}://${c.id}`;
  return out;
}

function isWaiting(v: ContainerView): boolean {
  return !!v.waiting || !v.current || v.current.state === 'created';
}

/** upstream getPhase */
export function podPhase(view: PodView): string {
  if (view.terminal) return view.terminal.phase;
  const policy = view.pod.spec.restartPolicy ?? 'Always';
  const initDone = view.initialized || view.init.every(initComplete);
  if (!initDone) return 'Pending';
  let running = 0; let waiting = 0; let stopped = 0; let succeeded = 0;
  for (const v of view.containers) {
    if (!isWaiting(v) && v.current?.state === 'running') running++;
    else if (!isWaiting(v) && v.current?.state === 'exited') {
      stopped++;
      if (v.current.exitCode === 0) succeeded++;
    } else if (v.previous || (v.waiting && v.current?.state === 'exited')) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

interface Condition { type: string; status: string; reason?: string; message?: string; lastProbeTime: null; lastTransitionTime: string }

export function podStatus(view: PodView): Record<string, unknown> {
  const phase = podPhase(view);
  const prev = new Map(((view.pod.status?.conditions ?? []) as Array<{ type: string; status: string; lastTransitionTime?: string }>).map((c) => [c.type, c]));
  const t = rfc3339(view.now);
  const cond = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
    const status = ok ? 'True' : 'False';
    const p = prev.get(type);
    const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: p && p.status === status && p.lastTransitionTime ? p.lastTransitionTime : t };
    if (!ok && reason) c.reason = reason;
    if (!ok && message) c.message = message;
    return c;
  };
  const pendingInit = view.initialized ? [] : view.init.filter((v) => !initComplete(v)).map((v) => v.name);
  // Sidecars' readiness counts toward the pod's, as upstream.
  const unready = [...view.init.filter((v) => v.restartable), ...view.containers].filter((v) => !v.ready).map((v) => v.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const initialized = pendingInit.length === 0 || (completed && view.init.length === 0);
  const readyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = completed ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const conditions: Condition[] = [
    cond('PodReadyToStartContainers', view.sandboxReady && !completed),
    cond('Initialized', initialized || (completed && pendingInit.length === 0), completed ? 'PodCompleted' : 'ContainersNotInitialized', completed ? undefined : `containers with incomplete status: [${pendingInit.join(' ')}]`),
    cond('Ready', unready.length === 0 && !completed, readyReason, readyMessage),
    cond('ContainersReady', unready.length === 0 && !completed, readyReason, readyMessage),
  ];
  const scheduled = (view.pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled) conditions.push(scheduled as unknown as Condition);
  const out: Record<string, unknown> = {
    phase,
    conditions,
    hostIP: view.hostIPs[0],
    hostIPs: view.hostIPs.map((ip) => ({ ip })),
    startTime: view.startTime,
    containerStatuses: view.containers.map(containerStatusOf),
  };
  if (view.podIPs.length) {
    out.podIP = view.podIPs[0];
    out.podIPs = view.podIPs.map((ip) => ({ ip }));
  }
  if (view.init.length) out.initContainerStatuses = view.init.map(containerStatusOf);
  if (view.terminal?.reason) out.reason = view.terminal.reason;
  if (view.terminal?.message) out.message = view.terminal.message;
  if (view.pod.status?.qosClass) out.qosClass = view.pod.status.qosClass;
  return out;
}
