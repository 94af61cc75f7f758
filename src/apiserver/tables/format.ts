// Small renderers shared by printers: upstream's FormatLabels, FormatLabelSelector, container
// layout, access modes, load balancer status. They read loosely typed objects safely.

import { labelSelectorFromObject, type LabelSelectorObject } from '../../api/selectors/index.js';
import { translateTimestampSince } from '../../api/duration.js';
import type { KubeObject } from '../../api/types.js';
import type { PrintContext } from './types.js';

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}
export function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj) : [];
}
export function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
export function num(v: unknown, dflt = 0): number {
  return typeof v === 'number' ? v : dflt;
}
export function bool(v: unknown): boolean {
  return v === true;
}
export function record(v: unknown): Record<string, string> {
  const o = obj(v);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) if (typeof x === 'string') out[k] = x;
  return out;
}

export const spec = (o: KubeObject): Obj => obj(o.spec);
export const status = (o: KubeObject): Obj => obj(o.status);
export const name = (o: KubeObject): string => o.metadata?.name ?? '';

/** The AGE cell of an object. */
export function age(o: KubeObject, ctx: PrintContext): string {
  return translateTimestampSince(o.metadata?.creationTimestamp ?? undefined, ctx.now);
}

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(m: unknown): string {
  const r = record(m);
  const s = Object.keys(r).sort().map((k) => `${k}=${r[k]}`).join(',');
  return s === '' ? '<none>' : s;
}

/** The selector's string form, or undefined when it does not convert. */
export function selectorString(sel: unknown): string | undefined {
  try {
    return labelSelectorFromObject(sel === undefined || sel === null ? undefined : (sel as LabelSelectorObject)).toString();
  } catch {
    return undefined;
  }
}

/** metav1.FormatLabelSelector: `<none>` for empty or missing, `<error>` for invalid. */
export function formatLabelSelector(sel: unknown): string {
  const s = selectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** Names and images of the containers, comma-separated (layoutContainerCells). */
export function containerCells(podSpec: unknown): [string, string] {
  const cs = arr(obj(podSpec).containers);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

/** Pod template spec of a workload: spec.template.spec. */
export const templateSpec = (o: KubeObject): Obj => obj(obj(spec(o).template).spec);

const accessModeShort: [string, string][] = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];

/** GetAccessModesAsString: a fixed order, duplicates removed. */
export function accessModes(modes: unknown): string {
  const set = new Set(strs(modes));
  return accessModeShort.filter(([m]) => set.has(m)).map(([, s]) => s).join(',');
}

/** LoadBalancer ingress points as a sorted, de-duplicated list (the server prints wide, unclipped). */
export function loadBalancerIngress(lbStatus: unknown): string {
  const set = new Set<string>();
  for (const i of arr(obj(lbStatus).ingress)) {
    if (str(i.ip)) set.add(str(i.ip));
    else if (str(i.hostname)) set.add(str(i.hostname));
  }
  return [...set].sort().join(',');
}

/** IntOrString as upstream's String(). */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : str(v);
}

/** "a,b,c + N more..." with a three-entry cap, as several upstream printers do. */
export function listWithMore(list: string[], total: number, max: number, empty: string): string {
  if (total > max) return `${list.slice(0, max).join(',')} + ${total - max} more...`;
  const s = list.join(',');
  return s === '' ? empty : s;
}

/** An AGE-style cell for any timestamp. */
export function translateTime(ts: string | undefined, ctx: PrintContext): string {
  return translateTimestampSince(ts, ctx.now);
}
