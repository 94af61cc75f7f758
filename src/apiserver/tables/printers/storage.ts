// Storage: PersistentVolumes, PersistentVolumeClaims, StorageClasses and the CSI kinds.

import { Quantity } from '../../../api/quantity.js';
import type { KubeObject } from '../../../api/types.js';
import { ageColumn, col, nameColumn } from '../columns.js';
import { accessModes, age, arr, bool, name, obj, spec, status, str, strs } from '../format.js';
import type { Printer } from '../types.js';

const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

function storageQuantity(list: unknown): string {
  const v = obj(list).storage;
  const q = typeof v === 'string' || typeof v === 'number' ? Quantity.tryParse(v) : undefined;
  return q ? q.toString() : '0';
}

/** The beta annotation wins over spec.storageClassName, as upstream's helpers read it. */
function storageClassOf(o: KubeObject): string {
  const ann = o.metadata?.annotations?.[betaStorageClassAnnotation];
  return ann !== undefined ? ann : str(spec(o).storageClassName);
}

export const persistentVolumePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Capacity', 'string', 'The storage capacity of the volume.'),
    col('Access Modes', 'string', 'How the volume can be mounted.'),
    col('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    col('Status', 'string', 'The phase of the volume.'),
    col('Claim', 'string', 'The claim bound to the volume.'),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', 'Why the volume is in its phase.'),
    ageColumn(),
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    const claim = s.claimRef ? `${str(obj(s.claimRef).namespace)}/${str(obj(s.claimRef).name)}` : '';
    const phase = o.metadata?.deletionTimestamp ? 'Terminating' : str(status(o).phase);
    return {
      cells: [
        name(o), storageQuantity(s.capacity), accessModes(s.accessModes), str(s.persistentVolumeReclaimPolicy), phase, claim,
        storageClassOf(o), str(s.volumeAttributesClassName) || '<unset>', str(status(o).reason), age(o, ctx), str(s.volumeMode) || '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'The phase of the claim.'),
    col('Volume', 'string', 'The volume bound to the claim.'),
    col('Capacity', 'string', 'The capacity of the bound volume.'),
    col('Access Modes', 'string', 'How the bound volume can be mounted.'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    const st = status(o);
    const phase = o.metadata?.deletionTimestamp ? 'Terminating' : str(st.phase);
    const bound = str(s.volumeName) !== '';
    return {
      cells: [
        name(o), phase, str(s.volumeName), bound ? storageQuantity(st.capacity) : '', bound ? accessModes(st.accessModes) : '',
        storageClassOf(o), str(s.volumeAttributesClassName) || '<unset>', age(o, ctx), str(s.volumeMode) || '<unset>',
      ],
    };
  },
};

const defaultClassAnnotations = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Provisioner', 'string', 'The volume plugin that provisions volumes of this class.'),
    col('ReclaimPolicy', 'string', 'Reclaim policy of volumes provisioned for this class.'),
    col('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    col('AllowVolumeExpansion', 'string', 'Whether claims of this class may grow.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const isDefault = defaultClassAnnotations.some((a) => o.metadata?.annotations?.[a] === 'true');
    return {
      cells: [
        isDefault ? `${name(o)} (default)` : name(o), str(o.provisioner), str(o.reclaimPolicy) || 'Delete',
        str(o.volumeBindingMode) || 'Immediate', bool(o.allowVolumeExpansion), age(o, ctx),
      ],
    };
  },
};

export const csiDriverPrinter: Printer = {
  columns: [
    nameColumn(),
    col('AttachRequired', 'boolean', 'Whether volumes need an attach step.'),
    col('PodInfoOnMount', 'boolean', 'Whether pod information is passed on mount.'),
    col('StorageCapacity', 'boolean', 'Whether the driver reports storage capacity.'),
    col('TokenRequests', 'string', 'Audiences of service account tokens passed to the driver.'),
    col('RequiresRepublish', 'boolean', 'Whether volumes are periodically republished.'),
    col('Modes', 'string', 'Supported volume lifecycle modes.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    const modes = strs(s.volumeLifecycleModes).join(',') || '<none>';
    const tokenRequests = Array.isArray(s.tokenRequests) ? arr(s.tokenRequests).map((t) => str(t.audience)).join(',') : '<unset>';
    return {
      cells: [
        name(o), s.attachRequired === undefined ? true : bool(s.attachRequired), bool(s.podInfoOnMount), bool(s.storageCapacity),
        tokenRequests, bool(s.requiresRepublish), modes, age(o, ctx),
      ],
    };
  },
};

export const csiNodePrinter: Printer = {
  columns: [nameColumn(), col('Drivers', 'integer', 'Number of CSI drivers registered on the node.'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), arr(spec(o).drivers).length, age(o, ctx)] }),
};

export const csiStorageCapacityPrinter: Printer = {
  columns: [
    nameColumn(),
    col('StorageClassName', 'string', 'The storage class the capacity applies to.'),
    col('Capacity', 'string', 'The reported capacity.'),
  ],
  print: (o) => {
    const q = typeof o.capacity === 'string' ? Quantity.tryParse(o.capacity) : undefined;
    return { cells: [name(o), str(o.storageClassName), q ? q.toString() : '<unset>'] };
  },
};

export const volumeAttachmentPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Attacher', 'string', 'The driver that attaches the volume.', 0, 'name'),
    col('PV', 'string', 'The persistent volume being attached.'),
    col('Node', 'string', 'The node the volume is attached to.'),
    col('Attached', 'boolean', 'Whether the attach operation succeeded.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    return { cells: [name(o), str(s.attacher), str(obj(s.source).persistentVolumeName), str(s.nodeName), bool(status(o).attached), age(o, ctx)] };
  },
};

