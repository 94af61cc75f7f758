// DefaultPreemption, message part only: kites does not evict victims yet, but reports what
// upstream reports when preemption cannot help — "preemption: 0/N nodes are available: …" with
// "Preemption is not helpful for scheduling" for nodes no eviction could fix and "No preemption
// victims found for incoming pod" for the rest (no lower-priority pods to evict there).
import { Code, type CycleState, type Handle, type PostFilterPlugin, type PostFilterResult, type Status } from '../framework.js';
import type { PodInfo } from '../pod-info.js';
import { reasonsHistogram } from '../fit-error.js';

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = 'DefaultPreemption';

  constructor(private readonly h: Handle) {}

  postFilter(_s: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>, numAllNodes: number): PostFilterResult {
    if (pod.pod.spec.preemptionPolicy === 'Never') return { message: 'preemption: not eligible due to preemptionPolicy=Never' };
    const reasons: { reasons: string[] }[] = [];
    for (const [name, st] of statuses) {
      if (st.code === Code.UnschedulableAndUnresolvable) {
        reasons.push({ reasons: ['Preemption is not helpful for scheduling'] });
        continue;
      }
      // Lower-priority pods might be victims, but this scheduler does not evict yet (see above).
      void this.h.cache.get(name);
      reasons.push({ reasons: ['No preemption victims found for incoming pod'] });
    }
    const msg = reasonsHistogram(numAllNodes, reasons as Status[]);
    // reasonsHistogram ends with "."; the FitError adds its own separator.
    return { message: `preemption: ${msg.replace(/\.$/, '')}` };
  }
}
