// The built-in resources, with the names, scopes, verbs and subresources kube-apiserver 1.32/1.33
// reports in discovery (api/discovery/*.json upstream). kubectl relies on these facts: short names
// and categories (`get all`), pods/eviction as policy/v1 Eviction (drain), */scale as
// autoscaling/v1 Scale, serviceaccounts/token as authentication.k8s.io/v1 TokenRequest.

import type { ResourceInfo, SubresourceInfo, Verb } from './types.js';

const crud: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** Namespaces cannot be deleted as a collection (upstream leaves deletecollection out). */
const crudNoCollection: Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const getPatchUpdate = ['get', 'patch', 'update'];
const proxyVerbs = ['create', 'delete', 'get', 'patch', 'update'];

const status: SubresourceInfo = { name: 'status', verbs: getPatchUpdate };
const scale: SubresourceInfo = { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: getPatchUpdate };

interface Spec {
  resource: string;
  kind: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: SubresourceInfo[];
  storageVersion?: string;
  virtual?: boolean;
}

function groupVersion(group: string, version: string, specs: Spec[]): ResourceInfo[] {
  return specs.map((s) => {
    const info: ResourceInfo = {
      group,
      version,
      resource: s.resource,
      singular: s.singular ?? s.kind.toLowerCase(),
      kind: s.kind,
      listKind: `${s.kind}List`,
      namespaced: s.namespaced,
      verbs: s.verbs ?? crud,
    };
    if (s.shortNames) info.shortNames = s.shortNames;
    if (s.categories) info.categories = s.categories;
    if (s.subresources) info.subresources = s.subresources;
    if (s.storageVersion) info.storageVersion = s.storageVersion;
    if (s.virtual) info.virtual = true;
    return info;
  });
}

/** Reviews: virtual, create-only, answered in the response body and never stored. */
function review(kind: string, resource: string, namespaced = false): Spec {
  return { resource, kind, namespaced, verbs: ['create'], virtual: true };
}

const all = ['all'];
const apiExtensions = ['api-extensions'];

const core = groupVersion('', 'v1', [
  { resource: 'bindings', kind: 'Binding', namespaced: true, verbs: ['create'] },
  { resource: 'componentstatuses', kind: 'ComponentStatus', namespaced: false, shortNames: ['cs'], verbs: ['get', 'list'] },
  { resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { resource: 'endpoints', kind: 'Endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'] },
  { resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { resource: 'limitranges', kind: 'LimitRange', namespaced: true, shortNames: ['limits'] },
  {
    resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], verbs: crudNoCollection,
    subresources: [{ name: 'finalize', verbs: ['update'] }, status],
  },
  {
    resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'],
    subresources: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: proxyVerbs }, status],
  },
  { resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true, shortNames: ['pvc'], subresources: [status] },
  { resource: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], subresources: [status] },
  {
    resource: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: all,
    subresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', verbs: getPatchUpdate },
      { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: proxyVerbs },
      { name: 'resize', verbs: getPatchUpdate },
      status,
    ],
  },
  { resource: 'podtemplates', kind: 'PodTemplate', namespaced: true },
  {
    resource: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true, shortNames: ['rc'], categories: all,
    subresources: [scale, status],
  },
  { resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true, shortNames: ['quota'], subresources: [status] },
  { resource: 'secrets', kind: 'Secret', namespaced: true },
  {
    resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'],
    subresources: [{ name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] }],
  },
  {
    resource: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: all,
    subresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: proxyVerbs }, status],
  },
]);

const apps = groupVersion('apps', 'v1', [
  { resource: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true },
  { resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: all, subresources: [status] },
  { resource: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: all, subresources: [scale, status] },
  { resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: all, subresources: [scale, status] },
  { resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: all, subresources: [scale, status] },
]);

const batch = groupVersion('batch', 'v1', [
  { resource: 'cronjobs', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: all, subresources: [status] },
  { resource: 'jobs', kind: 'Job', namespaced: true, categories: all, subresources: [status] },
]);

// HorizontalPodAutoscalers are served in autoscaling/v1 and v2 from one stored (v2) form; the
// categories belong to that one storage upstream, so both versions list the same ones (1.32 has
// only `all`; the `podautoscalers` category came later).
const hpa: Spec = {
  resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, shortNames: ['hpa'],
  categories: all, subresources: [status], storageVersion: 'v2',
};
const autoscalingV1 = groupVersion('autoscaling', 'v1', [hpa]);
const autoscalingV2 = groupVersion('autoscaling', 'v2', [hpa]);

const networking = groupVersion('networking.k8s.io', 'v1', [
  { resource: 'ingressclasses', kind: 'IngressClass', namespaced: false },
  { resource: 'ingresses', kind: 'Ingress', namespaced: true, shortNames: ['ing'], subresources: [status] },
  { resource: 'ipaddresses', kind: 'IPAddress', namespaced: false, shortNames: ['ip'] },
  { resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, shortNames: ['netpol'] },
  { resource: 'servicecidrs', kind: 'ServiceCIDR', namespaced: false, subresources: [status] },
]);

