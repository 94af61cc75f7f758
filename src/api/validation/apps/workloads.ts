// Deployments, ReplicaSets, StatefulSets, DaemonSets and ReplicationControllers
// (upstream's pkg/apis/apps/validation and ValidateReplicationController).
import { FieldError, fieldErrors } from '../../errors.js';
import { intOrPercentValue, isNotMoreThan100Percent, validateImmutableSelector, validateIntOrPercent, validateLabels, validateNonnegative } from '../common.js';
import { validatePodTemplateSpec } from '../core/pod.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, semanticEqual, specEqual, type J } from '../value.js';
import { mismatchError, templateLabels, validateControllerTemplate, validateWorkloadSelector } from './template.js';

const specOf = (o: J): J => (isObj(o.spec) ? o.spec : {});

function validateRollingUpdate(ru: unknown, p: string): FieldError[] {
  if (!isObj(ru)) return [];
  const errs = [...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`)];
  if ((intOrPercentValue(ru.maxUnavailable) ?? 0) === 0 && (intOrPercentValue(ru.maxSurge) ?? 0) === 0) {
    errs.push(fieldErrors.invalid(`${p}.maxUnavailable`, ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
  return errs;
}

function validateDeployment(o: J): FieldError[] {
  const spec = specOf(o);
  const errs = validateNonnegative(spec.replicas, 'spec.replicas');
  errs.push(...validateWorkloadSelector(spec, 'deployment', { required: true }));
  errs.push(...validateControllerTemplate(spec, 'ReplicaSet'));
  const st: J = isObj(spec.strategy) ? spec.strategy : {};
  switch (st.type) {
    case 'Recreate':
      if (st.rollingUpdate !== undefined && st.rollingUpdate !== null) errs.push(fieldErrors.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate':
      if (!isObj(st.rollingUpdate)) errs.push(fieldErrors.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
      else errs.push(...validateRollingUpdate(st.rollingUpdate, 'spec.strategy.rollingUpdate'));
      break;
    default:
      errs.push(fieldErrors.notSupported('spec.strategy', spec.strategy ?? null, ['Recreate', 'RollingUpdate']));
  }
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = spec.progressDeadlineSeconds;
  if (typeof pds === 'number') {
    errs.push(...validateNonnegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0)) {
      errs.push(fieldErrors.invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

function validateReplicaStatus(o: J): FieldError[] {
  const st: J = isObj(o.status) ? o.status : {};
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas', 'fullyLabeledReplicas', 'unavailableReplicas', 'observedGeneration', 'currentReplicas', 'collisionCount']) {
    errs.push(...validateNonnegative(st[f], `status.${f}`));
  }
  const replicas = typeof st.replicas === 'number' ? st.replicas : 0;
  for (const f of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas', 'updatedReplicas', 'currentReplicas']) {
    if (typeof st[f] === 'number' && (st[f] as number) > replicas) errs.push(fieldErrors.invalid(`status.${f}`, st[f], 'cannot be greater than status.replicas'));
  }
  if (typeof st.availableReplicas === 'number' && typeof st.readyReplicas === 'number' && st.availableReplicas > st.readyReplicas) {
    errs.push(fieldErrors.invalid('status.availableReplicas', st.availableReplicas, 'cannot be greater than readyReplicas'));
  }
  return errs;
}

const selectorImmutable = (o: J, old: J) => validateImmutableSelector(specOf(o).selector, specOf(old).selector, 'spec.selector');

export const deploymentRules: KindRules = {
  create: validateDeployment,
  update: (o, old) => [...validateDeployment(o), ...selectorImmutable(o, old)],
  status: validateReplicaStatus,
};

function validateReplicaSet(o: J): FieldError[] {
  const spec = specOf(o);
  const errs = validateNonnegative(spec.replicas, 'spec.replicas');
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateWorkloadSelector(spec, 'deployment', { required: true }));
  errs.push(...validateControllerTemplate(spec, 'ReplicaSet'));
  return errs;
}

export const replicaSetRules: KindRules = {
  create: validateReplicaSet,
  update: (o, old) => [...validateReplicaSet(o), ...selectorImmutable(o, old)],
  status: validateReplicaStatus,
};

/** A DaemonSet surges or drops pods on a node, never both (exactly one of the two is non-zero). */
function validateDaemonSetRollingUpdate(ru: J, p: string): FieldError[] {
  const errs = [...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`)];
  errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`), ...isNotMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`));
  const unavailable = (intOrPercentValue(ru.maxUnavailable) ?? 0) !== 0;
  const surge = (intOrPercentValue(ru.maxSurge) ?? 0) !== 0;
  if (unavailable && surge) errs.push(fieldErrors.invalid(`${p}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  else if (!unavailable && !surge) errs.push(fieldErrors.required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function validateDaemonSet(o: J): FieldError[] {
  const spec = specOf(o);
  const errs = validateWorkloadSelector(spec, 'daemonset', { required: false });
  errs.push(...validateControllerTemplate(spec, 'DaemonSet'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const us: J = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
  switch (us.type) {
    case 'OnDelete':
      break;
    case 'RollingUpdate':
      if (!isObj(us.rollingUpdate)) errs.push(fieldErrors.required('spec.updateStrategy.rollingUpdate'));
      else errs.push(...validateDaemonSetRollingUpdate(us.rollingUpdate, 'spec.updateStrategy.rollingUpdate'));
      break;
    default:
      errs.push(fieldErrors.notSupported('spec.updateStrategy', spec.updateStrategy ?? null, ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}

export const daemonSetRules: KindRules = {
  create: validateDaemonSet,
  update: (o, old) => [...validateDaemonSet(o), ...selectorImmutable(o, old)],
  status(o) {
    const st: J = isObj(o.status) ? o.status : {};
    const errs: FieldError[] = [];
    for (const f of ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount']) {
      errs.push(...validateNonnegative(st[f], `status.${f}`));
    }
    return errs;
  },
};

function validateStatefulSet(o: J): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const pmp = s(spec.podManagementPolicy);
  if (!pmp) errs.push(fieldErrors.required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(fieldErrors.invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us: J = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
  switch (s(us.type)) {
    case '':
      errs.push(fieldErrors.required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (us.rollingUpdate !== undefined && us.rollingUpdate !== null) errs.push(fieldErrors.invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (isObj(us.rollingUpdate)) errs.push(...validateNonnegative(us.rollingUpdate.partition, 'spec.updateStrategy.rollingUpdate.partition'));
      break;
    default:
      errs.push(fieldErrors.invalid('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateWorkloadSelector(spec, 'statefulset', { required: true }));
  errs.push(...validateControllerTemplate(spec, 'StatefulSet', { podSpec: false }));
  const pol = spec.persistentVolumeClaimRetentionPolicy;
  if (isObj(pol)) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      if (pol[f] !== undefined && pol[f] !== 'Retain' && pol[f] !== 'Delete') errs.push(fieldErrors.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, pol[f], ['Retain', 'Delete']));
    }
  }
  (arr(spec.volumeClaimTemplates) ?? []).forEach((t, i) => {
    if (!isObj(t) || !isObj(t.metadata) || !s(t.metadata.name)) errs.push(fieldErrors.required(`spec.volumeClaimTemplates[${i}].metadata.name`));
  });
  return errs;
}

// The StatefulSet spec fields an update may change (upstream's ValidateStatefulSetUpdate).
const mutableStatefulSetFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export const statefulSetRules: KindRules = {
  create: validateStatefulSet,
  update(o, old) {
    const errs = validateStatefulSet(o);
    const a: J = { ...specOf(o) };
    const b: J = { ...specOf(old) };
    for (const f of mutableStatefulSetFields) { delete a[f]; delete b[f]; }
    if (!specEqual(a, b)) {
      errs.push(fieldErrors.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
    return errs;
  },
  status: validateReplicaStatus,
};

function validateReplicationController(o: J): FieldError[] {
  const spec = specOf(o);
  const errs = validateNonnegative(spec.replicas, 'spec.replicas');
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const sel = isObj(spec.selector) ? spec.selector : {};
  if (Object.keys(sel).length === 0) errs.push(fieldErrors.required('spec.selector'));
  else errs.push(...validateLabels(sel, 'spec.selector'));
  const tpl = spec.template;
  if (tpl === undefined || tpl === null) {
    errs.push(fieldErrors.required('spec.template'));
    return errs;
  }
  const labels = templateLabels(tpl) ?? {};
  if (Object.keys(sel).length > 0 && !Object.entries(sel).every(([k, v]) => labels[k] === v)) {
    errs.push(mismatchError('spec.template.metadata.labels', templateLabels(tpl)));
  }
  errs.push(...validatePodTemplateSpec(tpl, 'spec.template'));
  const podSpec: J = isObj(tpl) && isObj(tpl.spec) ? tpl.spec : {};
  if (podSpec.restartPolicy !== 'Always') errs.push(fieldErrors.notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy ?? '', ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(fieldErrors.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

export const replicationControllerRules: KindRules = {
  create: validateReplicationController,
  status: validateReplicaStatus,
};

export const podTemplateRules: KindRules = {
  create: (o) => validatePodTemplateSpec(o.template, 'template'),
};

export const controllerRevisionRules: KindRules = {
  create(o) {
    const errs: FieldError[] = [];
    if (o.data === undefined || o.data === null) errs.push(fieldErrors.required('data', 'data is mandatory'));
    errs.push(...validateNonnegative(o.revision, 'revision'));
    return errs;
  },
  update(o, old) {
    const errs = this.create!(o, { group: 'apps', version: 'v1', kind: 'ControllerRevision', namespaced: true });
    if (!semanticEqual(o.data, old.data)) errs.push(fieldErrors.invalid('data', null, 'field is immutable'));
    return errs;
  },
};

