// Tables for custom resources: NAME plus the CRD version's additionalPrinterColumns, each a
// JSONPath into the object (apiextensions-apiserver's table convertor). Without columns, an AGE
// column over .metadata.creationTimestamp is served, as upstream defaults it.

import { translateTimestampSince } from '../../api/duration.js';
import { nameColumn } from './columns.js';
import { findResults, JsonPathError } from './jsonpath.js';
import type { Printer, TableCell } from './types.js';

/** One entry of a CRD version's additionalPrinterColumns. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

const defaultColumns: PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'When the object was created.' },
];

/** Text as jsonpath prints it: strings raw, other scalars plainly, objects and arrays as JSON. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function cell(type: string, v: unknown, now: Date): TableCell {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'string': return text(v);
    case 'integer': return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number': return typeof v === 'number' ? v : null;
    case 'boolean': return typeof v === 'boolean' ? v : null;
    case 'date':
      if (typeof v !== 'string') return null;
      return Number.isNaN(Date.parse(v)) ? '<invalid>' : translateTimestampSince(v, now);
    default: return null;
  }
}

export function customResourcePrinter(columns: PrinterColumn[] | undefined): Printer {
  const cols = columns && columns.length > 0 ? columns : defaultColumns;
  return {
    columns: [
      nameColumn(),
      ...cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    ],
    print: (o, ctx) => {
      const cells: TableCell[] = [o.metadata?.name ?? ''];
      for (const c of cols) {
        let results: unknown[];
        try {
          results = findResults(c.jsonPath, o);
        } catch (e) {
          if (!(e instanceof JsonPathError)) throw e;
          results = [];
        }
        cells.push(results.length === 0 ? null : cell(c.type, results[0], ctx.now));
      }
      return { cells };
    },
  };
}
