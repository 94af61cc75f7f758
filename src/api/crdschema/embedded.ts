// Embedded resources (x-kubernetes-embedded-resource) must name their apiVersion and kind, and
// their metadata must be valid ObjectMeta (names as path segments; a missing name is fine), as
// upstream's schema objectmeta validation requires for nested objects (the root's are checked by
// the API server itself).
import { FieldError, fieldErrors } from '../errors.js';
import { validateObjectMeta } from '../validation/meta.js';
import { nameIsPathSegment } from '../validation/names.js';
import { additionalSchema, isEmbedded, isObj, type JSONSchemaProps } from './schema.js';

const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function validateEmbeddedResources(x: unknown, s: JSONSchemaProps | undefined, path: string, isRoot = true): FieldError[] {
  const errs: FieldError[] = [];
  walk(x, s, path, isRoot, errs);
  return errs;
}

function walk(x: unknown, s: JSONSchemaProps | undefined, path: string, isRoot: boolean, errs: FieldError[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    if (s.items) for (let i = 0; i < x.length; i++) walk(x[i], s.items, `${path}[${i}]`, false, errs);
    return;
  }
  if (!isObj(x)) return;
  const join = (k: string) => (path ? `${path}.${k}` : k);
  if (isEmbedded(s) && !isRoot) {
    if (!('apiVersion' in x)) errs.push(fieldErrors.required(join('apiVersion'), 'must not be empty'));
    if (!('kind' in x)) errs.push(fieldErrors.required(join('kind'), 'must not be empty'));
    const av = x.apiVersion, kind = x.kind;
    if (av !== undefined) {
      if (typeof av !== 'string') errs.push(fieldErrors.invalid(join('apiVersion'), av, 'must be a string'));
      else if (!av) errs.push(fieldErrors.invalid(join('apiVersion'), av, 'must not be empty'));
      else if (av.split('/').length > 2) errs.push(fieldErrors.invalid(join('apiVersion'), av, `unexpected GroupVersion string: ${av}`));
    }
    if (kind !== undefined) {
      if (typeof kind !== 'string') errs.push(fieldErrors.invalid(join('kind'), kind, 'must be a string'));
      else if (!kind) errs.push(fieldErrors.invalid(join('kind'), kind, 'must not be empty'));
      else if (kind.length > 63 || !dns1035.test(kind.toLowerCase())) {
        errs.push(fieldErrors.invalid(join('kind'), kind, "may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"));
      }
    }
    const meta = x.metadata;
    if (isObj(meta)) {
      const m = { ...meta, name: typeof meta.name === 'string' && meta.name ? meta.name : 'fakename' };
      errs.push(...validateObjectMeta(m, { namespaced: typeof meta.namespace === 'string' && meta.namespace !== '', nameFn: nameIsPathSegment }, join('metadata')));
    } else if (meta !== undefined && meta !== null) {
      errs.push(fieldErrors.invalid(join('metadata'), meta, 'must be an object'));
    }
  }
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    if (isEmbedded(s) && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
    const sub = s.properties?.[k] ?? extra;
    if (sub) walk(v, sub, join(k), false, errs);
  }
}
