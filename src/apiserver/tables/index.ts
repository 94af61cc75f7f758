// Server-side tables for `kubectl get`.
export { buildTable, printerFor, type BuildTableOptions, type IncludeObject } from './build-table.js';
export { customResourcePrinter, type PrinterColumn } from './custom-resource-printer.js';
export type { Table, TableColumnDefinition, TableRow, TableCell, Printer, PartialObjectMetadata } from './types.js';
