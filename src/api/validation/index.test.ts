import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { validateObject, validateObjectUpdate, validateStatusUpdate } from './index.js';

const ns = { namespaced: true };
const cluster = { namespaced: false };
const msgs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());

function pod(spec: unknown, name = 'p'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec };
}

const goodContainer = { name: 'c', image: 'nginx', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' };
const goodPodSpec = { containers: [goodContainer], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' };

describe('object meta', () => {
  it('rejects a bad name with upstream text', () => {
    const errs = validateObject('', 'v1', 'ConfigMap', { metadata: { name: 'Bad_Name', namespace: 'default' } }, ns);
    expect(msgs(errs)).toEqual([
      `metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ]);
  });

  it('requires a name or generateName and a namespace for namespaced kinds', () => {
    expect(msgs(validateObject('', 'v1', 'ConfigMap', { metadata: {} }, ns))).toEqual([
      'metadata.name: Required value: name or generateName is required',
      'metadata.namespace: Required value',
    ]);
  });

  it('forbids a namespace on cluster-scoped kinds', () => {
    const errs = validateObject('', 'v1', 'Namespace', { metadata: { name: 'x', namespace: 'y' } }, cluster);
    expect(msgs(errs)).toEqual(['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('checks namespace and service names as labels', () => {
    const e1 = msgs(validateObject('', 'v1', 'Namespace', { metadata: { name: 'a.b' } }, cluster));
    expect(e1).toEqual(['metadata.name: Invalid value: "a.b": must not contain dots']);
    const e2 = msgs(validateObject('', 'v1', 'Service', { metadata: { name: '1abc', namespace: 'default' }, spec: { type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP' }] } }, ns));
    expect(e2[0]).toContain(`metadata.name: Invalid value: "1abc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`);
  });

  it('checks label keys and values at the map path', () => {
    const errs = msgs(validateObject('', 'v1', 'ConfigMap', { metadata: { name: 'a', namespace: 'd', labels: { 'bad key': 'v', ok: 'bad value' } } }, ns));
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatch(/^metadata\.labels: Invalid value: "bad key": name part must consist of alphanumeric characters/);
    expect(errs[1]).toMatch(/^metadata\.labels: Invalid value: "bad value": a valid label must be an empty string/);
  });

  it('allows a generateName with a trailing dash', () => {
    expect(validateObject('', 'v1', 'ConfigMap', { metadata: { generateName: 'web-', name: 'web-abcde', namespace: 'd' } }, ns)).toEqual([]);
  });

  it('validates finalizers and owner references', () => {
    const errs = msgs(validateObject('', 'v1', 'ConfigMap', {
      metadata: { name: 'a', namespace: 'd', finalizers: ['example.com/ok', 'bad/finalizer/x'], ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: '', uid: 'u' }] },
    }, ns));
    expect(errs.some((e) => e.startsWith('metadata.finalizers: Invalid value: "bad/finalizer/x"'))).toBe(true);
    expect(errs).toContain('metadata.ownerReferences.name: Invalid value: "": name must not be empty');
  });

  it('keeps name, namespace and uid immutable on update', () => {
    const old = { metadata: { name: 'a', namespace: 'd', uid: 'u1', resourceVersion: '5' } };
    const next = { metadata: { name: 'a', namespace: 'd', uid: 'u2', resourceVersion: '5' } };
    expect(msgs(validateObjectUpdate('', 'v1', 'ConfigMap', next, old, ns))).toEqual(['metadata.uid: Invalid value: "u2": field is immutable']);
  });

  it('ignores unknown kinds', () => {
    expect(validateObject('example.com', 'v1', 'Widget', { metadata: {} }, ns)).toEqual([]);
  });

  it('never throws on wrongly typed input', () => {
    const weird: KubeObject = { metadata: 'nope' as never, spec: 'x' };
    for (const [g, k] of [['', 'Pod'], ['apps', 'Deployment'], ['batch', 'Job'], ['', 'Service'], ['batch', 'CronJob'], ['', 'Secret']]) {
      expect(() => validateObject(g!, 'v1', k!, weird, ns)).not.toThrow();
      expect(validateObject(g!, 'v1', k!, weird, ns).length).toBeGreaterThan(0);
      expect(() => validateObjectUpdate(g!, 'v1', k!, weird, weird, ns)).not.toThrow();
    }
    const p = pod({ containers: 'x', volumes: [1], initContainers: [{ name: 5 }] });
    expect(() => validateObject('', 'v1', 'Pod', p, ns)).not.toThrow();
  });
});

describe('pods', () => {
  it('requires containers with the upstream message', () => {
    expect(msgs(validateObject('', 'v1', 'Pod', pod({ ...goodPodSpec, containers: [] }), ns))).toEqual(['spec.containers: Required value']);
  });

  it('accepts a defaulted pod', () => {
    expect(msgs(validateObject('', 'v1', 'Pod', pod(goodPodSpec), ns))).toEqual([]);
  });

  it('checks container names, images, ports, env and mounts', () => {
    const spec = {
      ...goodPodSpec,
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'two', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'none' }],
      containers: [
        { ...goodContainer, name: 'Bad', image: '', ports: [{ containerPort: 70000, protocol: 'TCP' }, { containerPort: 80, protocol: 'XYZ' }], env: [{ name: 'A=B' }], volumeMounts: [{ name: 'missing', mountPath: '/m' }] },
        { ...goodContainer },
        { ...goodContainer },
      ],
    };
    const errs = msgs(validateObject('', 'v1', 'Pod', pod(spec), ns));
    expect(errs).toContain("spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type");
    expect(errs).toContain('spec.volumes[2]: Required value: must specify a volume type');
    expect(errs.some((e) => e.startsWith('spec.containers[0].name: Invalid value: "Bad": a lowercase RFC 1123 label'))).toBe(true);
    expect(errs).toContain('spec.containers[0].image: Required value');
    expect(errs).toContain('spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive');
    expect(errs).toContain('spec.containers[0].ports[1].protocol: Unsupported value: "XYZ": supported values: "SCTP", "TCP", "UDP"');
    expect(errs).toContain(`spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`);
    expect(errs).toContain('spec.containers[0].volumeMounts[0].name: Not found: "missing"');
    expect(errs).toContain('spec.containers[2].name: Duplicate value: "c"');
  });

  it('checks enums, probes and resources', () => {
    const spec = {
      ...goodPodSpec,
      restartPolicy: 'Sometimes',
      containers: [{
        ...goodContainer,
        livenessProbe: { periodSeconds: 10, successThreshold: 2 },
        resources: { requests: { cpu: '2' }, limits: { cpu: '1' } },
      }],
    };
    const errs = msgs(validateObject('', 'v1', 'Pod', pod(spec), ns));
    expect(errs).toContain('spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
    expect(errs).toContain('spec.containers[0].livenessProbe: Required value: must specify a handler type');
    expect(errs).toContain('spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1');
    expect(errs).toContain('spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1');
  });

  it('allows only image changes on update', () => {
    const old = { ...pod(goodPodSpec), metadata: { name: 'p', namespace: 'd', resourceVersion: '1' } };
    const imageOnly = { ...old, spec: { ...goodPodSpec, containers: [{ ...goodContainer, image: 'nginx:2' }] } };
    expect(validateObjectUpdate('', 'v1', 'Pod', imageOnly, old, ns)).toEqual([]);
    const other = { ...old, spec: { ...goodPodSpec, dnsPolicy: 'Default' } };
    const errs = msgs(validateObjectUpdate('', 'v1', 'Pod', other, old, ns));
    expect(errs[0]).toMatch(/^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });

  it('validates status updates', () => {
    const old = { ...pod(goodPodSpec), metadata: { name: 'p', namespace: 'd', resourceVersion: '1' } };
    const next = { ...old, status: { podIPs: [{ ip: 'nope' }] } };
    expect(msgs(validateStatusUpdate('', 'v1', 'Pod', next, old, ns))).toEqual(['status.podIPs[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  });
});

describe('workloads', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: goodPodSpec };
  const deployment = (spec: object): KubeObject => ({
    metadata: { name: 'd', namespace: 'default' },
    spec: { replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, ...spec },
  });

  it('accepts a defaulted deployment', () => {
    expect(msgs(validateObject('apps', 'v1', 'Deployment', deployment({ selector: { matchLabels: { app: 'web' } }, template }), ns))).toEqual([]);
  });

  it('reports a selector that does not match the template', () => {
    const errs = msgs(validateObject('apps', 'v1', 'Deployment', deployment({ selector: { matchLabels: { app: 'other' } }, template }), ns));
    expect(errs).toEqual(['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']);
  });

  it('requires a selector and rejects negative replicas', () => {
    const errs = msgs(validateObject('apps', 'v1', 'Deployment', deployment({ replicas: -1, template }), ns));
    expect(errs).toContain('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(errs).toContain('spec.selector: Required value');
  });

  it('keeps the selector immutable', () => {
    const old: KubeObject = { ...deployment({ selector: { matchLabels: { app: 'web' } }, template }), metadata: { name: 'd', namespace: 'default', resourceVersion: '1' } };
    const next = { ...old, spec: { ...(old.spec as object), selector: { matchLabels: { app: 'web', tier: 'x' } }, template: { ...template, metadata: { labels: { app: 'web', tier: 'x' } } } } };
    const errs = msgs(validateObjectUpdate('apps', 'v1', 'Deployment', next, old, ns));
    expect(errs).toEqual(['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);
  });

  it('checks job restart policy and generates the selector', () => {
    const job: KubeObject = { metadata: { name: 'j', namespace: 'default', uid: 'abc' }, spec: { template: { spec: goodPodSpec }, completions: 1, parallelism: 1, backoffLimit: 6 } };
    const errs = msgs(validateObject('batch', 'v1', 'Job', job, ns));
    expect(errs).toEqual(['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
    const spec = job.spec as { selector: unknown; template: { metadata: { labels: unknown } } };
    expect(spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } });
    expect(spec.template.metadata.labels).toEqual({ 'batch.kubernetes.io/controller-uid': 'abc', 'batch.kubernetes.io/job-name': 'j', 'controller-uid': 'abc', 'job-name': 'j' });
    expect(job.metadata?.labels).toEqual(spec.template.metadata.labels);
  });

  it('checks cron schedules', () => {
    const cj = (schedule: string): KubeObject => ({
      metadata: { name: 'c', namespace: 'default' },
      spec: { schedule, concurrencyPolicy: 'Allow', jobTemplate: { spec: { template: { spec: { ...goodPodSpec, restartPolicy: 'OnFailure' } } } } },
    });
    expect(msgs(validateObject('batch', 'v1', 'CronJob', cj('*/5 * * * *'), ns))).toEqual([]);
    expect(msgs(validateObject('batch', 'v1', 'CronJob', cj('@hourly'), ns))).toEqual([]);
    expect(msgs(validateObject('batch', 'v1', 'CronJob', cj('* * *'), ns))).toEqual(['spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]']);
    expect(msgs(validateObject('batch', 'v1', 'CronJob', cj('61 * * * *'), ns))).toEqual(['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
    expect(msgs(validateObject('batch', 'v1', 'CronJob', cj(''), ns))).toEqual(['spec.schedule: Required value']);
  });
});

describe('ephemeral containers', () => {
  const goodContainer = { name: 'c', image: 'nginx', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' };
  const spec = { containers: [goodContainer], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' };
  const old: KubeObject = { metadata: { name: 'p', namespace: 'd', resourceVersion: '1' }, spec };

  it('may be added but not changed', () => {
    const added = { ...old, spec: { ...spec, ephemeralContainers: [{ name: 'debugger', image: 'busybox' }] } };
    expect(validateObjectUpdate('', 'v1', 'Pod', added, old, { namespaced: true })).toEqual([]);
    const changed = { ...old, spec: { ...spec, ephemeralContainers: [{ name: 'debugger', image: 'busybox:2' }] } };
    expect(validateObjectUpdate('', 'v1', 'Pod', changed, added, { namespaced: true }).map(String)).toEqual([
      'spec.ephemeralContainers[0]: Forbidden: existing ephemeral containers "debugger" may not be changed',
    ]);
    const withPorts = { ...old, spec: { ...spec, ephemeralContainers: [{ name: 'c', image: 'b', ports: [{ containerPort: 1 }] }] } };
    expect(validateObjectUpdate('', 'v1', 'Pod', withPorts, old, { namespaced: true }).map(String)).toEqual([
      'spec.ephemeralContainers[0].name: Duplicate value: "c"',
      'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
    ]);
  });
});

describe('scheduling constraints', () => {
  const base = { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' };
  const withSpec = (extra: object): KubeObject => ({ metadata: { name: 'p', namespace: 'd' }, spec: { ...base, ...extra } });

  it('checks affinity terms', () => {
    const aff = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1', '2'] }] }] } },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 200, podAffinityTerm: { labelSelector: { matchLabels: { app: 'a' } } } }] },
    };
    expect(validateObject('', 'v1', 'Pod', withSpec({ affinity: aff }), { namespaced: true }).map(String)).toEqual([
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
      'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 200: must be in the range 1-100',
      'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Required value: can not be empty',
    ]);
  });

  it('checks topology spread constraints and security contexts', () => {
    const tsc = [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }];
    expect(validateObject('', 'v1', 'Pod', withSpec({ topologySpreadConstraints: tsc, securityContext: { runAsUser: -1 } }), { namespaced: true }).map(String)).toEqual([
      'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
      'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
      'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 4294967295, inclusive',
    ]);
  });
});

describe('pod status', () => {
  const spec = { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Never', dnsPolicy: 'ClusterFirst' };
  const withStatus = (state: object): KubeObject => ({ metadata: { name: 'p', namespace: 'd', resourceVersion: '1' }, spec, status: { containerStatuses: [{ name: 'c', restartCount: 0, state }] } });

  it('keeps terminated containers of Never pods terminated', () => {
    const done = withStatus({ terminated: { exitCode: 1 } });
    expect(validateStatusUpdate('', 'v1', 'Pod', withStatus({ running: {} }), done, { namespaced: true }).map(String)).toEqual([
      'status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state',
    ]);
    expect(validateStatusUpdate('', 'v1', 'Pod', withStatus({ terminated: { exitCode: 1 } }), withStatus({ running: {} }), { namespaced: true })).toEqual([]);
  });
});

describe('update comparisons', () => {
  it('treat spelled-out zero values like absent ones', () => {
    const spec = { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' };
    const old: KubeObject = { metadata: { name: 'p', namespace: 'd', resourceVersion: '1' }, spec };
    const next: KubeObject = { ...old, spec: { ...spec, nodeName: '', hostNetwork: false, volumes: [] } };
    expect(validateObjectUpdate('', 'v1', 'Pod', next, old, { namespaced: true })).toEqual([]);
  });
});
