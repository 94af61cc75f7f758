import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { validateObject } from '../validation/index.js';
import { applyDefaults } from './index.js';

const defaulted = (group: string, kind: string, obj: KubeObject, version = 'v1'): KubeObject => {
  applyDefaults(group, version, kind, obj);
  return obj;
};

describe('pod defaults', () => {
  it('fills what kubectl get -o yaml shows', () => {
    const pod = defaulted('', 'Pod', {
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        containers: [{
          name: 'c', image: 'nginx', ports: [{ containerPort: 80 }],
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          livenessProbe: { httpGet: { port: 80 } },
          resources: { limits: { cpu: '1' } },
        }],
        volumes: [{ name: 'cfg', configMap: { name: 'x' } }, { name: 'scratch' }],
      },
    });
    expect(pod.spec).toEqual({
      containers: [{
        name: 'c', image: 'nginx', imagePullPolicy: 'Always',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
        livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        resources: { limits: { cpu: '1' }, requests: { cpu: '1' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      }],
      volumes: [{ name: 'cfg', configMap: { name: 'x', defaultMode: 420 } }, { name: 'scratch', emptyDir: {} }],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
    });
  });

  it('pulls tagged images IfNotPresent and :latest Always', () => {
    const pod = defaulted('', 'Pod', { spec: { containers: [
      { name: 'a', image: 'nginx:1.27' }, { name: 'b', image: 'nginx:latest' }, { name: 'c', image: 'localhost:5000/x' },
      { name: 'd', image: 'nginx@sha256:abc' }, { name: 'e', image: 'Never', imagePullPolicy: 'Never' },
    ] } });
    const policies = (pod.spec as { containers: { imagePullPolicy: string }[] }).containers.map((c) => c.imagePullPolicy);
    expect(policies).toEqual(['IfNotPresent', 'Always', 'Always', 'IfNotPresent', 'Never']);
  });

  it('is idempotent and survives odd input', () => {
    const once = defaulted('', 'Pod', { spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    const twice = defaulted('', 'Pod', structuredClone(once));
    expect(twice).toEqual(once);
    expect(() => applyDefaults('', 'v1', 'Pod', { spec: 'nope' })).not.toThrow();
    expect(() => applyDefaults('apps', 'v1', 'Deployment', { spec: { template: 5, strategy: 'x' } })).not.toThrow();
    expect(() => applyDefaults('', 'v1', 'Service', { spec: { ports: [1, null, 'x'] } })).not.toThrow();
  });

});

describe('workload defaults', () => {
  it('defaults a deployment like kubectl create deployment sees it', () => {
    const d = defaulted('apps', 'Deployment', {
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    });
    const spec = d.spec as Record<string, unknown>;
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    const podSpec = (spec.template as { spec: Record<string, unknown> }).spec;
    expect(podSpec.restartPolicy).toBe('Always');
    expect(podSpec.enableServiceLinks).toBeUndefined();
    expect(podSpec.priority).toBeUndefined();
    expect(validateObject('apps', 'v1', 'Deployment', d, { namespaced: true })).toEqual([]);
  });

  it('defaults statefulsets, daemonsets and a Recreate deployment', () => {
    const sts = defaulted('apps', 'StatefulSet', { spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }] } });
    expect(sts.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady', replicas: 1, revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    });
    const ds = defaulted('apps', 'DaemonSet', { spec: {} });
    expect(ds.spec).toMatchObject({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 });
    const rec = defaulted('apps', 'Deployment', { spec: { strategy: { type: 'Recreate' } } });
    expect((rec.spec as { strategy: unknown }).strategy).toEqual({ type: 'Recreate' });
  });

  it('defaults a job and validates it once the server knows its uid', () => {
    const job = defaulted('batch', 'Job', {
      metadata: { name: 'pi', namespace: 'default' },
      spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } } },
    });
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
    job.metadata!.uid = 'u-1';
    expect(validateObject('batch', 'v1', 'Job', job, { namespaced: true })).toEqual([]);
    expect(job.metadata!.labels).toMatchObject({ 'job-name': 'pi', 'controller-uid': 'u-1' });
  });

  it('keeps explicit parallelism without completions', () => {
    const job = defaulted('batch', 'Job', { spec: { parallelism: 3 } });
    expect(job.spec).toMatchObject({ parallelism: 3 });
    expect((job.spec as { completions?: number }).completions).toBeUndefined();
  });

  it('defaults a cronjob', () => {
    const cj = defaulted('batch', 'CronJob', {
      metadata: { name: 'c', namespace: 'default' },
      spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } } } },
    });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(validateObject('batch', 'v1', 'CronJob', cj, { namespaced: true })).toEqual([]);
  });
});

