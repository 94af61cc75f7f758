// Defaulting of built-in kinds, applied in place on every create and update body before
// validation: what upstream's SetDefaults_* functions (and a few conversions) put into the objects
// users read back with `kubectl get -o yaml`. Unknown kinds are left alone; odd input never throws.
// Quantities are rewritten in canonical form ("0.5" → "500m"). Not done here, because upstream does
// it elsewhere: Service IP allocation (clusterIP(s), ipFamilies, ipFamilyPolicy, nodePorts), the
// ServiceAccount / Priority / DefaultTolerationSeconds / DefaultStorageClass admission plugins,
// status reset on create.
import type { KubeObject } from '../types.js';
import { defaultCronJob, defaultJob } from './batch.js';
import { defaultEndpoints, defaultLimitRange, defaultNamespace, defaultNode, defaultPV, defaultPVC, defaultResourceQuota, defaultSecret, defaultService } from './core.js';
import { defaultCRD, defaultCSIDriver, defaultEndpointSlice, defaultHPA, defaultIngressClass, defaultNetworkPolicy, defaultPriorityClass, defaultRoleBinding, defaultRuntimeClass, defaultStorageClass, defaultWebhookConfiguration } from './other.js';
import { defaultPod } from './pod.js';
import type { J } from './util.js';
import { defaultDaemonSet, defaultDeployment, defaultPodTemplate, defaultReplicaSet, defaultReplicationController, defaultStatefulSet } from './workloads.js';

type Defaulter = (obj: J, version: string) => void;

const defaulters: Record<string, Defaulter> = {
  '/Pod': defaultPod,
  '/PodTemplate': defaultPodTemplate,
  '/ReplicationController': defaultReplicationController,
  '/Service': defaultService,
  '/Namespace': defaultNamespace,
  '/Secret': defaultSecret,
  '/PersistentVolumeClaim': defaultPVC,
  '/PersistentVolume': defaultPV,
  '/Node': defaultNode,
  '/Endpoints': defaultEndpoints,
  '/LimitRange': defaultLimitRange,
  '/ResourceQuota': defaultResourceQuota,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/StatefulSet': defaultStatefulSet,
  'apps/DaemonSet': defaultDaemonSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'autoscaling/HorizontalPodAutoscaler': defaultHPA,
  'networking.k8s.io/NetworkPolicy': defaultNetworkPolicy,
  'rbac.authorization.k8s.io/RoleBinding': defaultRoleBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultRoleBinding,
  'scheduling.k8s.io/PriorityClass': defaultPriorityClass,
  'storage.k8s.io/StorageClass': defaultStorageClass,
  'discovery.k8s.io/EndpointSlice': defaultEndpointSlice,
  'apiextensions.k8s.io/CustomResourceDefinition': defaultCRD,
  'node.k8s.io/RuntimeClass': defaultRuntimeClass,
  'networking.k8s.io/IngressClass': defaultIngressClass,
  'storage.k8s.io/CSIDriver': defaultCSIDriver,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': (o) => defaultWebhookConfiguration(o, false),
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': (o) => defaultWebhookConfiguration(o, true),
};

export function applyDefaults(group: string, version: string, kind: string, obj: KubeObject): void {
  const fn = defaulters[`${group}/${kind}`];
  if (!fn) return;
  try {
    fn(obj as J, version);
  } catch {
    // Defaulting is best effort on malformed bodies; validation reports what is wrong.
  }
}

