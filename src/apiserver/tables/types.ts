// meta.k8s.io/v1 Table, what `kubectl get` asks for with `Accept: …;as=Table;g=meta.k8s.io;v=v1`.

import type { KubeObject, ListMeta, ObjectMeta } from '../../api/types.js';

export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type of the cells: string, integer, number, boolean, date. */
  type: string;
  /** e.g. "name" for the column kubectl treats as the object's name. */
  format: string;
  description: string;
  /** 0 for default columns; higher ones show with `-o wide` only. */
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export type TableCell = string | number | boolean | null;

export interface PartialObjectMetadata {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'PartialObjectMetadata';
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object?: PartialObjectMetadata | KubeObject;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What a printer needs besides the object: the injected clock, so AGE cells are deterministic. */
export interface PrintContext {
  now: Date;
}

export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}

/** One kind's columns and how to fill them (upstream's column definitions + print function). */
export interface Printer {
  columns: TableColumnDefinition[];
  print(obj: KubeObject, ctx: PrintContext): PrintedRow;
}
