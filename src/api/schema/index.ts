// The built-in API schemas (every group/version kites serves), as one SchemaRegistry.
import { allTables } from './tables/index.js';
import { createSchemaRegistry, type BuiltinSchemaRegistry } from './registry.js';

export type { BuiltinSchemaRegistry } from './registry.js';
export type { BuiltinFieldSchema, BuiltinMessageSchema, SchemaTable } from './table-format.js';
export { createSchemaRegistry } from './registry.js';

export const builtinSchemas: BuiltinSchemaRegistry = createSchemaRegistry(allTables);
