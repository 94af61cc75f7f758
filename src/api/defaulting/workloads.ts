// apps/v1 and ReplicationController defaults (upstream's pkg/apis/apps/v1/defaults.go and
// SetDefaults_ReplicationController).
import { defaultPodTemplateSpec } from './pod.js';
import { child, existing, isObj, items, setIfEmpty, setIfUnset, type J } from './util.js';
import { defaultClaimTemplate } from './core.js';

export function defaultDeployment(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  setIfUnset(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  if (strategy) {
    setIfEmpty(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        setIfUnset(ru, 'maxUnavailable', '25%');
        setIfUnset(ru, 'maxSurge', '25%');
      }
    }
  }
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  setIfUnset(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(spec.template);
}

export function defaultReplicaSet(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  setIfUnset(spec, 'replicas', 1);
  defaultPodTemplateSpec(spec.template);
}

export function defaultStatefulSet(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  setIfEmpty(spec, 'podManagementPolicy', 'OrderedReady');
  const us = child(spec, 'updateStrategy');
  if (us) {
    if (us.type === undefined || us.type === null || us.type === '') {
      us.type = 'RollingUpdate';
      setIfUnset(us, 'rollingUpdate', {});
    }
    const ru = us.type === 'RollingUpdate' ? existing(us, 'rollingUpdate') : undefined;
    if (ru) setIfUnset(ru, 'partition', 0);
  }
  const pol = child(spec, 'persistentVolumeClaimRetentionPolicy');
  if (pol) {
    setIfEmpty(pol, 'whenDeleted', 'Retain');
    setIfEmpty(pol, 'whenScaled', 'Retain');
  }
  setIfUnset(spec, 'replicas', 1);
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(spec.template);
  for (const claim of items(spec, 'volumeClaimTemplates')) {
    // apps/v1 serves claim templates with their own apiVersion and kind (upstream's conversion
    // keeps this pre-1.17 behaviour).
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    defaultClaimTemplate(claim);
  }
}

export function defaultDaemonSet(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  const us = child(spec, 'updateStrategy');
  if (us) {
    setIfEmpty(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = child(us, 'rollingUpdate');
      if (ru) {
        setIfUnset(ru, 'maxUnavailable', 1);
        setIfUnset(ru, 'maxSurge', 0);
      }
    }
  }
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(spec.template);
}

export function defaultReplicationController(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  const tpl = existing(spec, 'template');
  const labels = tpl && isObj(tpl.metadata) && isObj(tpl.metadata.labels) ? tpl.metadata.labels : undefined;
  // The selector and the controller's own labels come from the template when left out.
  if (labels) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = child(o, 'metadata');
    if (meta && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...labels };
  }
  setIfUnset(spec, 'replicas', 1);
  defaultPodTemplateSpec(spec.template);
}

export function defaultPodTemplate(o: J): void {
  defaultPodTemplateSpec(o.template);
}
