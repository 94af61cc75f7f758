// Pod volumes (upstream's ValidateVolumes / validateVolumeSource): unique DNS-label names and
// exactly one source per volume, with the essentials of the common sources.
import { FieldError, fieldErrors } from '../../errors.js';
import { isDNS1123Label } from '../names.js';
import { quantityFormatError, quantityValue } from '../quantity-lite.js';
import { arr, isObj, s, type J } from '../value.js';

export const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';

// Every volume source field name upstream knows, in upstream's checking order; exactly one must be set.
const sourceTypes = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flexVolume', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'vsphereVolume', 'quobyte', 'azureDisk', 'projected', 'photonPersistentDisk', 'portworxVolume', 'scaleIO',
  'storageos', 'csi', 'ephemeral', 'image', 'configMap',
];

/** Returns the errors and the names of volumes that validated, for volumeMounts to reference. */
export function validateVolumes(volumes: unknown, path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const all = new Set<string>();
  if (volumes === undefined || volumes === null) return { errs, names };
  const list = arr(volumes);
  if (!list) return { errs: [fieldErrors.typeInvalid(path, volumes, 'must be an array')], names };
  list.forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(v)) { errs.push(fieldErrors.typeInvalid(p, v, 'must be an object')); return; }
    const el = validateVolumeSource(v, p);
    const name = s(v.name);
    if (!name) el.push(fieldErrors.required(`${p}.name`));
    else el.push(...isDNS1123Label(name).map((m) => fieldErrors.invalid(`${p}.name`, name, m)));
    if (all.has(name)) el.push(fieldErrors.duplicate(`${p}.name`, name));
    all.add(name);
    if (el.length === 0) names.add(name);
    else errs.push(...el);
  });
  return { errs, names };
}

function validateVolumeSource(v: J, p: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const t of sourceTypes) {
    const src = v[t];
    if (src === undefined || src === null) continue;
    if (n > 0) { errs.push(fieldErrors.forbidden(`${p}.${t}`, 'may not specify more than 1 volume type')); continue; }
    n++;
    if (!isObj(src)) { errs.push(fieldErrors.typeInvalid(`${p}.${t}`, src, 'must be an object')); continue; }
    errs.push(...validateSource(t, src, `${p}.${t}`));
  }
  if (n === 0) errs.push(fieldErrors.required(p, 'must specify a volume type'));
  return errs;
}

