// Completion indexes of Indexed Jobs: the pod's index annotation (label as a fallback), and
// status.completedIndexes / failedIndexes written as sorted ranges, "0-2,4,6,7" (upstream
// orderedIntervals).
import type { PodObject } from '../common/types.js';
import { completionIndexKey } from './types.js';

/** The pod's completion index, or undefined when it has none or it is out of range. */
export function podCompletionIndex(pod: PodObject, completions: number): number | undefined {
  const v = pod.metadata.annotations?.[completionIndexKey] ?? pod.metadata.labels?.[completionIndexKey];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const i = Number(v);
  return i < completions ? i : undefined;
}

/** Parses "0-2,4" into a set; malformed pieces are skipped, indexes >= completions dropped. */
export function parseIndexes(s: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  if (!s) return out;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]), to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to && i < completions; i++) out.add(i);
  }
  return out;
}

/** Formats a set of indexes as ranges, "0-2,4,6,7"; empty for none. */
export function formatIndexes(set: Iterable<number>): string {
  const sorted = [...new Set(set)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    // Two neighbours stay a list; three or more become a range (upstream orderedIntervals).
    parts.push(i === j ? `${sorted[i]}` : j === i + 1 ? `${sorted[i]},${sorted[j]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
