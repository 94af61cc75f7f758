// Resolving an ownerReference to the resource that serves its kind, and deciding what state the
// owner is in (upstream's classifyReferences): solid (exists, not deleting its dependents),
// dangling (absent, another uid under that name, or an invalid reference), or waiting for its
// dependents' deletion (foreground). Absence is always confirmed with a live GET.
import type { ResourceInfo } from '../../api/resources/types.js';
import type { OwnerReference } from '../../api/types.js';
import type { RestClient } from '../../client/rest-client.js';
import { isNotFound } from '../../client/status.js';
import { type DependencyGraph, type GraphNode, foregroundFinalizer } from './graph.js';

export type OwnerState = 'solid' | 'dangling' | 'waiting';

export interface ClassifiedOwners {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waiting: OwnerReference[];
  /** References that can never resolve from this dependent (owner namespaced, dependent not). */
  invalid: OwnerReference[];
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The served resource for an owner's apiVersion and kind (the same version if served, else any). */
export function resourceForKind(resources: readonly ResourceInfo[], apiVersion: string, kind: string): ResourceInfo | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const candidates = resources.filter((r) => r.group === group && r.kind === kind && !r.virtual);
  return candidates.find((r) => r.version === version) ?? candidates[0];
}

export class OwnerClassifier {
  constructor(
    private readonly client: RestClient,
    private readonly graph: DependencyGraph,
    private readonly resources: () => readonly ResourceInfo[],
  ) {}

  async classify(dependent: GraphNode): Promise<ClassifiedOwners> {
    const out: ClassifiedOwners = { solid: [], dangling: [], waiting: [], invalid: [] };
    for (const ref of dependent.owners) {
      const state = await this.stateOf(dependent, ref, out);
      out[state].push(ref);
    }
    return out;
  }

  private async stateOf(dependent: GraphNode, ref: OwnerReference, out: ClassifiedOwners): Promise<OwnerState> {
    const info = resourceForKind(this.resources(), ref.apiVersion, ref.kind);
    // A kind nobody serves (yet): keep the reference rather than delete on a guess.
    if (!info) return 'solid';
    if (info.namespaced && !dependent.namespace) {
      out.invalid.push(ref);
      return 'dangling';
    }
    const namespace = info.namespaced ? dependent.namespace : undefined;
    const cached = this.graph.get(ref.uid);
    if (cached && cached.info.kind === ref.kind && cached.info.group === info.group && cached.namespace === namespace && cached.name === ref.name) {
      return cached.deletionTimestamp && cached.finalizers.includes(foregroundFinalizer) ? 'waiting' : 'solid';
    }
    if (cached && info.namespaced && cached.namespace !== namespace) out.invalid.push(ref);
    try {
      const live = await this.client.resource({ group: info.group, version: info.version, resource: info.resource, namespaced: info.namespaced })
        .get(namespace, ref.name);
      if (live.metadata?.uid !== ref.uid) return 'dangling';
      const m = live.metadata;
      return m.deletionTimestamp && (m.finalizers ?? []).includes(foregroundFinalizer) ? 'waiting' : 'solid';
    } catch (e) {
      if (isNotFound(e)) return 'dangling';
      throw e;
    }
  }
}
