// Container resource requirements (upstream's ValidateResourceRequirements): known names,
// non-negative quantities, requests not above limits.
import { FieldError, fieldErrors } from '../../errors.js';
import { isQualifiedName } from '../names.js';
import { quantityFormatError, quantityValue } from '../quantity-lite.js';
import { isObj, sortedKeys, type J } from '../value.js';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isStandardContainerResource(name: string): boolean {
  return standardContainerResources.has(name) || name.startsWith('hugepages-');
}

/** Upstream's IsOvercommitAllowed: native resources except hugepages; extended ones need requests == limits. */
function isOvercommitAllowed(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  return native && !name.startsWith('hugepages-');
}

function validateResourceName(name: string, p: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => fieldErrors.invalid(p, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardContainerResource(name)) {
    return [fieldErrors.invalid(p, name, 'must be a standard resource for containers')];
  }
  return [];
}

function validateQuantities(list: J, p: string, values: Map<string, number>): FieldError[] {
  const errs: FieldError[] = [];
  for (const name of sortedKeys(list)) {
    const kp = `${p}[${name}]`;
    errs.push(...validateResourceName(name, kp));
    const raw = list[name];
    const v = quantityValue(raw);
    if (v === undefined) { errs.push(fieldErrors.invalid(kp, raw, quantityFormatError)); continue; }
    if (v < 0) errs.push(fieldErrors.invalid(kp, String(raw), 'must be greater than or equal to 0'));
    else if (!isStandardContainerResource(name) && !Number.isInteger(v)) errs.push(fieldErrors.invalid(kp, String(raw), 'must be an integer'));
    values.set(name, v);
  }
  return errs;
}

export function validateResourceRequirements(res: unknown, p: string): FieldError[] {
  if (res === undefined || res === null) return [];
  if (!isObj(res)) return [fieldErrors.typeInvalid(p, res, 'must be an object')];
  const errs: FieldError[] = [];
  const limits = new Map<string, number>();
  const requests = new Map<string, number>();
  if (res.limits !== undefined && res.limits !== null) {
    if (isObj(res.limits)) errs.push(...validateQuantities(res.limits, `${p}.limits`, limits));
    else errs.push(fieldErrors.typeInvalid(`${p}.limits`, res.limits, 'must be an object'));
  }
  if (res.requests !== undefined && res.requests !== null) {
    if (isObj(res.requests)) errs.push(...validateQuantities(res.requests, `${p}.requests`, requests));
    else errs.push(fieldErrors.typeInvalid(`${p}.requests`, res.requests, 'must be an object'));
  }
  const reqRaw: J = isObj(res.requests) ? res.requests : {};
  const limRaw: J = isObj(res.limits) ? res.limits : {};
  for (const [name, req] of requests) {
    const lim = limits.get(name);
    if (lim !== undefined) {
      if (!isOvercommitAllowed(name) && req !== lim) {
        errs.push(fieldErrors.invalid(`${p}.requests`, String(reqRaw[name]), `must be equal to ${name} limit of ${String(limRaw[name])}`));
      } else if (req > lim) {
        errs.push(fieldErrors.invalid(`${p}.requests`, String(reqRaw[name]), `must be less than or equal to ${name} limit of ${String(limRaw[name])}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(fieldErrors.required(`${p}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