function validateSource(type: string, src: J, p: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (type) {
    case 'emptyDir': {
      if (src.sizeLimit !== undefined) {
        const q = quantityValue(src.sizeLimit);
        if (q === undefined) errs.push(fieldErrors.invalid(`${p}.sizeLimit`, src.sizeLimit, quantityFormatError));
        else if (q < 0) errs.push(fieldErrors.forbidden(`${p}.sizeLimit`, 'SizeLimit field must be a valid resource quantity'));
      }
      const medium = s(src.medium);
      if (medium && medium !== 'Memory' && !medium.startsWith('HugePages')) {
        errs.push(fieldErrors.notSupported(`${p}.medium`, medium, ['', 'Memory', 'HugePages']));
      }
      break;
    }
    case 'hostPath': {
      if (!s(src.path)) errs.push(fieldErrors.required(`${p}.path`));
      const t = src.type;
      const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
      if (t !== undefined && t !== null && !types.includes(s(t))) errs.push(fieldErrors.notSupported(`${p}.type`, t, types));
      if (s(src.path).split('/').includes('..')) errs.push(fieldErrors.invalid(`${p}.path`, s(src.path), "must not contain '..'"));
      break;
    }
    case 'secret':
      if (!s(src.secretName)) errs.push(fieldErrors.required(`${p}.secretName`));
      errs.push(...validateMode(src.defaultMode, `${p}.defaultMode`));
      errs.push(...validateKeyToPaths(src.items, `${p}.items`));
      break;
    case 'configMap':
      if (!s(src.name)) errs.push(fieldErrors.required(`${p}.name`));
      errs.push(...validateMode(src.defaultMode, `${p}.defaultMode`));
      errs.push(...validateKeyToPaths(src.items, `${p}.items`));
      break;
    case 'persistentVolumeClaim':
      if (!s(src.claimName)) errs.push(fieldErrors.required(`${p}.claimName`));
      break;
    case 'nfs':
      if (!s(src.server)) errs.push(fieldErrors.required(`${p}.server`));
      if (!s(src.path)) errs.push(fieldErrors.required(`${p}.path`));
      else if (!s(src.path).startsWith('/')) errs.push(fieldErrors.invalid(`${p}.path`, s(src.path), 'must be an absolute path'));
      break;
    case 'downwardAPI':
      errs.push(...validateMode(src.defaultMode, `${p}.defaultMode`));
      (arr(src.items) ?? []).forEach((it, i) => {
        const ip = `${p}.items[${i}]`;
        if (!isObj(it)) return;
        if (!s(it.path)) errs.push(fieldErrors.required(`${ip}.path`));
        else errs.push(...validateLocalNonReservedPath(s(it.path), `${ip}.path`));
        errs.push(...validateMode(it.mode, `${ip}.mode`));
        const refs = (it.fieldRef ? 1 : 0) + (it.resourceFieldRef ? 1 : 0);
        if (refs === 0) errs.push(fieldErrors.required(ip, 'one of fieldRef and resourceFieldRef is required'));
        if (refs > 1) errs.push(fieldErrors.invalid(`${ip}.resourceFieldRef`, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
      });
      break;
    case 'projected':
      errs.push(...validateMode(src.defaultMode, `${p}.defaultMode`));
      (arr(src.sources) ?? []).forEach((proj, i) => {
        const pp = `${p}.sources[${i}]`;
        if (!isObj(proj)) return;
        const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) => proj[k] !== undefined && proj[k] !== null);
        if (kinds.length > 1) errs.push(fieldErrors.forbidden(pp, 'may not specify more than 1 volume type per source'));
        const tok = proj.serviceAccountToken;
        if (isObj(tok)) {
          if (!s(tok.path)) errs.push(fieldErrors.required(`${pp}.serviceAccountToken.path`));
          if (typeof tok.expirationSeconds === 'number' && tok.expirationSeconds < 600) {
            errs.push(fieldErrors.invalid(`${pp}.serviceAccountToken.expirationSeconds`, tok.expirationSeconds, 'may not specify a duration less than 10 minutes'));
          }
        }
        for (const k of ['secret', 'configMap']) {
          const ref = proj[k];
          if (isObj(ref)) errs.push(...validateKeyToPaths(ref.items, `${pp}.${k}.items`));
        }
      });
      break;
    case 'csi':
      if (!s(src.driver)) errs.push(fieldErrors.required(`${p}.driver`));
      break;
    case 'ephemeral':
      if (!isObj(src.volumeClaimTemplate)) errs.push(fieldErrors.required(`${p}.volumeClaimTemplate`));
      break;
    case 'image':
      if (!s(src.reference)) errs.push(fieldErrors.required(`${p}.reference`));
      break;
    default:
      break;
  }
  return errs;
}

export function validateMode(mode: unknown, p: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) return [fieldErrors.invalid(p, mode, fileModeErrorMsg)];
  return [];
}

function validateKeyToPaths(items: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  (arr(items) ?? []).forEach((it, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(it)) { errs.push(fieldErrors.typeInvalid(ip, it, 'must be an object')); return; }
    if (!s(it.key)) errs.push(fieldErrors.required(`${ip}.key`));
    if (!s(it.path)) errs.push(fieldErrors.required(`${ip}.path`));
    else errs.push(...validateLocalNonReservedPath(s(it.path), `${ip}.path`));
    errs.push(...validateMode(it.mode, `${ip}.mode`));
  });
  return errs;
}

/** A relative path that stays inside its volume (upstream's validateLocalDescendingPath). */
export function validateLocalDescendingPath(target: string, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(fieldErrors.invalid(p, target, 'must be a relative path'));
  if (target.split(/[\\/]/).includes('..')) errs.push(fieldErrors.invalid(p, target, "must not contain '..'"));
  return errs;
}

function validateLocalNonReservedPath(target: string, p: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, p);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(fieldErrors.invalid(p, target, "must not start with '..'"));
  return errs;
}
