// Events, core/v1 and events.k8s.io/v1 (one registry upstream, so one table): LAST SEEN, TYPE,
// REASON, OBJECT ("pod/web-1"), MESSAGE; wide adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME.

import type { KubeObject } from '../../../api/types.js';
import { col } from '../columns.js';
import { name, num, obj, str, translateTime } from '../format.js';
import type { PrintContext, Printer } from '../types.js';

interface EventView {
  firstTimestamp: string;
  lastTimestamp: string;
  eventTime: string;
  seriesLast?: string;
  seriesCount?: number;
  count: number;
  kind: string;
  objectName: string;
  fieldPath: string;
  type: string;
  reason: string;
  message: string;
  component: string;
  host: string;
  reportingController: string;
  reportingInstance: string;
}

/** Reads either shape: core/v1 (involvedObject, source) or events.k8s.io/v1 (regarding, note). */
function view(e: KubeObject): EventView {
  const v1 = e.regarding !== undefined || e.note !== undefined || e.deprecatedSource !== undefined || e.apiVersion === 'events.k8s.io/v1';
  const series = e.series ? obj(e.series) : undefined;
  const involved = obj(v1 ? e.regarding : e.involvedObject);
  const source = obj(v1 ? e.deprecatedSource : e.source);
  return {
    firstTimestamp: str(v1 ? e.deprecatedFirstTimestamp : e.firstTimestamp),
    lastTimestamp: str(v1 ? e.deprecatedLastTimestamp : e.lastTimestamp),
    eventTime: str(e.eventTime),
    seriesLast: series ? str(series.lastObservedTime) : undefined,
    seriesCount: series ? num(series.count) : undefined,
    count: num(v1 ? e.deprecatedCount : e.count),
    kind: str(involved.kind),
    objectName: str(involved.name),
    fieldPath: str(involved.fieldPath),
    type: str(e.type),
    reason: str(e.reason),
    message: str(v1 ? e.note : e.message),
    component: str(source.component),
    host: str(source.host),
    reportingController: str(v1 ? e.reportingController : e.reportingComponent),
    reportingInstance: str(e.reportingInstance),
  };
}

function printEvent(e: KubeObject, ctx: PrintContext) {
  const v = view(e);
  const first = v.firstTimestamp ? translateTime(v.firstTimestamp, ctx) : translateTime(v.eventTime || undefined, ctx);
  let last = v.lastTimestamp ? translateTime(v.lastTimestamp, ctx) : first;
  let count = v.count;
  if (v.seriesLast !== undefined) {
    last = translateTime(v.seriesLast || undefined, ctx);
    count = v.seriesCount ?? 0;
  } else if (count === 0) {
    // Singleton events carry no count in the newer API.
    count = 1;
  }
  const target = v.objectName ? `${v.kind.toLowerCase()}/${v.objectName}` : v.kind.toLowerCase();
  const component = v.component || v.reportingController;
  const host = v.host || v.reportingInstance;
  const source = host ? `${component}, ${host}` : component;
  return { cells: [last, v.type, v.reason, target, v.fieldPath, source, v.message.trim(), first, count, name(e)] };
}

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'string', 'When the event was last observed.'),
    col('Type', 'string', 'Normal or Warning.'),
    col('Reason', 'string', 'A short, machine-readable reason for the event.'),
    col('Object', 'string', 'The object the event is about.'),
    col('Subobject', 'string', 'The part of the object the event is about.', 1),
    col('Source', 'string', 'The component that reported the event.', 1),
    col('Message', 'string', 'A human-readable description of the event.'),
    col('First Seen', 'string', 'When the event was first observed.', 1),
    col('Count', 'string', 'How many times the event occurred.', 1),
    col('Name', 'string', 'The name of the event object.', 1, 'name'),
  ],
  print: printEvent,
};
