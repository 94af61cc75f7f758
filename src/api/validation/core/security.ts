// Security contexts: id ranges and seccomp/AppArmor profile shapes (upstream's
// validatePodSpecSecurityContext / ValidateSecurityContext essentials).
import { FieldError, fieldErrors } from '../../errors.js';
import { inclusiveRangeError } from '../names.js';
import { isObj, s, type J } from '../value.js';

// Unix ids are uint32 (upstream's IsValidUserID / IsValidGroupID).
const maxId = 4294967295;

function validateIds(sc: J, p: string, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) {
    const v = sc[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > maxId) errs.push(fieldErrors.invalid(`${p}.${f}`, v, inclusiveRangeError(0, maxId)));
  }
  return errs;
}

function validateProfile(prof: unknown, p: string, types: string[]): FieldError[] {
  if (!isObj(prof)) return [];
  const errs: FieldError[] = [];
  const t = s(prof.type);
  if (!t) errs.push(fieldErrors.required(`${p}.type`));
  else if (!types.includes(t)) errs.push(fieldErrors.notSupported(`${p}.type`, t, types));
  if (t === 'Localhost' && !s(prof.localhostProfile)) errs.push(fieldErrors.required(`${p}.localhostProfile`, 'must be set when seccomp type is Localhost'));
  if (t !== 'Localhost' && s(prof.localhostProfile)) errs.push(fieldErrors.invalid(`${p}.localhostProfile`, s(prof.localhostProfile), 'can only be set when seccomp type is Localhost'));
  return errs;
}

export function validatePodSecurityContext(sc: unknown, p: string): FieldError[] {
  if (sc === undefined || sc === null) return [];
  if (!isObj(sc)) return [fieldErrors.typeInvalid(p, sc, 'must be an object')];
  const errs = validateIds(sc, p, ['runAsUser', 'runAsGroup', 'fsGroup']);
  if (Array.isArray(sc.supplementalGroups)) {
    sc.supplementalGroups.forEach((g, i) => {
      if (typeof g !== 'number' || g < 0 || g > maxId) errs.push(fieldErrors.invalid(`${p}.supplementalGroups[${i}]`, g, inclusiveRangeError(0, maxId)));
    });
  }
  if (sc.fsGroupChangePolicy !== undefined && sc.fsGroupChangePolicy !== null && !['OnRootMismatch', 'Always'].includes(s(sc.fsGroupChangePolicy))) {
    errs.push(fieldErrors.notSupported(`${p}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always']));
  }
  errs.push(...validateProfile(sc.seccompProfile, `${p}.seccompProfile`, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  errs.push(...validateProfile(sc.appArmorProfile, `${p}.appArmorProfile`, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  (Array.isArray(sc.sysctls) ? sc.sysctls : []).forEach((x, i) => {
    if (isObj(x) && !s(x.name)) errs.push(fieldErrors.required(`${p}.sysctls[${i}].name`));
  });
  return errs;
}

export function validateContainerSecurityContext(sc: unknown, p: string): FieldError[] {
  if (sc === undefined || sc === null) return [];
  if (!isObj(sc)) return [fieldErrors.typeInvalid(p, sc, 'must be an object')];
  const errs = validateIds(sc, p, ['runAsUser', 'runAsGroup']);
  errs.push(...validateProfile(sc.seccompProfile, `${p}.seccompProfile`, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  errs.push(...validateProfile(sc.appArmorProfile, `${p}.appArmorProfile`, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    errs.push(fieldErrors.invalid(p, 'privileged', 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  if (sc.procMount !== undefined && sc.procMount !== null && !['Default', 'Unmasked'].includes(s(sc.procMount))) {
    errs.push(fieldErrors.notSupported(`${p}.procMount`, sc.procMount, ['Default', 'Unmasked']));
  }
  return errs;
}
