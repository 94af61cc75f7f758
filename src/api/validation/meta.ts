// ObjectMeta rules every kind shares (upstream's ValidateObjectMeta / ValidateObjectMetaUpdate).
import { FieldError, fieldErrors } from '../errors.js';
import { parseApiVersion } from '../types.js';
import { validateAnnotations, validateImmutable, validateLabels, validateNonnegative } from './common.js';
import { goStringSlice } from './go-render.js';
import { isQualifiedName, nameIsDNSLabel, type NameValidator } from './names.js';
import { arr, isObj, s, str, type J } from './value.js';

export interface MetaOptions {
  namespaced: boolean;
  nameFn: NameValidator;
}

export function validateObjectMeta(meta: unknown, opts: MetaOptions, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (meta !== undefined && meta !== null && !isObj(meta)) return [fieldErrors.typeInvalid(path, meta, 'must be an object')];
  const m: J = isObj(meta) ? meta : {};
  const generateName = s(m.generateName);
  const name = s(m.name);
  if (generateName) {
    for (const msg of opts.nameFn(generateName, true)) errs.push(fieldErrors.invalid(`${path}.generateName`, generateName, msg));
  }
  if (m.name !== undefined && typeof m.name !== 'string') errs.push(fieldErrors.typeInvalid(`${path}.name`, m.name, 'must be a string'));
  if (!name) errs.push(fieldErrors.required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of opts.nameFn(name, false)) errs.push(fieldErrors.invalid(`${path}.name`, name, msg));
  const ns = s(m.namespace);
  if (opts.namespaced) {
    if (!ns) errs.push(fieldErrors.required(`${path}.namespace`));
    else for (const msg of nameIsDNSLabel(ns, false)) errs.push(fieldErrors.invalid(`${path}.namespace`, ns, msg));
  } else if (ns) {
    errs.push(fieldErrors.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateNonnegative(m.generation, `${path}.generation`));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  return errs;
}

export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  if (finalizers === undefined || finalizers === null) return [];
  const list = arr(finalizers);
  if (!list) return [fieldErrors.typeInvalid(path, finalizers, 'must be an array')];
  const errs: FieldError[] = [];
  for (const f of list) {
    const v = s(f);
    for (const msg of isQualifiedName(v)) errs.push(fieldErrors.invalid(path, v, msg));
  }
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(fieldErrors.invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

// Events may not own anything (upstream's BannedOwners).
const bannedOwners = new Set(['v1/Event']);

export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (refs === undefined || refs === null) return [];
  const list = arr(refs);
  if (!list) return [fieldErrors.typeInvalid(path, refs, 'must be an array')];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const r of list) {
    if (!isObj(r)) { errs.push(fieldErrors.typeInvalid(path, r, 'must be an object')); continue; }
    const apiVersion = s(r.apiVersion);
    const gv = parseApiVersion(apiVersion);
    if (!gv.version) errs.push(fieldErrors.invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!s(r.kind)) errs.push(fieldErrors.invalid(`${path}.kind`, s(r.kind), 'kind must not be empty'));
    if (!s(r.name)) errs.push(fieldErrors.invalid(`${path}.name`, s(r.name), 'name must not be empty'));
    if (!s(r.uid)) errs.push(fieldErrors.invalid(`${path}.uid`, s(r.uid), 'uid must not be empty'));
    if (bannedOwners.has(`${apiVersion}/${s(r.kind)}`)) errs.push(fieldErrors.invalid(path, r, `${apiVersion}, Kind=${s(r.kind)} is disallowed from being an owner`));
    if (r.controller === true) {
      const current = `${s(r.kind)}/${s(r.name)}`;
      if (firstController) errs.push(fieldErrors.invalid(path, list, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      else firstController = current;
    }
  }
  return errs;
}

export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, path = 'metadata'): FieldError[] {
  const m: J = isObj(meta) ? meta : {};
  const o: J = isObj(oldMeta) ? oldMeta : {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const before = new Set((arr(o.finalizers) ?? []).map(s));
    const added = (arr(m.finalizers) ?? []).map(s).filter((f) => !before.has(f));
    if (added.length) errs.push(fieldErrors.forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added)}`));
  }
  // The server copies resourceVersion from the stored object for unconditional updates before
  // validating (upstream does the same), so this fires only for callers that skip that step.
  if (!str(m.resourceVersion)) errs.push(fieldErrors.invalid(`${path}.resourceVersion`, s(m.resourceVersion), 'must be specified for an update'));
  const gen = typeof m.generation === 'number' ? m.generation : 0;
  const oldGen = typeof o.generation === 'number' ? o.generation : 0;
  if (gen < oldGen) errs.push(fieldErrors.invalid(`${path}.generation`, gen, 'must not be decremented'));
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    errs.push(...validateImmutable(m[f], o[f], `${path}.${f}`));
  }
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  // Finalizer names are checked on create only, as upstream does.
  return errs;
}
