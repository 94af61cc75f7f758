// Status conditions as the apps controllers set them (upstream deploymentutil / replicaset
// SetCondition): setting a condition with the same status and reason is a no-op; a change of
// reason keeps lastTransitionTime while the status stays the same.
import { rfc3339 } from '../../client/events/recorder.js';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export function newCondition(type: string, status: string, reason: string, message: string, nowMs: number, withUpdateTime = true): Condition {
  const t = rfc3339(nowMs);
  return withUpdateTime ? { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message } : { type, status, lastTransitionTime: t, reason, message };
}

export function getCondition<C extends Condition>(conds: readonly C[] | undefined, type: string): C | undefined {
  return conds?.find((c) => c.type === type);
}

/** Returns the new condition list (the input is not modified). */
export function setCondition<C extends Condition>(conds: readonly C[] | undefined, cond: C): C[] {
  const list = conds ?? [];
  const cur = getCondition(list, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return [...list];
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  return [...list.filter((c) => c.type !== cond.type), next];
}

export function removeCondition<C extends Condition>(conds: readonly C[] | undefined, type: string): C[] {
  return (conds ?? []).filter((c) => c.type !== type);
}