const policy = groupVersion('policy', 'v1', [
  { resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'], subresources: [status] },
]);

const rbac = groupVersion('rbac.authorization.k8s.io', 'v1', [
  { resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  { resource: 'clusterroles', kind: 'ClusterRole', namespaced: false },
  { resource: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  { resource: 'roles', kind: 'Role', namespaced: true },
]);

const storage = groupVersion('storage.k8s.io', 'v1', [
  { resource: 'csidrivers', kind: 'CSIDriver', namespaced: false },
  { resource: 'csinodes', kind: 'CSINode', namespaced: false },
  { resource: 'csistoragecapacities', kind: 'CSIStorageCapacity', namespaced: true },
  { resource: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] },
  { resource: 'volumeattachments', kind: 'VolumeAttachment', namespaced: false, subresources: [status] },
]);

const coordination = groupVersion('coordination.k8s.io', 'v1', [
  { resource: 'leases', kind: 'Lease', namespaced: true },
]);

const discovery = groupVersion('discovery.k8s.io', 'v1', [
  { resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
]);

const events = groupVersion('events.k8s.io', 'v1', [
  { resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
]);

const scheduling = groupVersion('scheduling.k8s.io', 'v1', [
  { resource: 'priorityclasses', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] },
]);

const node = groupVersion('node.k8s.io', 'v1', [
  { resource: 'runtimeclasses', kind: 'RuntimeClass', namespaced: false },
]);

const certificates = groupVersion('certificates.k8s.io', 'v1', [
  {
    resource: 'certificatesigningrequests', kind: 'CertificateSigningRequest', namespaced: false, shortNames: ['csr'],
    subresources: [{ name: 'approval', verbs: getPatchUpdate }, status],
  },
]);

const admissionRegistration = groupVersion('admissionregistration.k8s.io', 'v1', [
  { resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false, categories: apiExtensions },
  { resource: 'validatingadmissionpolicies', kind: 'ValidatingAdmissionPolicy', namespaced: false, categories: apiExtensions, subresources: [status] },
  { resource: 'validatingadmissionpolicybindings', kind: 'ValidatingAdmissionPolicyBinding', namespaced: false, categories: apiExtensions },
  { resource: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false, categories: apiExtensions },
]);

const apiExtensionsV1 = groupVersion('apiextensions.k8s.io', 'v1', [
  {
    resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, shortNames: ['crd', 'crds'],
    categories: apiExtensions, subresources: [status],
  },
]);

const authentication = groupVersion('authentication.k8s.io', 'v1', [
  review('SelfSubjectReview', 'selfsubjectreviews'),
  review('TokenReview', 'tokenreviews'),
]);

const authorization = groupVersion('authorization.k8s.io', 'v1', [
  review('LocalSubjectAccessReview', 'localsubjectaccessreviews', true),
  review('SelfSubjectAccessReview', 'selfsubjectaccessreviews'),
  review('SelfSubjectRulesReview', 'selfsubjectrulesreviews'),
  review('SubjectAccessReview', 'subjectaccessreviews'),
]);

/** Every built-in resource, grouped in discovery order (core first, then groups as upstream lists them). */
export const builtinResources: ResourceInfo[] = [
  ...core,
  ...apps,
  ...events,
  ...authentication,
  ...authorization,
  ...autoscalingV2,
  ...autoscalingV1,
  ...batch,
  ...certificates,
  ...networking,
  ...policy,
  ...rbac,
  ...storage,
  ...admissionRegistration,
  ...apiExtensionsV1,
  ...scheduling,
  ...coordination,
  ...node,
  ...discovery,
];

/** The served entry for group/version/resource (plural name), or undefined. */
export function findResource(group: string, version: string, resource: string, resources: readonly ResourceInfo[] = builtinResources): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The served entry for group/version/kind, or undefined. */
export function findByKind(group: string, version: string, kind: string, resources: readonly ResourceInfo[] = builtinResources): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.kind === kind);
}

/** Entries keyed by apiVersion ("v1", "apps/v1", …), in catalog order: what discovery serves per group version. */
export function resourcesByGroupVersion(resources: readonly ResourceInfo[] = builtinResources): Map<string, ResourceInfo[]> {
  const out = new Map<string, ResourceInfo[]>();
  for (const r of resources) {
    const gv = r.group === '' ? r.version : `${r.group}/${r.version}`;
    let list = out.get(gv);
    if (!list) out.set(gv, (list = []));
    list.push(r);
  }
  return out;
}

/**
 * Storage key prefix of a resource: `/registry/<group or "core">/<resource>/`. The version is not part
 * of the key, so every served version of a resource (autoscaling/v1 and v2 HPAs) shares its objects.
 * Namespaced keys continue with `<namespace>/<name>`, cluster-scoped ones with `<name>`.
 */
export function storagePrefix(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return `/registry/${info.group || 'core'}/${info.resource}/`;
}
