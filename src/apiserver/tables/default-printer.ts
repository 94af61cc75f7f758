// The table every resource without its own printer gets (upstream's default table convertor):
// NAME and CREATED AT, the latter an RFC3339 UTC date. Roles, ClusterRoles and CRDs print this way.

import { col, nameColumn } from './columns.js';
import { createdAt } from './printers/core.js';
import { name } from './format.js';
import type { Printer } from './types.js';

export const defaultPrinter: Printer = {
  columns: [nameColumn(), col('Created At', 'date', 'When the object was created, in RFC3339 form and UTC.')],
  print: (o) => ({ cells: [name(o), createdAt(o)] }),
};
