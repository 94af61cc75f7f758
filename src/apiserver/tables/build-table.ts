// Server-side printing: turns objects into a meta.k8s.io/v1 Table. Like kube-apiserver, the table
// always carries the wide (priority 1) columns; kubectl hides them unless `-o wide`.

import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject, ListMeta } from '../../api/types.js';
import { defaultPrinter } from './default-printer.js';
import { builtinPrinters } from './printers/index.js';
import type { PartialObjectMetadata, Printer, Table, TableRow } from './types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface BuildTableOptions {
  /** How rows carry their object: PartialObjectMetadata (the default, as upstream), the whole object, or nothing. */
  includeObject?: IncludeObject;
  /** Omit column definitions (TableOptions.noHeaders; also what watch events after the first carry). */
  noHeaders?: boolean;
  /** The clock for AGE-style cells. */
  now: Date;
  /** resourceVersion / continue / remainingItemCount of the list the objects came from. */
  listMeta?: ListMeta;
  /** A printer to use instead of the built-in one (custom resources with additionalPrinterColumns). */
  printer?: Printer;
}

/** The printer for a resource: its own, or the NAME / CREATED AT default. */
export function printerFor(info: Pick<ResourceInfo, 'group' | 'resource'>): Printer {
  return builtinPrinters.get(`${info.group}/${info.resource}`) ?? defaultPrinter;
}

function partialMetadata(o: KubeObject): PartialObjectMetadata {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { ...(o.metadata ?? {}) } };
}

export function buildTable(info: ResourceInfo, objects: KubeObject[], opts: BuildTableOptions): Table {
  const printer = opts.printer ?? printerFor(info);
  const includeObject = opts.includeObject ?? 'Metadata';
  const ctx = { now: opts.now };
  const rows = objects.map((o): TableRow => {
    const printed = printer.print(o, ctx);
    const row: TableRow = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions;
    if (includeObject === 'Metadata') row.object = partialMetadata(o);
    else if (includeObject === 'Object') row.object = o;
    return row;
  });
  const metadata: ListMeta = {};
  if (opts.listMeta) {
    if (opts.listMeta.resourceVersion !== undefined) metadata.resourceVersion = opts.listMeta.resourceVersion;
    if (opts.listMeta.continue) metadata.continue = opts.listMeta.continue;
    if (opts.listMeta.remainingItemCount !== undefined) metadata.remainingItemCount = opts.listMeta.remainingItemCount;
  } else if (objects.length === 1 && objects[0].metadata?.resourceVersion) {
    // A single object's table carries the object's resourceVersion, as upstream's does.
    metadata.resourceVersion = objects[0].metadata.resourceVersion;
  }
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
