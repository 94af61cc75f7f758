// Pod status writes (upstream's ValidatePodStatusUpdate): addresses, conditions, and containers
// that, by their pod's restart policy, may never run again once terminated.
import { FieldError, fieldErrors } from '../../errors.js';
import { validateNameWith } from '../common.js';
import { isQualifiedName, isValidIP, nameIsDNSSubdomain } from '../names.js';
import { arr, isObj, s, type J } from '../value.js';

// Condition types the system defines; others must be qualified names.
const systemConditions = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'DisruptionTarget', 'PodReadyToStartContainers', 'PodResizePending', 'PodResizeInProgress']);

export function validatePodIPs(status: unknown): FieldError[] {
  if (!isObj(status)) return [];
  const errs: FieldError[] = [];
  for (const list of ['podIPs', 'hostIPs']) {
    const seen = new Set<string>();
    (arr(status[list]) ?? []).forEach((x, i) => {
      const ip = isObj(x) ? s(x.ip) : '';
      errs.push(...isValidIP(ip).map((m) => fieldErrors.invalid(`status.${list}[${i}].ip`, ip, m)));
      if (seen.has(ip)) errs.push(fieldErrors.duplicate(`status.${list}[${i}].ip`, ip));
      seen.add(ip);
    });
  }
  return errs;
}

/** A terminated container stays terminated when its pod would not restart it. */
function validateStateTransitions(next: unknown, prev: unknown, p: string, restartPolicy: string, init: boolean, sidecars = new Set<string>()): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  const before = new Map<string, J>();
  for (const cs of arr(prev) ?? []) if (isObj(cs)) before.set(s(cs.name), cs);
  (arr(next) ?? []).forEach((cs, i) => {
    if (!isObj(cs) || sidecars.has(s(cs.name))) return;
    const old = before.get(s(cs.name));
    const oldTerm = old && isObj(old.state) && isObj(old.state.terminated) ? old.state.terminated : undefined;
    if (!oldTerm) return;
    const nowTerminated = isObj(cs.state) && isObj(cs.state.terminated);
    if (nowTerminated) return;
    // OnFailure pods restart failed containers; succeeded ones (and init containers that succeeded) stay done.
    const succeeded = oldTerm.exitCode === 0;
    if (restartPolicy === 'Never' || (restartPolicy === 'OnFailure' && succeeded) || (init && succeeded)) {
      errs.push(fieldErrors.forbidden(`${p}[${i}].state`, 'may not be transitioned to non-terminated state'));
    }
  });
  return errs;
}

export function validatePodStatusUpdate(pod: J, old: J): FieldError[] {
  const errs: FieldError[] = [];
  const st: J = isObj(pod.status) ? pod.status : {};
  const oldSt: J = isObj(old.status) ? old.status : {};
  (arr(st.conditions) ?? []).forEach((c) => {
    const type = isObj(c) ? s(c.type) : '';
    if (!systemConditions.has(type)) errs.push(...isQualifiedName(type).map((m) => fieldErrors.invalid('status.conditions', type, m)));
  });
  const spec: J = isObj(pod.spec) ? pod.spec : {};
  const oldSpec: J = isObj(old.spec) ? old.spec : {};
  if (s(spec.nodeName) !== s(oldSpec.nodeName)) errs.push(fieldErrors.forbidden('status.nodeName', 'may not be changed directly'));
  if (s(st.nominatedNodeName) && st.nominatedNodeName !== oldSt.nominatedNodeName) {
    errs.push(...validateNameWith(nameIsDNSSubdomain, s(st.nominatedNodeName), 'status.nominatedNodeName'));
  }
  const rp = s(oldSpec.restartPolicy) || 'Always';
  errs.push(...validateStateTransitions(st.containerStatuses, oldSt.containerStatuses, 'status.containerStatuses', rp, false));
  // Sidecars (init containers with restartPolicy Always) restart like regular containers.
  const sidecars = new Set((arr(oldSpec.initContainers) ?? []).filter((c) => isObj(c) && c.restartPolicy === 'Always').map((c) => s((c as J).name)));
  errs.push(...validateStateTransitions(st.initContainerStatuses, oldSt.initContainerStatuses, 'status.initContainerStatuses', rp === 'Always' ? 'OnFailure' : rp, true, sidecars));
  errs.push(...validatePodIPs(pod.status));
  for (const list of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    (arr(st[list]) ?? []).forEach((cs, i) => {
      if (isObj(cs) && typeof cs.restartCount === 'number' && cs.restartCount < 0) {
        errs.push(fieldErrors.invalid(`status.${list}[${i}].restartCount`, cs.restartCount, 'must be greater than or equal to 0'));
      }
    });
  }
  return errs;
}
