// The upstream packages kites serves, and where they live in the three source repositories.
// `group` is the API group ("" for core); packages without a group only supply shared types.

const api = (group, gv) => ({ package: `k8s.io.api.${gv.replace('/', '.')}`, file: `${group || 'core'}-${gv.split('/')[1]}`, root: 'api', source: 'k8s.io/api', dir: gv, group, version: gv.split('/')[1] });

export const PACKAGES = [
  api('', 'core/v1'),
  api('apps', 'apps/v1'),
  api('batch', 'batch/v1'),
  api('autoscaling', 'autoscaling/v1'),
  api('autoscaling', 'autoscaling/v2'),
  api('networking.k8s.io', 'networking/v1'),
  api('policy', 'policy/v1'),
  api('rbac.authorization.k8s.io', 'rbac/v1'),
  api('storage.k8s.io', 'storage/v1'),
  api('coordination.k8s.io', 'coordination/v1'),
  api('discovery.k8s.io', 'discovery/v1'),
  api('events.k8s.io', 'events/v1'),
  api('scheduling.k8s.io', 'scheduling/v1'),
  api('node.k8s.io', 'node/v1'),
  api('certificates.k8s.io', 'certificates/v1'),
  api('admissionregistration.k8s.io', 'admissionregistration/v1'),
  api('authentication.k8s.io', 'authentication/v1'),
  api('authorization.k8s.io', 'authorization/v1'),
  { package: 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1', file: 'apiextensions.k8s.io-v1', root: 'apiextensions', source: 'k8s.io/apiextensions-apiserver', dir: 'pkg/apis/apiextensions/v1', group: 'apiextensions.k8s.io', version: 'v1' },
  {
    package: 'k8s.io.apimachinery.pkg.apis.meta.v1', file: 'meta-v1', root: 'apimachinery', source: 'k8s.io/apimachinery', dir: 'pkg/apis/meta/v1', group: 'meta.k8s.io', version: 'v1',
    // Registered by AddToGroupVersion / AddMetaToScheme rather than an addKnownTypes list.
    kinds: ['ListOptions', 'GetOptions', 'DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'WatchEvent', 'Status',
      'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList', 'TableOptions', 'PartialObjectMetadata', 'PartialObjectMetadataList', 'List'],
  },
  { package: 'k8s.io.apimachinery.pkg.runtime', file: 'runtime', root: 'apimachinery', source: 'k8s.io/apimachinery', dir: 'pkg/runtime' },
  { package: 'k8s.io.apimachinery.pkg.util.intstr', file: 'intstr', root: 'apimachinery', source: 'k8s.io/apimachinery', dir: 'pkg/util/intstr' },
  { package: 'k8s.io.apimachinery.pkg.api.resource', file: 'resource', root: 'apimachinery', source: 'k8s.io/apimachinery', dir: 'pkg/api/resource' },
];
