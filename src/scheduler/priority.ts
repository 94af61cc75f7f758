// Pod priority. The API server's Priority admission normally fills spec.priority from
// spec.priorityClassName (or the globalDefault class); kites' API server does not yet, so the
// scheduler resolves it itself from PriorityClass objects when spec.priority is unset.
import type { Pod, PriorityClass } from './api-types.js';

/** Built-in classes upstream always has. */
const systemClasses: Record<string, number> = {
  'system-cluster-critical': 2_000_000_000,
  'system-node-critical': 2_000_001_000,
};

export class PriorityResolver {
  constructor(private readonly classes: () => Iterable<PriorityClass>, private readonly get: (name: string) => PriorityClass | undefined) {}

  priority(pod: Pod): number {
    const spec = pod.spec;
    if (typeof spec.priority === 'number') return spec.priority;
    const name = spec.priorityClassName;
    if (name) return this.get(name)?.value ?? systemClasses[name] ?? 0;
    for (const pc of this.classes()) if (pc.globalDefault) return pc.value ?? 0;
    return 0;
  }
}

/** spec.priority alone (for pods the resolver has not seen). */
export function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}
