// autoscaling/v1 ↔ autoscaling/v2 HorizontalPodAutoscaler. v1 knows only a CPU utilization
// target; v2 has a metrics list. Like upstream, a v1 object becomes a v2 object with one
// Resource metric for cpu, and v2 shows through v1 as its cpu utilization target.
import type { KubeObject } from '../types.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(rec) : []);

export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const spec = rec(obj.spec), status = rec(obj.status);
  const { targetCPUUtilizationPercentage: target, ...specRest } = spec;
  const out: KubeObject = { ...obj, apiVersion: 'autoscaling/v2' };
  if (obj.spec !== undefined) {
    out.spec = { ...specRest, ...(typeof target === 'number' ? { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }] } : {}) };
  }
  if (obj.status !== undefined) {
    const { currentCPUUtilizationPercentage: current, ...statusRest } = status;
    out.status = { ...statusRest, ...(typeof current === 'number' ? { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }] } : {}) };
  }
  return out;
}

export function hpaV2ToV1(obj: KubeObject): KubeObject {
  const spec = rec(obj.spec), status = rec(obj.status);
  const { metrics, behavior: _b, ...specRest } = spec;
  const cpu = arr(metrics).find((m) => m.type === 'Resource' && rec(m.resource).name === 'cpu' && rec(rec(m.resource).target).type === 'Utilization');
  const out: KubeObject = { ...obj, apiVersion: 'autoscaling/v1' };
  if (obj.spec !== undefined) {
    const target = cpu ? rec(rec(cpu.resource).target).averageUtilization : undefined;
    out.spec = { ...specRest, ...(typeof target === 'number' ? { targetCPUUtilizationPercentage: target } : {}) };
  }
  if (obj.status !== undefined) {
    const { currentMetrics, conditions: _c, ...statusRest } = status;
    const cur = arr(currentMetrics).find((m) => m.type === 'Resource' && rec(m.resource).name === 'cpu');
    const current = cur ? rec(rec(cur.resource).current).averageUtilization : undefined;
    out.status = { ...statusRest, ...(typeof current === 'number' ? { currentCPUUtilizationPercentage: current } : {}) };
  }
  return out;
}
