// The QoS class the API server records in a new Pod's status (upstream's qos.GetPodQOS), for the
// pod strategy to set alongside phase Pending.
import { quantityValue } from '../validation/quantity-lite.js';
import { existing, isObj, items, type J } from './util.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const supported = ['cpu', 'memory'];

export function podQOSClass(pod: unknown): QOSClass {
  const spec = isObj(pod) ? existing(pod, 'spec') : undefined;
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let zeroLimitSeen = false;
  let guaranteed = true;
  const containers = [...items(spec, 'containers'), ...items(spec, 'initContainers')];
  for (const c of containers) {
    const res: J = existing(c, 'resources') ?? {};
    const req: J = existing(res, 'requests') ?? {};
    const lim: J = existing(res, 'limits') ?? {};
    for (const name of supported) {
      const r = quantityValue(req[name]);
      if (r !== undefined && r !== 0) requests.set(name, (requests.get(name) ?? 0) + r);
      const l = quantityValue(lim[name]);
      if (l !== undefined) {
        if (l === 0) zeroLimitSeen = true;
        else limits.set(name, (limits.get(name) ?? 0) + l);
      }
    }
    const has = supported.every((n) => { const l = quantityValue(lim[n]); return l !== undefined && l !== 0; });
    if (!has) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && !zeroLimitSeen) {
    for (const [k, v] of requests) if (limits.get(k) !== v) return 'Burstable';
    if (limits.size === supported.length) return 'Guaranteed';
  }
  return 'Burstable';
}
