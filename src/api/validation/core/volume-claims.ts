// PersistentVolumes and PersistentVolumeClaims (upstream's ValidatePersistentVolume / ...Claim).
import { FieldError, fieldErrors } from '../../errors.js';
import { validateLabelSelector, validateNameWith } from '../common.js';
import { nameIsDNSSubdomain } from '../names.js';
import { quantityFormatError, quantityValue } from '../quantity-lite.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, semanticEqual, specEqual, type J } from '../value.js';

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(modes: unknown, p: string, requiredDetail: string): FieldError[] {
  const list = arr(modes) ?? [];
  if (list.length === 0) return [fieldErrors.required(p, requiredDetail)];
  const errs: FieldError[] = [];
  for (const m of list) if (!accessModes.includes(s(m))) errs.push(fieldErrors.notSupported(p, m, accessModes));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(fieldErrors.forbidden(p, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateStorageQuantity(v: unknown, p: string): FieldError[] {
  const q = quantityValue(v);
  if (q === undefined) return [fieldErrors.invalid(p, v, quantityFormatError)];
  return q <= 0 ? [fieldErrors.invalid(p, String(v), 'must be greater than zero')] : [];
}

function validateClaimSpec(spec: unknown, p: string): FieldError[] {
  if (!isObj(spec)) return [fieldErrors.required(p)];
  const errs = validateAccessModes(spec.accessModes, `${p}.accessModes`, 'at least 1 access mode is required');
  errs.push(...validateLabelSelector(spec.selector, `${p}.selector`));
  const requests = isObj(spec.resources) && isObj(spec.resources.requests) ? spec.resources.requests : undefined;
  const hasDataSource = isObj(spec.dataSource) || isObj(spec.dataSourceRef);
  if (!requests || requests.storage === undefined) {
    if (!hasDataSource) errs.push(fieldErrors.required(`${p}.resources[storage]`));
  } else {
    errs.push(...validateStorageQuantity(requests.storage, `${p}.resources[storage]`));
  }
  if (spec.volumeMode !== undefined && spec.volumeMode !== null && !['Block', 'Filesystem'].includes(s(spec.volumeMode))) {
    errs.push(fieldErrors.notSupported(`${p}.volumeMode`, spec.volumeMode, ['Block', 'Filesystem']));
  }
  if (s(spec.storageClassName)) errs.push(...validateNameWith(nameIsDNSSubdomain, s(spec.storageClassName), `${p}.storageClassName`));
  return errs;
}

const storageRequest = (spec: J): unknown => (isObj(spec.resources) && isObj(spec.resources.requests) ? spec.resources.requests.storage : undefined);

export const pvcRules: KindRules = {
  create: (o) => validateClaimSpec(o.spec, 'spec'),
  update(o, old) {
    const errs = validateClaimSpec(o.spec, 'spec');
    const spec: J = isObj(o.spec) ? o.spec : {};
    const oldSpec: J = isObj(old.spec) ? old.spec : {};
    const status: J = isObj(o.status) ? o.status : isObj(old.status) ? old.status : {};
    const bound = status.phase === 'Bound';
    // The binder sets volumeName once; a bound claim may change its storage request (expansion)
    // and its attributes class. Everything else in the spec is fixed.
    const mask = (x: J, from: J): J => {
      const out: J = { ...x, volumeAttributesClassName: undefined };
      if (!s(oldSpec.volumeName)) out.volumeName = undefined;
      if (bound) {
        const res: J = isObj(x.resources) ? { ...x.resources } : {};
        const req: J = isObj(res.requests) ? { ...res.requests } : {};
        req.storage = storageRequest(from);
        res.requests = req;
        out.resources = res;
      }
      return out;
    };
    if (!specEqual(mask(spec, oldSpec), mask(oldSpec, oldSpec))) {
      errs.push(fieldErrors.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
    }
    const now = quantityValue(storageRequest(spec));
    const was = quantityValue(storageRequest(oldSpec));
    const capacity = quantityValue(isObj(isObj(old.status) ? old.status.capacity : undefined) ? ((old.status as J).capacity as J).storage : undefined) ?? 0;
    // Shrinking is allowed only back down towards (not to) the recorded capacity, to recover from a failed expansion.
    if (now !== undefined && was !== undefined && now < was && now <= capacity) {
      errs.push(fieldErrors.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
    return errs;
  },
};

const pvSources = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi', 'iscsi',
];

function validatePV(o: J): FieldError[] {
  if (!isObj(o.spec)) return [fieldErrors.required('spec')];
  const spec = o.spec;
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes', '');
  const cap = isObj(spec.capacity) ? spec.capacity : undefined;
  if (!cap || Object.keys(cap).length === 0) errs.push(fieldErrors.required('spec.capacity'));
  else if (cap.storage === undefined || Object.keys(cap).length > 1) errs.push(fieldErrors.notSupported('spec.capacity', cap, ['storage']));
  else errs.push(...validateStorageQuantity(cap.storage, 'spec.capacity[storage]'));
  if (spec.persistentVolumeReclaimPolicy !== undefined && !['Delete', 'Recycle', 'Retain'].includes(s(spec.persistentVolumeReclaimPolicy))) {
    errs.push(fieldErrors.notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain']));
  }
  const present = pvSources.filter((k) => spec[k] !== undefined && spec[k] !== null);
  if (present.length === 0) errs.push(fieldErrors.required('spec', 'must specify a volume type'));
  for (const k of present.slice(1)) errs.push(fieldErrors.forbidden(`spec.${k}`, 'may not specify more than 1 volume type'));
  const first = present[0];
  const src = first ? spec[first] : undefined;
  if ((first === 'hostPath' || first === 'local') && isObj(src) && !s(src.path)) errs.push(fieldErrors.required(`spec.${first}.path`));
  if (first === 'local' && !isObj(spec.nodeAffinity)) errs.push(fieldErrors.required('spec.nodeAffinity', 'Local volume requires node affinity'));
  if (first === 'csi' && isObj(src)) {
    if (!s(src.driver)) errs.push(fieldErrors.required('spec.csi.driver'));
    if (!s(src.volumeHandle)) errs.push(fieldErrors.required('spec.csi.volumeHandle'));
  }
  if (s(spec.storageClassName)) errs.push(...validateNameWith(nameIsDNSSubdomain, s(spec.storageClassName), 'spec.storageClassName'));
  return errs;
}

export const pvRules: KindRules = {
  create: validatePV,
  update(o, old) {
    const errs = validatePV(o);
    const spec: J = isObj(o.spec) ? o.spec : {};
    const oldSpec: J = isObj(old.spec) ? old.spec : {};
    for (const k of pvSources) {
      if (!semanticEqual(spec[k], oldSpec[k])) { errs.push(fieldErrors.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation')); break; }
    }
    if (!semanticEqual(spec.volumeMode, oldSpec.volumeMode)) errs.push(fieldErrors.invalid('spec.volumeMode', spec.volumeMode ?? null, 'field is immutable'));
    return errs;
  },
};
