// Pod QoS class as upstream computes it: Guaranteed when every container has equal cpu and
// memory requests and limits, BestEffort when none sets any, Burstable otherwise.
type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function podQosClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])].map(rec);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = rec(c.resources);
    const req = rec(res.requests), lim = rec(res.limits);
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const l = lim[r];
      const q = req[r] ?? l; // requests default to limits
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
