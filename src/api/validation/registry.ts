// Which rules apply to which built-in kind, keyed by "<group>/<Kind>" (core group is "").
import { daemonSetRules, deploymentRules, replicaSetRules, replicationControllerRules, podTemplateRules, statefulSetRules, controllerRevisionRules } from './apps/workloads.js';
import { cronJobRules } from './batch/cronjob.js';
import { jobRules } from './batch/job.js';
import { endpointsRules, eventRules, eventsV1Rules, namespaceRules, nodeRules, serviceAccountRules } from './core/cluster.js';
import { configMapRules, secretRules } from './core/config.js';
import { validatePod, validatePodUpdate } from './core/pod.js';
import { validatePodStatusUpdate } from './core/pod-status.js';
import { serviceRules } from './core/service.js';
import { limitRangeRules, resourceQuotaRules } from './core/policy.js';
import { pvcRules, pvRules } from './core/volume-claims.js';
import { otherRules } from './other/index.js';
import type { KindRules } from './rules.js';

const podRules: KindRules = {
  create: (o) => validatePod(o),
  update: (o, old) => validatePodUpdate(o, old),
  status: (o, old) => validatePodStatusUpdate(o, old),
};

const builtin: Record<string, KindRules> = {
  '/Pod': podRules,
  '/Service': serviceRules,
  '/ConfigMap': configMapRules,
  '/Secret': secretRules,
  '/Namespace': namespaceRules,
  '/Node': nodeRules,
  '/ServiceAccount': serviceAccountRules,
  '/Event': eventRules,
  '/Endpoints': endpointsRules,
  '/PersistentVolumeClaim': pvcRules,
  '/PersistentVolume': pvRules,
  '/ReplicationController': replicationControllerRules,
  '/PodTemplate': podTemplateRules,
  '/ResourceQuota': resourceQuotaRules,
  '/LimitRange': limitRangeRules,
  'apps/Deployment': deploymentRules,
  'apps/ReplicaSet': replicaSetRules,
  'apps/StatefulSet': statefulSetRules,
  'apps/DaemonSet': daemonSetRules,
  'apps/ControllerRevision': controllerRevisionRules,
  'batch/Job': jobRules,
  'batch/CronJob': cronJobRules,
  'events.k8s.io/Event': eventsV1Rules,
  ...otherRules,
};

export function rulesFor(group: string, kind: string): KindRules | undefined {
  return builtin[`${group}/${kind}`];
}

/** Every group/kind with rules, as [group, kind] pairs (for tests and diagnostics). */
export function registeredKinds(): [string, string][] {
  return Object.keys(builtin).map((k) => {
    const i = k.lastIndexOf('/');
    return [k.slice(0, i), k.slice(i + 1)];
  });
}
