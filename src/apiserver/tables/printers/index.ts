// Which printer serves which resource, keyed by "<group>/<resource>".

import type { Printer } from '../types.js';
import { podPrinter } from './pods.js';
import {
  controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, podTemplatePrinter, replicaSetPrinter,
  replicationControllerPrinter, statefulSetPrinter,
} from './workloads.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import {
  componentStatusPrinter, configMapPrinter, endpointsPrinter, limitRangePrinter, namespacePrinter, nodePrinter,
  resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core.js';
import { eventPrinter } from './events.js';
import {
  csiDriverPrinter, csiNodePrinter, csiStorageCapacityPrinter, persistentVolumeClaimPrinter, persistentVolumePrinter,
  storageClassPrinter, volumeAttachmentPrinter,
} from './storage.js';
import { endpointSlicePrinter, ingressClassPrinter, ingressPrinter, ipAddressPrinter, networkPolicyPrinter, serviceCIDRPrinter } from './networking.js';
import {
  certificateSigningRequestPrinter, clusterRoleBindingPrinter, horizontalPodAutoscalerPrinter, leasePrinter,
  podDisruptionBudgetPrinter, priorityClassPrinter, roleBindingPrinter, runtimeClassPrinter,
  validatingAdmissionPolicyBindingPrinter, validatingAdmissionPolicyPrinter, webhookConfigurationPrinter,
} from './cluster.js';

export const builtinPrinters: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/pods', podPrinter],
  ['/podtemplates', podTemplatePrinter],
  ['/replicationcontrollers', replicationControllerPrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/nodes', nodePrinter],
  ['/namespaces', namespacePrinter],
  ['/configmaps', configMapPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/events', eventPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['/resourcequotas', resourceQuotaPrinter],
  ['/limitranges', limitRangePrinter],
  ['/componentstatuses', componentStatusPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['batch/jobs', jobPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerPrinter],
  ['policy/poddisruptionbudgets', podDisruptionBudgetPrinter],
  ['events.k8s.io/events', eventPrinter],
  ['networking.k8s.io/ingresses', ingressPrinter],
  ['networking.k8s.io/ingressclasses', ingressClassPrinter],
  ['networking.k8s.io/networkpolicies', networkPolicyPrinter],
  ['networking.k8s.io/servicecidrs', serviceCIDRPrinter],
  ['networking.k8s.io/ipaddresses', ipAddressPrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
  ['storage.k8s.io/csidrivers', csiDriverPrinter],
  ['storage.k8s.io/csinodes', csiNodePrinter],
  ['storage.k8s.io/csistoragecapacities', csiStorageCapacityPrinter],
  ['storage.k8s.io/volumeattachments', volumeAttachmentPrinter],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingPrinter],
  ['certificates.k8s.io/certificatesigningrequests', certificateSigningRequestPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['scheduling.k8s.io/priorityclasses', priorityClassPrinter],
  ['node.k8s.io/runtimeclasses', runtimeClassPrinter],
  ['admissionregistration.k8s.io/mutatingwebhookconfigurations', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/validatingwebhookconfigurations', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/validatingadmissionpolicies', validatingAdmissionPolicyPrinter],
  ['admissionregistration.k8s.io/validatingadmissionpolicybindings', validatingAdmissionPolicyBindingPrinter],
]);
