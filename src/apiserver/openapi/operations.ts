// The operations upstream publishes for every resource path, with the query parameters each one
// accepts. kubectl reads these: `--validate=strict` trusts the server only when the PATCH
// operation of the kind lists `fieldValidation`; `kubectl apply` computes a strategic merge
// patch only when the PATCH request body offers application/strategic-merge-patch+json.
import type { JsonObject } from './json.js';
import type { OpenApiFlavor } from './definitions.js';

export type Action = 'list' | 'get' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

type ParamType = 'string' | 'boolean' | 'integer';

const listParams: Array<[string, ParamType]> = [
  ['allowWatchBookmarks', 'boolean'], ['continue', 'string'], ['fieldSelector', 'string'], ['labelSelector', 'string'],
  ['limit', 'integer'], ['resourceVersion', 'string'], ['resourceVersionMatch', 'string'], ['sendInitialEvents', 'boolean'],
  ['timeoutSeconds', 'integer'], ['watch', 'boolean'],
];
const writeParams: Array<[string, ParamType]> = [['dryRun', 'string'], ['fieldManager', 'string'], ['fieldValidation', 'string']];
const patchParams: Array<[string, ParamType]> = [...writeParams, ['force', 'boolean']];
const deleteParams: Array<[string, ParamType]> = [
  ['dryRun', 'string'], ['gracePeriodSeconds', 'integer'], ['ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean'],
  ['orphanDependents', 'boolean'], ['propagationPolicy', 'string'],
];
const deleteCollectionParams: Array<[string, ParamType]> = [
  ['continue', 'string'], ['dryRun', 'string'], ['fieldSelector', 'string'], ['gracePeriodSeconds', 'integer'],
  ['ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean'], ['labelSelector', 'string'], ['limit', 'integer'],
  ['orphanDependents', 'boolean'], ['propagationPolicy', 'string'], ['resourceVersion', 'string'],
  ['resourceVersionMatch', 'string'], ['sendInitialEvents', 'boolean'], ['timeoutSeconds', 'integer'],
];

const queryParamsByAction: Record<Action, Array<[string, ParamType]>> = {
  list: listParams, get: [], post: writeParams, put: writeParams, patch: patchParams,
  delete: deleteParams, deletecollection: deleteCollectionParams,
};

/** Patch request bodies a built-in type accepts; custom resources have no strategic merge patch. */
export const builtinPatchTypes = [
  'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
];
export const customPatchTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];

const responseTypes = ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'];
const listResponseTypes = [...responseTypes, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];

export function parameter(flavor: OpenApiFlavor, location: 'query' | 'path', name: string, type: ParamType): JsonObject {
  const p: JsonObject = { in: location, name };
  if (location === 'path') p.required = true;
  if (flavor === 'v3') p.schema = { type, uniqueItems: true };
  else { p.type = type; p.uniqueItems = true; }
  return p;
}

export function pathParameters(flavor: OpenApiFlavor, names: string[]): JsonObject[] {
  return [...names.map((n) => parameter(flavor, 'path', n, 'string')), parameter(flavor, 'query', 'pretty', 'string')];
}

export interface OperationSpec {
  action: Action;
  operationId: string;
  tag: string;
  gvk: { group: string; version: string; kind: string };
  /** `$ref` targets (already prefixed) of the response and request bodies. */
  responseRef: string;
  bodyRef?: string;
  patchTypes?: string[];
}

/** `x-kubernetes-action` values: upstream says "list", "get", "post", "put", "patch", "delete", "deletecollection". */
export function operation(flavor: OpenApiFlavor, spec: OperationSpec): JsonObject {
  const op: JsonObject = {
    operationId: spec.operationId,
    tags: [spec.tag],
    'x-kubernetes-action': spec.action,
    'x-kubernetes-group-version-kind': { group: spec.gvk.group, kind: spec.gvk.kind, version: spec.gvk.version },
  };
  const params = queryParamsByAction[spec.action].map(([n, t]) => parameter(flavor, 'query', n, t));
  const contentTypes = spec.action === 'list' ? listResponseTypes : responseTypes;
  const codes = spec.action === 'post' ? ['200', '201', '202'] : spec.action === 'put' || spec.action === 'patch' ? ['200', '201'] : spec.action === 'delete' ? ['200', '202'] : ['200'];
  const codeText: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
  const requestTypes = spec.action === 'patch' ? (spec.patchTypes ?? builtinPatchTypes) : ['*/*'];

  if (flavor === 'v3') {
    if (params.length > 0) op.parameters = params;
    if (spec.bodyRef) {
      const content: JsonObject = {};
      for (const t of requestTypes) content[t] = { schema: { $ref: spec.bodyRef } };
      op.requestBody = { content, required: spec.action !== 'delete' && spec.action !== 'deletecollection' };
    }
    const responses: JsonObject = {};
    for (const code of codes) {
      const content: JsonObject = {};
      for (const t of contentTypes) content[t] = { schema: { $ref: spec.responseRef } };
      responses[code] = { content, description: codeText[code] };
    }
    responses['401'] = { description: 'Unauthorized' };
    op.responses = responses;
  } else {
    if (spec.bodyRef) params.unshift({ in: 'body', name: 'body', required: spec.action !== 'delete' && spec.action !== 'deletecollection', schema: { $ref: spec.bodyRef } });
    if (params.length > 0) op.parameters = params;
    op.consumes = requestTypes;
    op.produces = contentTypes;
    op.schemes = ['https'];
    const responses: JsonObject = {};
    for (const code of codes) responses[code] = { description: codeText[code], schema: { $ref: spec.responseRef } };
    responses['401'] = { description: 'Unauthorized' };
    op.responses = responses;
  }
  return op;
}
