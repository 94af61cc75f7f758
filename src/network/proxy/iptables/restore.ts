// iptables-restore input for one sync, in upstream's shape: `--noflush` so chains that are not
// ours survive; every chain we write is declared (`:CHAIN - [0:0]`, which creates or flushes it)
// and then filled; chains that disappeared are declared and deleted (`-X`). A partial sync
// declares only the per-service chains whose rules changed since the last successful write.
import { filterTopChains, natTopChains, type RuleSet } from './rules.js';
import { isServiceChainName } from './chain-names.js';

export interface RestorePlan {
  text: string;
  /** Per-service chain contents after this restore succeeds (the next partial sync's baseline). */
  written: Map<string, string>;
  /** How many per-service chains were (re)written and deleted: for logs and tests. */
  changedChains: number;
  deletedChains: string[];
}

/**
 * `previous`: per-service chain contents from the last successful sync, or undefined for a full
 * sync. `existingNatChains`: chain names from iptables-save (full sync only) so chains left by an
 * earlier run are found and deleted.
 */
export function planRestore(rules: RuleSet, previous: Map<string, string> | undefined, existingNatChains: string[] = []): RestorePlan {
  const written = new Map<string, string>();
  const natChainLines = natTopChains.map((c) => `:${c} - [0:0]`);
  const natRuleLines = [...rules.natRules];
  let changedChains = 0;
  for (const [chain, lines] of rules.serviceChains) {
    const text = lines.join('\n');
    written.set(chain, text);
    if (previous && previous.get(chain) === text) continue;
    changedChains++;
    natChainLines.push(`:${chain} - [0:0]`);
    natRuleLines.push(...lines);
  }
  const gone = new Set(previous ? previous.keys() : existingNatChains.filter(isServiceChainName));
  const deletedChains = [...gone].filter((c) => !rules.serviceChains.has(c)).sort();
  for (const chain of deletedChains) {
    natChainLines.push(`:${chain} - [0:0]`);
    natRuleLines.push(`-X ${chain}`);
  }
  const text = [
    '*filter', ...filterTopChains.map((c) => `:${c} - [0:0]`), ...rules.filterRules, 'COMMIT',
    '*nat', ...natChainLines, ...natRuleLines, 'COMMIT', '',
  ].join('\n');
  return { text, written, changedChains, deletedChains };
}

/** Chain names declared in iptables-save output. */
export function chainsInSave(save: string): string[] {
  const out: string[] = [];
  for (const line of save.split('\n')) if (line.startsWith(':')) out.push(line.slice(1).split(' ')[0]!);
  return out;
}