describe('core defaults', () => {
  it('defaults a service', () => {
    const svc = defaulted('', 'Service', { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https', name: 'https' }] } });
    expect(svc.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 443, targetPort: 'https', name: 'https', protocol: 'TCP' }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
    });
    const lb = defaulted('', 'Service', { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
    expect(lb.spec).toMatchObject({ externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true });
  });

  it('defaults namespaces, secrets and claims', () => {
    const ns = defaulted('', 'Namespace', { metadata: { name: 'team' } });
    expect(ns).toEqual({ metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'team' } }, status: { phase: 'Active' } });
    const sec = defaulted('', 'Secret', { stringData: { a: 'hi' }, data: { b: 'eA==' } });
    expect(sec).toEqual({ type: 'Opaque', data: { a: 'aGk=', b: 'eA==' } });
    const pvc = defaulted('', 'PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'] } });
    expect(pvc).toEqual({ spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  });

  it('leaves unknown kinds alone', () => {
    const o = { spec: {} };
    applyDefaults('example.com', 'v1', 'Widget', o);
    expect(o).toEqual({ spec: {} });
  });
});

describe('other defaults', () => {
  it('defaults network policies, role bindings, HPAs and CRDs', () => {
    expect(defaulted('networking.k8s.io', 'NetworkPolicy', { spec: { egress: [{ ports: [{ port: 53 }] }] } }).spec)
      .toEqual({ egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
    expect(defaulted('rbac.authorization.k8s.io', 'RoleBinding', { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's' }] }))
      .toEqual({ roleRef: { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' }, subjects: [{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 's', apiGroup: '' }] });
    expect(defaulted('autoscaling', 'HorizontalPodAutoscaler', { spec: { maxReplicas: 3 } }, 'v2').spec).toEqual({
      maxReplicas: 3, minReplicas: 1,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect(defaulted('apiextensions.k8s.io', 'CustomResourceDefinition', { spec: { names: { kind: 'Widget', plural: 'widgets' } } }).spec)
      .toEqual({ names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' }, conversion: { strategy: 'None' } });
  });
});

describe('quantities', () => {
  it('are stored in canonical form, bad ones left for validation', () => {
    const pod = defaulted('', 'Pod', { spec: { containers: [{ name: 'c', image: 'i:1', resources: { limits: { cpu: 0.5, memory: '1024Mi' }, requests: { cpu: '250m', memory: 'lots' } } }] } });
    const res = (pod.spec as { containers: { resources: unknown }[] }).containers[0]!.resources;
    expect(res).toEqual({ limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '250m', memory: 'lots' } });
    const pvc = defaulted('', 'PersistentVolumeClaim', { spec: { resources: { requests: { storage: '1000' } } } });
    expect((pvc.spec as { resources: unknown }).resources).toEqual({ requests: { storage: '1k' } });
  });
});

describe('admission webhook configurations', () => {
  it('are defaulted and then valid', () => {
    const cfg = defaulted('admissionregistration.k8s.io', 'MutatingWebhookConfiguration', {
      metadata: { name: 'm' },
      webhooks: [{ name: 'pods.example.com', sideEffects: 'None', admissionReviewVersions: ['v1'], clientConfig: { service: { name: 's', namespace: 'n' } }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] }],
    });
    expect((cfg.webhooks as unknown[])[0]).toMatchObject({
      failurePolicy: 'Fail', matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, timeoutSeconds: 10, reinvocationPolicy: 'Never',
      clientConfig: { service: { port: 443 } }, rules: [{ scope: '*' }],
    });
    expect(validateObject('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', cfg, { namespaced: false })).toEqual([]);
    const bad = defaulted('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', { metadata: { name: 'v' }, webhooks: [{ name: 'short', clientConfig: {} }] });
    expect(validateObject('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', bad, { namespaced: false }).map(String)).toEqual([
      'webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots',
      'webhooks[0].clientConfig: Required value: exactly one of url or service is required',
      'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
    ]);
  });
});
