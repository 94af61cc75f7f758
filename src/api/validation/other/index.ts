// Rules for the built-in kinds outside core, apps and batch, keyed like registry.ts.
import type { KindRules } from '../rules.js';
import { mutatingWebhookRules, validatingWebhookRules } from './admission.js';
import { crdRules } from './apiextensions.js';
import { hpaRules } from './autoscaling.js';
import { endpointSliceRules, leaseRules, priorityClassRules, runtimeClassRules, storageClassRules } from './misc.js';
import { ingressClassRules, ingressRules, networkPolicyRules } from './networking.js';
import { pdbRules } from './policy.js';
import { clusterRoleBindingRules, clusterRoleRules, roleBindingRules, roleRules } from './rbac.js';

export const otherRules: Record<string, KindRules> = {
  'rbac.authorization.k8s.io/Role': roleRules,
  'rbac.authorization.k8s.io/ClusterRole': clusterRoleRules,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingRules,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingRules,
  'networking.k8s.io/NetworkPolicy': networkPolicyRules,
  'networking.k8s.io/Ingress': ingressRules,
  'networking.k8s.io/IngressClass': ingressClassRules,
  'autoscaling/HorizontalPodAutoscaler': hpaRules,
  'policy/PodDisruptionBudget': pdbRules,
  'coordination.k8s.io/Lease': leaseRules,
  'scheduling.k8s.io/PriorityClass': priorityClassRules,
  'storage.k8s.io/StorageClass': storageClassRules,
  'discovery.k8s.io/EndpointSlice': endpointSliceRules,
  'node.k8s.io/RuntimeClass': runtimeClassRules,
  'apiextensions.k8s.io/CustomResourceDefinition': crdRules,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': validatingWebhookRules,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': mutatingWebhookRules,
};
