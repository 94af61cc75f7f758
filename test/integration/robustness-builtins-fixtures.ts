// The smallest valid object of every stored built-in kind (what upstream's validation requires and
// no more), keyed by "<group>/<resource>". Used to drive each resource through every verb.
const labels = { app: 'robust' };
const selector = { matchLabels: labels };
const container = { name: 'c', image: 'busybox' };
const podTemplate = { metadata: { labels }, spec: { containers: [container] } };
const roleRef = (kind: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name: 'robust' });
const subjects = [{ kind: 'User', name: 'robust', apiGroup: 'rbac.authorization.k8s.io' }];
// A real PKCS#10 request (EC P-256, CN=robustness): CSR validation parses it.
const csrPem = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIT01IY0NBUUF3RlRFVE1CRUdBMVVFQXd3S2NtOWlkWE4wYm1WemN6QlpNQk1HQnlxR1NNNDlBZ0VHQ0NxRwpTTTQ5QXdFSEEwSUFCTFFpc3JQREwwN0dNOGtZSnY0dE9aT0hRTmt2Q2hFYTJHcmdTVU1aM0dJNlZTaFJ4dVgzCkhOWURCWDlDcGZoNlZDMFdvbm8xSFNWOEdrTDI3VWUxSi95Z0FEQUtCZ2dxaGtqT1BRUURBZ05IQURCRUFpQWUKdUV4RGI5UUZaRlRmcHc4ZEJONDN3RnV6eEdHeG4zczErdFRPNGZUMTRBSWdNeFpKZ0NSa1pMa0ZFcW5XV0paVwpPVmVzWG12WU9jUDBMNDBYYTFYVDFUTT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUgUkVRVUVTVC0tLS0tCg==';

export interface Fixture {
  /** Object name when the kind constrains it (IPAddress names are addresses; CRDs <plural>.<group>). */
  name?: string;
  /** Everything but apiVersion, kind and metadata. */
  body: Record<string, unknown>;
}

export const minimalObjects: Record<string, Fixture> = {
  '/configmaps': { body: { data: { k: 'v' } } },
  '/endpoints': { body: {} },
  '/events': { body: { involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Robust', message: 'm', type: 'Normal', source: { component: 'robust' } } },
  '/limitranges': { body: { spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } } },
  '/namespaces': { body: {} },
  '/nodes': { body: {} },
  '/persistentvolumeclaims': { body: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
  '/persistentvolumes': { body: { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/robust' } } } },
  '/pods': { body: { spec: { containers: [container] } } },
  '/podtemplates': { body: { template: podTemplate } },
  '/replicationcontrollers': { body: { spec: { selector: labels, template: podTemplate } } },
  '/resourcequotas': { body: { spec: { hard: { pods: '10' } } } },
  '/secrets': { body: { data: { k: 'dg==' } } },
  '/serviceaccounts': { body: {} },
  '/services': { body: { spec: { ports: [{ port: 80 }] } } },
  'apps/controllerrevisions': { body: { revision: 1, data: { spec: {} } } },
  'apps/daemonsets': { body: { spec: { selector, template: podTemplate } } },
  'apps/deployments': { body: { spec: { selector, template: podTemplate } } },
  'apps/replicasets': { body: { spec: { selector, template: podTemplate } } },
  'apps/statefulsets': { body: { spec: { selector, template: podTemplate } } },
  'events.k8s.io/events': {
    body: {
      eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'example.com/robust', reportingInstance: 'robust-1',
      action: 'Test', reason: 'Robust', type: 'Normal', regarding: { kind: 'Pod', name: 'p', namespace: 'default' },
    },
  },
  'autoscaling/horizontalpodautoscalers': { body: { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, maxReplicas: 3 } } },
  'batch/cronjobs': { body: { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [container], restartPolicy: 'OnFailure' } } } } } } },
  'batch/jobs': { body: { spec: { template: { spec: { containers: [container], restartPolicy: 'Never' } } } } },
  'certificates.k8s.io/certificatesigningrequests': { body: { spec: { request: csrPem, signerName: 'example.com/robust', usages: ['digital signature'] } } },
  'networking.k8s.io/ingressclasses': { body: { spec: { controller: 'example.com/robust' } } },
  'networking.k8s.io/ingresses': { body: { spec: { defaultBackend: { service: { name: 's', port: { number: 80 } } } } } },
  'networking.k8s.io/ipaddresses': { name: '10.250.0.7', body: { spec: { parentRef: { resource: 'services', name: 's', namespace: 'default' } } } },
  'networking.k8s.io/networkpolicies': { body: { spec: { podSelector: {} } } },
  'networking.k8s.io/servicecidrs': { body: { spec: { cidrs: ['10.250.0.0/24'] } } },
  'policy/poddisruptionbudgets': { body: { spec: { minAvailable: 1, selector } } },
  'rbac.authorization.k8s.io/clusterrolebindings': { body: { roleRef: roleRef('ClusterRole'), subjects } },
  'rbac.authorization.k8s.io/clusterroles': { body: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } },
  'rbac.authorization.k8s.io/rolebindings': { body: { roleRef: roleRef('Role'), subjects } },
  'rbac.authorization.k8s.io/roles': { body: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } },
  'storage.k8s.io/csidrivers': { name: 'robust.example.com', body: { spec: {} } },
  'storage.k8s.io/csinodes': { body: { spec: { drivers: [] } } },
  'storage.k8s.io/csistoragecapacities': { body: { storageClassName: 'standard' } },
  'storage.k8s.io/storageclasses': { body: { provisioner: 'example.com/robust' } },
  'storage.k8s.io/volumeattachments': { body: { spec: { attacher: 'robust.example.com', source: { persistentVolumeName: 'pv' }, nodeName: 'n1' } } },
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': { body: { webhooks: [] } },
  'admissionregistration.k8s.io/validatingadmissionpolicies': { body: { spec: { validations: [{ expression: 'true' }] } } },
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': { body: { spec: { policyName: 'robust', validationActions: ['Deny'] } } },
  'admissionregistration.k8s.io/validatingwebhookconfigurations': { body: { webhooks: [] } },
  'apiextensions.k8s.io/customresourcedefinitions': {
    name: 'widgets.robust.example.com',
    body: {
      spec: {
        group: 'robust.example.com', scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    },
  },
  'scheduling.k8s.io/priorityclasses': { body: { value: 1000 } },
  'coordination.k8s.io/leases': { body: { spec: { holderIdentity: 'robust' } } },
  'node.k8s.io/runtimeclasses': { body: { handler: 'runc' } },
  'discovery.k8s.io/endpointslices': { body: { addressType: 'IPv4', endpoints: [] } },
};
