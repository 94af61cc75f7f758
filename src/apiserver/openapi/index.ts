// OpenAPI v2/v3 documents of the served API, built from the schema registry and resource catalog.
export { createOpenApiService, acceptsJson, type OpenApiService, type OpenApiServiceOptions, type OpenApiResponse } from './service.js';
export type { ExtraSchema } from './paths.js';
export { definitionName, customResourceDefinitionName, groupVersionPath } from './names.js';
export { customResourceSchemas } from './custom-resources.js';
