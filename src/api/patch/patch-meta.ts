// The strategic-merge-patch view of a schema: for a field of an object, its patch strategies
// (+patchStrategy, e.g. "merge" or "merge,retainKeys"), its merge key (+patchMergeKey) and the
// schema of its value (for lists: of one element). Upstream reads these from Go struct tags;
// we read them from the SchemaNode walk. No schema means "free-form JSON": maps still merge,
// lists are replaced — the behaviour of a JSON merge patch.

import type { SchemaNode } from '../schema/types.js';

export interface PatchMeta {
  strategies: string[];
  mergeKey: string;
}

export interface PatchLookup {
  /** The metadata of field `key` and the schema of its value; never fails (unknown → free-form). */
  lookup(key: string): { meta: PatchMeta; sub: PatchLookup | undefined };
  /** A name for messages (upstream prints the Go type name). */
  readonly name: string;
}

const noMeta: PatchMeta = { strategies: [], mergeKey: '' };

export function patchLookupFor(node: SchemaNode | undefined): PatchLookup | undefined {
  if (!node) return undefined;
  return {
    name: shortName(node.message?.name),
    lookup(key: string) {
      const f = node.field(key);
      if (!f) return { meta: noMeta, sub: undefined };
      const s = f.schema;
      const meta: PatchMeta = {
        strategies: s.patchStrategy ? s.patchStrategy.split(',').map((x) => x.trim()).filter((x) => x !== '') : [],
        mergeKey: s.patchMergeKey ?? '',
      };
      // A map field (labels, data …): its keys are free, each value has the element schema.
      const sub = s.map ? mapValuesLookup(f.element) : patchLookupFor(f.element);
      return { meta, sub };
    },
  };
}

function mapValuesLookup(valueNode: SchemaNode | undefined): PatchLookup {
  const valueLookup = patchLookupFor(valueNode);
  return {
    name: `map[string]${valueLookup?.name ?? 'interface {}'}`,
    lookup: () => ({ meta: noMeta, sub: valueLookup }),
  };
}

function shortName(protoName: string | undefined): string {
  if (!protoName) return 'interface {}';
  const i = protoName.lastIndexOf('.');
  return i < 0 ? protoName : protoName.slice(i + 1);
}

export const retainKeysStrategy = 'retainKeys';

/**
 * Splits a field's strategies into "has retainKeys" and the other strategy (merge/replace/"").
 * Mirrors upstream: at most two strategies, one of which must then be retainKeys.
 */
export function splitRetainKeys(strategies: string[]): { retainKeys: boolean; strategy: string } {
  if (strategies.length === 0) return { retainKeys: false, strategy: '' };
  if (strategies.length === 1) {
    return strategies[0] === retainKeysStrategy ? { retainKeys: true, strategy: '' } : { retainKeys: false, strategy: strategies[0] };
  }
  if (strategies.length === 2) {
    if (strategies[0] === retainKeysStrategy) return { retainKeys: true, strategy: strategies[1] };
    if (strategies[1] === retainKeysStrategy) return { retainKeys: true, strategy: strategies[0] };
  }
  throw new Error(`unexpected patch strategy: [${strategies.join(' ')}]`);
}
