// Builds the object predicate of a LIST or WATCH from its labelSelector and fieldSelector.
import type { ResourceInfo } from '../../api/resources/types.js';
import type { StoredObject } from '../../api/types.js';
import { parseFieldSelector, parseLabelSelector, selectableFields, validateFieldSelector } from '../../api/selectors/index.js';

export interface ObjectFilter {
  filter?: (obj: StoredObject) => boolean;
  /** A name the field selector pins (metadata.name=x), to narrow a watch to one object. */
  name?: string;
}

export function buildFilter(info: ResourceInfo, labelSelector: string | null, fieldSelector: string | null): ObjectFilter {
  const labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  const fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
  if (fields) validateFieldSelector(fields, info.group, info.resource);
  const useLabels = labels && !labels.empty();
  const useFields = fields && !fields.empty();
  if (!useLabels && !useFields) return {};
  return {
    name: fields?.requiresExactMatch('metadata.name'),
    filter: (obj) =>
      (!useLabels || labels!.matches(obj.metadata.labels)) &&
      (!useFields || fields!.matches(selectableFields(info.group, info.resource, obj))),
  };
}
