// Duplicate mapping keys in a YAML request body (application/yaml, apply-patch+yaml). Upstream's
// strict YAML decoding reports them all as one error, `yaml: unmarshal errors:\n  line 7: key
// "num" already set in map`, which joins the unknown-field messages of the strict decoding error.
import { LineCounter, parseAllDocuments, isMap, isScalar, visit } from 'yaml';

/** [] when there are no duplicates, else the single upstream message (one line per duplicate). */
export function findDuplicateYamlFields(raw: string): string[] {
  const lineCounter = new LineCounter();
  const lines: string[] = [];
  try {
    for (const doc of parseAllDocuments(raw, { uniqueKeys: false, lineCounter })) {
      if (!('contents' in doc)) continue;
      visit(doc, {
        Map(_, map) {
          if (!isMap(map)) return;
          const seen = new Set<string>();
          for (const pair of map.items) {
            if (!isScalar(pair.key)) continue;
            const v = pair.key.value;
            const id = `${typeof v}:${String(v)}`;
            if (!seen.has(id)) { seen.add(id); continue; }
            const offset = pair.key.range?.[0] ?? 0;
            const shown = typeof v === 'string' ? JSON.stringify(v) : String(v);
            lines.push(`line ${lineCounter.linePos(offset).line}: key ${shown} already set in map`);
          }
        },
      });
    }
  } catch {
    return [];
  }
  return lines.length === 0 ? [] : [`yaml: unmarshal errors:\n  ${lines.join('\n  ')}`];
}
