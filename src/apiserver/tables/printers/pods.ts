// The pod row (printPod upstream): READY counts ready running containers (plus started sidecars),
// STATUS is the most telling reason (Init:1/2, CrashLoopBackOff, Completed, Terminating …), and
// RESTARTS shows when the last restart happened ("3 (5m ago)").

import { translateTimestampSince } from '../../../api/duration.js';
import type { KubeObject } from '../../../api/types.js';
import { ageColumn, col, nameColumn } from '../columns.js';
import { age, arr, bool, name, num, obj, spec, status, str, type Obj } from '../format.js';
import type { PrintContext, PrintedRow, Printer, TableRowCondition } from '../types.js';

/** Pods the node lost: shown as Unknown while being deleted. */
const nodeUnreachablePodReason = 'NodeLost';

const succeeded: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const failed: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

function terminatedReason(t: Obj, prefix: string): string {
  if (str(t.reason)) return `${prefix}${str(t.reason)}`;
  if (num(t.signal) !== 0) return `${prefix}Signal:${num(t.signal)}`;
  return `${prefix}ExitCode:${num(t.exitCode)}`;
}

/** Keeps the later of two RFC3339 times. */
function later(a: string, b: unknown): string {
  const s = str(b);
  if (!s) return a;
  return !a || Date.parse(s) > Date.parse(a) ? s : a;
}

function hasCondition(conditions: Obj[], type: string): boolean {
  return conditions.some((c) => c.type === type && c.status === 'True');
}

function printPod(pod: KubeObject, ctx: PrintContext): PrintedRow {
  const ps = spec(pod);
  const st = status(pod);
  const conditions = arr(st.conditions);
  const phase = str(st.phase);
  let reason = str(st.reason) || phase;
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initSpecs = new Map(arr(ps.initContainers).map((c) => [str(c.name), c]));
  const isSidecar = (containerName: string) => str(initSpecs.get(containerName)?.restartPolicy) === 'Always';
  let total = arr(ps.containers).length + [...initSpecs.values()].filter((c) => str(c.restartPolicy) === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = '';
  let lastSidecarRestart = '';

  let initializing = false;
  const initStatuses = arr(st.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const state = obj(c.state);
    const finishedAt = obj(obj(c.lastState).terminated).finishedAt;
    restarts += num(c.restartCount);
    lastRestart = later(lastRestart, finishedAt);
    if (isSidecar(str(c.name))) {
      sidecarRestarts += num(c.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, finishedAt);
    }
    const terminated = state.terminated ? obj(state.terminated) : undefined;
    const waiting = state.waiting ? obj(state.waiting) : undefined;
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (isSidecar(str(c.name)) && c.started === true) {
      if (bool(c.ready)) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') reason = `Init:${str(waiting.reason)}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(st.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      const state = obj(c.state);
      restarts += num(c.restartCount);
      lastRestart = later(lastRestart, obj(obj(c.lastState).terminated).finishedAt);
      const waiting = state.waiting ? obj(state.waiting) : undefined;
      const terminated = state.terminated ? obj(state.terminated) : undefined;
      if (waiting && str(waiting.reason)) reason = str(waiting.reason);
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (bool(c.ready) && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last container completed but another still runs is Running (or NotReady).
    if (reason === 'Completed' && hasRunning) reason = hasCondition(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && st.reason === nodeUnreachablePodReason) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsCell = restarts !== 0 && lastRestart ? `${restarts} (${translateTimestampSince(lastRestart, ctx.now)} ago)` : String(restarts);
  const podIPs = arr(st.podIPs);
  const podIP = (podIPs.length > 0 ? str(podIPs[0].ip) : str(st.podIP)) || '<none>';

  let readinessGates = '<none>';
  const gates = arr(ps.readinessGates);
  if (gates.length > 0) {
    let trueCount = 0;
    for (const g of gates) {
      const cond = conditions.find((c) => c.type === g.conditionType);
      if (cond?.status === 'True') trueCount++;
    }
    readinessGates = `${trueCount}/${gates.length}`;
  }
  total = Math.max(total, 0);
  const row: PrintedRow = {
    cells: [
      name(pod), `${ready}/${total}`, reason, restartsCell, age(pod, ctx),
      podIP, str(ps.nodeName) || '<none>', str(st.nominatedNodeName) || '<none>', readinessGates,
    ],
  };
  if (phase === 'Succeeded') row.conditions = succeeded;
  else if (phase === 'Failed') row.conditions = failed;
  return row;
}

export const podPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'Ready containers out of all containers of the pod.'),
    col('Status', 'string', 'The phase of the pod, or the most telling reason from its containers.'),
    col('Restarts', 'string', 'Container restarts in the pod, with how long ago the last one happened.'),
    ageColumn(),
    col('IP', 'string', 'The IP address allocated to the pod.', 1),
    col('Node', 'string', 'The node the pod is scheduled onto.', 1),
    col('Nominated Node', 'string', 'The node the scheduler nominated for this pod during preemption.', 1),
    col('Readiness Gates', 'string', 'How many of the pod readiness gates are satisfied.', 1),
  ],
  print: printPod,
};
