// events.k8s.io/v1 Event ↔ core/v1 Event: the same stored objects, with renamed fields
// (regarding/involvedObject, note/message, deprecated* / the legacy counters).
import type { KubeObject } from '../types.js';

type Obj = Record<string, unknown>;

// [events.k8s.io/v1 name, core/v1 name]
const renames: Array<[string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function rename(obj: KubeObject, from: 0 | 1, apiVersion: string): KubeObject {
  const out: Obj = { ...obj, apiVersion };
  for (const pair of renames) {
    const a = pair[from], b = pair[1 - from];
    if (a in out) {
      const v = out[a];
      delete out[a];
      if (v !== undefined && v !== null && v !== '' && v !== 0) out[b] = v;
    }
  }
  return out as KubeObject;
}

export function eventsV1ToCoreEvent(obj: KubeObject): KubeObject {
  const out = rename(obj, 0, 'v1');
  // core/v1 requires an involvedObject; events.k8s.io requires regarding: both map to each other.
  return out;
}

export function coreEventToEventsV1(obj: KubeObject): KubeObject {
  return rename(obj, 1, 'events.k8s.io/v1');
}
