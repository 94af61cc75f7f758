import { describe, it, expect } from 'vitest';
import { buildTable } from './index.js';
import { ago, info, meta, now } from './testing.js';

const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;

describe('buildTable', () => {
  it('builds a meta.k8s.io/v1 Table with PartialObjectMetadata rows by default', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('c1', 5 * m), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } };
    const t = buildTable(info('', 'v1', 'configmaps'), [cm], { now, listMeta: { resourceVersion: '42', continue: 'tok' } });
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual({ resourceVersion: '42', continue: 'tok' });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(t.columnDefinitions[0]).toMatchObject({ type: 'string', format: 'name', priority: 0 });
    expect(t.rows[0].cells).toEqual(['c1', 3, '5m']);
    expect(t.rows[0].object).toEqual({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: cm.metadata });
  });

  it('honours includeObject and noHeaders', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('c1', 5 * m) };
    const full = buildTable(info('', 'v1', 'configmaps'), [cm], { now, includeObject: 'Object' });
    expect(full.rows[0].object).toBe(cm);
    expect(full.metadata.resourceVersion).toBe('7');
    const none = buildTable(info('', 'v1', 'configmaps'), [cm], { now, includeObject: 'None', noHeaders: true });
    expect(none.rows[0].object).toBeUndefined();
    expect(none.columnDefinitions).toEqual([]);
  });

  it('falls back to NAME and CREATED AT', () => {
    const role = { metadata: meta('reader', 2 * h) };
    const t = buildTable(info('rbac.authorization.k8s.io', 'v1', 'roles'), [role], { now });
    expect(t.columnDefinitions.map((c) => [c.name, c.type])).toEqual([['Name', 'string'], ['Created At', 'date']]);
    expect(t.rows[0].cells).toEqual(['reader', '2025-06-01T10:00:00Z']);
    const crd = buildTable(info('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'), [{ metadata: meta('widgets.example.com', d) }], { now });
    expect(crd.rows[0].cells).toEqual(['widgets.example.com', '2025-05-31T12:00:00Z']);
  });

  it('prints deployments, replicasets and statefulsets', () => {
    const template = { spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } };
    const deploy = {
      metadata: meta('web', 3 * h + 5 * m),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    const t = buildTable(info('apps', 'v1', 'deployments'), [deploy], { now });
    expect(t.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual(
      ['Name:0', 'Ready:0', 'Up-to-date:0', 'Available:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1']);
    expect(t.rows[0].cells).toEqual(['web', '2/3', 3, 2, '3h5m', 'web,side', 'nginx:1,busybox', 'app=web']);
    const rs = buildTable(info('apps', 'v1', 'replicasets'), [{ ...deploy, status: { replicas: 3, readyReplicas: 1 } }], { now });
    expect(rs.rows[0].cells.slice(0, 5)).toEqual(['web', 3, 3, 1, '3h5m']);
    const sts = buildTable(info('apps', 'v1', 'statefulsets'), [{ ...deploy, status: { readyReplicas: 3 } }], { now });
    expect(sts.rows[0].cells).toEqual(['web', '3/3', '3h5m', 'web,side', 'nginx:1,busybox']);
  });

  it('prints services with their port and address forms', () => {
    const svc = (type: string, extra: Record<string, unknown> = {}, st: Record<string, unknown> = {}) => ({
      metadata: meta(type.toLowerCase(), 10 * s),
      spec: { type, clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], ports: [{ port: 80, protocol: 'TCP', ...(type === 'ClusterIP' ? {} : { nodePort: 30080 }) }], selector: { app: 'web' }, ...extra },
      status: st,
    });
    const t = buildTable(info('', 'v1', 'services'), [
      svc('ClusterIP'), svc('NodePort'), svc('LoadBalancer'), svc('LoadBalancer', {}, { loadBalancer: { ingress: [{ ip: '192.168.1.5' }] } }),
      { metadata: meta('ext', 10 * s), spec: { type: 'ExternalName', externalName: 'example.com' } },
    ], { now });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    expect(t.rows.map((r) => r.cells.slice(1, 5))).toEqual([
      ['ClusterIP', '10.43.0.10', '<none>', '80/TCP'],
      ['NodePort', '10.43.0.10', '<none>', '80:30080/TCP'],
      ['LoadBalancer', '10.43.0.10', '<pending>', '80:30080/TCP'],
      ['LoadBalancer', '10.43.0.10', '192.168.1.5', '80:30080/TCP'],
      ['ExternalName', '<none>', 'example.com', '<none>'],
    ]);
    expect(t.rows[0].cells[6]).toBe('app=web');
  });

  it('prints nodes with roles and scheduling state', () => {
    const node = {
      metadata: { ...meta('n1', 4 * d + 3 * h), namespace: undefined, labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' } },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'n1' }],
        nodeInfo: { kubeletVersion: 'v1.32.0+kites', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'containerd://1.7' },
      },
    };
    const t = buildTable(info('', 'v1', 'nodes'), [node], { now });
    expect(t.rows[0].cells).toEqual(['n1', 'Ready,SchedulingDisabled', 'control-plane,master', '4d3h', 'v1.32.0+kites', '10.0.0.2', '<none>', 'Debian', '6.1', 'containerd://1.7']);
    const bare = buildTable(info('', 'v1', 'nodes'), [{ metadata: meta('n2', s) }], { now });
    expect(bare.rows[0].cells.slice(0, 5)).toEqual(['n2', 'Unknown', '<none>', '1s', '']);
  });

  it('prints jobs with status, completions and duration', () => {
    const job = (status: Record<string, unknown>, spec: Record<string, unknown> = { completions: 1 }) => ({ metadata: meta('j', 10 * m), spec: { ...spec, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } }, status });
    const t = buildTable(info('batch', 'v1', 'jobs'), [
      job({ succeeded: 1, startTime: ago(10 * m), completionTime: ago(10 * m - 12 * s), conditions: [{ type: 'Complete', status: 'True' }] }),
      job({ startTime: ago(3 * m), active: 1 }),
      job({ failed: 1, startTime: ago(5 * m), completionTime: ago(4 * m), conditions: [{ type: 'Failed', status: 'True' }] }, { parallelism: 3 }),
      job({}),
    ], { now });
    expect(t.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual(['Name', 'Status', 'Completions', 'Duration', 'Age']);
    expect(t.rows.map((r) => r.cells.slice(1, 4))).toEqual([
      ['Complete', '1/1', '12s'], ['Running', '0/1', '3m'], ['Failed', '0/1 of 3', '60s'], ['Running', '0/1', ''],
    ]);
    expect(t.rows[0].cells.slice(5)).toEqual(['c', 'busybox', '<none>']);
  });

  it('prints cronjobs', () => {
    const cj = { metadata: meta('cj', 2 * d), spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } } }, status: { active: [{ name: 'x' }], lastScheduleTime: ago(90 * s) } };
    const t = buildTable(info('batch', 'v1', 'cronjobs'), [cj], { now });
    expect(t.rows[0].cells).toEqual(['cj', '*/5 * * * *', '<none>', 'False', 1, '90s', '2d', 'c', 'i', '<none>']);
  });

  it('prints events in the 1.32 layout from both API groups', () => {
    const core = {
      metadata: meta('web.1', m), type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container\n',
      involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' }, source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: ago(10 * m), lastTimestamp: ago(30 * s), count: 7,
    };
    const t = buildTable(info('', 'v1', 'events'), [core], { now });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
    expect(t.rows[0].cells).toEqual(['30s', 'Warning', 'BackOff', 'pod/web', 'spec.containers{app}', 'kubelet, n1', 'Back-off restarting failed container', '10m', 7, 'web.1']);
    const v1 = { apiVersion: 'events.k8s.io/v1', metadata: meta('e2', m), eventTime: ago(2 * m), reportingController: 'kites/scheduler', reportingInstance: 'n1', type: 'Normal', reason: 'Scheduled', note: 'assigned', regarding: { kind: 'Pod', name: 'p' } };
    const t2 = buildTable(info('events.k8s.io', 'v1', 'events'), [v1], { now });
    expect(t2.rows[0].cells).toEqual(['2m', 'Normal', 'Scheduled', 'pod/p', '', 'kites/scheduler, n1', 'assigned', '2m', 1, 'e2']);
  });

  it('prints secrets, namespaces, service accounts, endpoints and slices', () => {
    expect(buildTable(info('', 'v1', 'secrets'), [{ metadata: meta('s', s), type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }], { now }).rows[0].cells)
      .toEqual(['s', 'kubernetes.io/tls', 2, '1s']);
    expect(buildTable(info('', 'v1', 'namespaces'), [{ metadata: meta('ns', 400 * d), status: { phase: 'Active' } }], { now }).rows[0].cells)
      .toEqual(['ns', 'Active', '400d']);
    expect(buildTable(info('', 'v1', 'serviceaccounts'), [{ metadata: meta('default', 3 * 365 * d + 20 * d) }], { now }).rows[0].cells)
      .toEqual(['default', 0, '3y20d']);
    const ep = { metadata: meta('web', s), subsets: [{ addresses: [{ ip: '10.42.0.5' }, { ip: '10.42.0.6' }, { ip: '10.42.0.7' }, { ip: '10.42.0.8' }], ports: [{ port: 8080 }] }] };
    expect(buildTable(info('', 'v1', 'endpoints'), [ep], { now }).rows[0].cells[1]).toBe('10.42.0.5:8080,10.42.0.6:8080,10.42.0.7:8080 + 1 more...');
    expect(buildTable(info('', 'v1', 'endpoints'), [{ metadata: meta('none', s) }], { now }).rows[0].cells[1]).toBe('<none>');
    const slice = { metadata: meta('web-abc', s), addressType: 'IPv4', ports: [{ port: 8080, name: 'http' }], endpoints: [{ addresses: ['10.42.0.5'] }] };
    expect(buildTable(info('discovery.k8s.io', 'v1', 'endpointslices'), [slice], { now }).rows[0].cells).toEqual(['web-abc', 'IPv4', '8080', '10.42.0.5', '1s']);
  });

  it('prints resource quotas with requests and limits split', () => {
    const rq = { metadata: meta('q', m), status: { hard: { 'limits.cpu': '2', 'requests.cpu': '1', pods: '10' }, used: { 'requests.cpu': '500m', pods: '3' } } };
    const t = buildTable(info('', 'v1', 'resourcequotas'), [rq], { now });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Request', 'Limit', 'Age']);
    expect(t.rows[0].cells).toEqual(['q', 'pods: 3/10, requests.cpu: 500m/1', 'limits.cpu: 0/2', '60s']);
  });

  it('prints storage kinds', () => {
    const pvc = { metadata: meta('data', m), spec: { volumeName: 'pv-1', storageClassName: 'local-path', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Bound', capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'] } };
    expect(buildTable(info('', 'v1', 'persistentvolumeclaims'), [pvc], { now }).rows[0].cells)
      .toEqual(['data', 'Bound', 'pv-1', '1Gi', 'RWO', 'local-path', '<unset>', '60s', '<unset>']);
    const pv = { metadata: meta('pv-1', m), spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'local-path', volumeMode: 'Filesystem' }, status: { phase: 'Bound' } };
    expect(buildTable(info('', 'v1', 'persistentvolumes'), [pv], { now }).rows[0].cells)
      .toEqual(['pv-1', '1Gi', 'RWO,RWX', 'Delete', 'Bound', 'default/data', 'local-path', '<unset>', '', '60s', 'Filesystem']);
    const sc = { metadata: { ...meta('local-path', d), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
    expect(buildTable(info('storage.k8s.io', 'v1', 'storageclasses'), [sc], { now }).rows[0].cells)
      .toEqual(['local-path (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '24h']);
  });

  it('prints ingresses, network policies, HPAs, PDBs, bindings, CSRs, leases, priority and runtime classes', () => {
    const ing = { metadata: meta('web', s), spec: { ingressClassName: 'traefik', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{}] }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } } };
    expect(buildTable(info('networking.k8s.io', 'v1', 'ingresses'), [ing], { now }).rows[0].cells).toEqual(['web', 'traefik', 'a.example.com,b.example.com', '10.0.0.9', '80, 443', '1s']);
    expect(buildTable(info('networking.k8s.io', 'v1', 'networkpolicies'), [{ metadata: meta('deny', s), spec: { podSelector: {} } }], { now }).rows[0].cells).toEqual(['deny', '<none>', '1s']);
    const hpa = { metadata: meta('web', s), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] }, status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }] } };
    expect(buildTable(info('autoscaling', 'v2', 'horizontalpodautoscalers'), [hpa], { now }).rows[0].cells).toEqual(['web', 'Deployment/web', 'cpu: 35%/80%', '1', 5, 2, '1s']);
    const hpaV1 = { metadata: meta('old', s), spec: { scaleTargetRef: { kind: 'Deployment', name: 'old' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 }, status: {} };
    expect(buildTable(info('autoscaling', 'v1', 'horizontalpodautoscalers'), [hpaV1], { now }).rows[0].cells[2]).toBe('cpu: <unknown>/50%');
    expect(buildTable(info('policy', 'v1', 'poddisruptionbudgets'), [{ metadata: meta('pdb', s), spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }], { now }).rows[0].cells)
      .toEqual(['pdb', '50%', 'N/A', 1, '1s']);
    const rb = { metadata: meta('rb', s), roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', namespace: 'ci', name: 'bot' }] };
    expect(buildTable(info('rbac.authorization.k8s.io', 'v1', 'rolebindings'), [rb], { now }).rows[0].cells).toEqual(['rb', 'ClusterRole/view', '1s', 'alice', '', 'ci/bot']);
    const csr = { metadata: meta('node-csr', s), spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:node:n1', expirationSeconds: 86400 }, status: { conditions: [{ type: 'Approved' }], certificate: 'QUJD' } };
    expect(buildTable(info('certificates.k8s.io', 'v1', 'certificatesigningrequests'), [csr], { now }).rows[0].cells)
      .toEqual(['node-csr', '1s', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:node:n1', '24h', 'Approved,Issued']);
    expect(buildTable(info('coordination.k8s.io', 'v1', 'leases'), [{ metadata: meta('n1', s), spec: { holderIdentity: 'n1' } }], { now }).rows[0].cells).toEqual(['n1', 'n1', '1s']);
    expect(buildTable(info('scheduling.k8s.io', 'v1', 'priorityclasses'), [{ metadata: meta('system-node-critical', s), value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }], { now }).rows[0].cells)
      .toEqual(['system-node-critical', 2000001000, false, '1s', 'PreemptLowerPriority']);
    expect(buildTable(info('node.k8s.io', 'v1', 'runtimeclasses'), [{ metadata: meta('runc', s), handler: 'runc' }], { now }).rows[0].cells).toEqual(['runc', 'runc', '1s']);
  });
});
