// Column definition helpers. Names, types, formats and priorities follow upstream's printers
// (pkg/printers/internalversion); descriptions are short summaries of the field they show.

import type { TableColumnDefinition } from './types.js';

export function col(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

export const nameColumn = (): TableColumnDefinition =>
  col('Name', 'string', 'Name must be unique within a namespace; see the object metadata documentation.', 0, 'name');

export const ageColumn = (): TableColumnDefinition =>
  col('Age', 'string', 'CreationTimestamp is the server time when this object was created, in RFC3339 form and UTC.');

/** Wide columns shared by the workload printers. */
export const containersColumn = (): TableColumnDefinition => col('Containers', 'string', 'Names of each container in the template.', 1);
export const imagesColumn = (): TableColumnDefinition => col('Images', 'string', 'Images referenced by each container in the template.', 1);
export const selectorColumn = (description = 'The label selector of the pods this object manages.'): TableColumnDefinition =>
  col('Selector', 'string', description, 1);
