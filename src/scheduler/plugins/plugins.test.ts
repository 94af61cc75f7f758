import { describe, it, expect } from 'vitest';
import { Code, type CycleState, type FilterPlugin, type PreFilterPlugin, type Status } from '../framework.js';
import { fixture, makeNode, makePod } from '../testing.js';
import type { Pod } from '../api-types.js';
import { NodeUnschedulable } from './node-unschedulable.js';
import { NodeName } from './node-name.js';
import { NodeAffinity } from './node-affinity.js';
import { TaintToleration } from './taint-toleration.js';
import { BalancedAllocation, NodeResourcesFit } from './node-resources-fit.js';
import { NodePorts } from './node-ports.js';
import { InterPodAffinity } from './inter-pod-affinity.js';
import { PodTopologySpread } from './pod-topology-spread.js';
import { tolerates } from './helpers.js';

type F = ReturnType<typeof fixture>;

/** Runs PreFilter (if any) then Filter on every cached node; returns node → status (null = fits). */
function run(f: F, plugin: FilterPlugin & Partial<PreFilterPlugin>, pod: Pod): Record<string, Status | null> {
  const state: CycleState = new Map();
  const info = f.info(pod);
  const nodes = f.cache.nodeList();
  const pre = plugin.preFilter?.(state, info, nodes);
  const out: Record<string, Status | null> = {};
  for (const n of nodes) out[n.name] = pre?.code === Code.Skip ? null : plugin.filter(state, info, n);
  return out;
}

const fits = (r: Record<string, Status | null>) => Object.entries(r).filter(([, s]) => s === null).map(([n]) => n).sort();

describe('NodeUnschedulable', () => {
  it('rejects cordoned nodes unless the pod tolerates the unschedulable taint', () => {
    const f = fixture();
    f.add([makeNode('a', { unschedulable: true }), makeNode('b')]);
    const r = run(f, new NodeUnschedulable(), makePod('p'));
    expect(r.a).toMatchObject({ code: Code.UnschedulableAndUnresolvable, reasons: ['node(s) were unschedulable'] });
    expect(r.b).toBeNull();
    const tol = makePod('t', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(fits(run(f, new NodeUnschedulable(), tol))).toEqual(['a', 'b']);
  });
});

describe('NodeName', () => {
  it('fits only the named node', () => {
    const f = fixture();
    f.add([makeNode('a'), makeNode('b')]);
    const r = run(f, new NodeName(), makePod('p', { nodeName: 'b' }));
    expect(r.a?.reasons).toEqual(["node(s) didn't match the requested node name"]);
    expect(r.b).toBeNull();
    expect(fits(run(f, new NodeName(), makePod('q')))).toEqual(['a', 'b']);
  });
});

describe('NodeAffinity', () => {
  const f = fixture();
  f.add([
    makeNode('a', { labels: { zone: 'z1', gen: '3', disk: 'ssd' } }),
    makeNode('b', { labels: { zone: 'z2', gen: '10' } }),
    makeNode('c', { labels: { zone: 'z3' } }),
  ]);
  const req = (terms: unknown[]) => makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never } } } });

  it('nodeSelector needs every label', () => {
    const r = run(f, new NodeAffinity(), makePod('p', { nodeSelector: { zone: 'z1', disk: 'ssd' } }));
    expect(fits(r)).toEqual(['a']);
    expect(r.b?.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });

  it('matchExpressions operators, ORed terms, ANDed requirements', () => {
    const na = new NodeAffinity();
    expect(fits(run(f, na, req([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z3'] }] }])))).toEqual(['a', 'c']);
    expect(fits(run(f, na, req([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z1'] }] }])))).toEqual(['b', 'c']);
    expect(fits(run(f, na, req([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }])))).toEqual(['a']);
    expect(fits(run(f, na, req([{ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }])))).toEqual(['b', 'c']);
    expect(fits(run(f, na, req([{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['5'] }] }])))).toEqual(['b']);
    expect(fits(run(f, na, req([{ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['5'] }] }])))).toEqual(['a']);
    expect(fits(run(f, na, req([
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }, { key: 'gen', operator: 'Gt', values: ['5'] }] },
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] },
    ])))).toEqual(['c']);
    // An empty term matches nothing.
    expect(fits(run(f, na, req([{}])))).toEqual([]);
  });

  it('scores preferred terms by weight, normalised to 0..100', () => {
    const na = new NodeAffinity();
    const pod = f.info(makePod('p', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } },
      { weight: 80, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] } },
    ] } } }));
    const nodes = f.cache.nodeList();
    const state: CycleState = new Map();
    expect(na.preScore(state, pod)).toBeNull();
    const scores = Float64Array.from(nodes.map((n) => na.score(state, pod, n)));
    na.normalizeScores(state, pod, scores);
    expect([...scores]).toEqual([25, 100, 0]);
    expect(na.preScore(state, f.info(makePod('q')))?.code).toBe(Code.Skip);
  });
});

describe('TaintToleration', () => {
  it('filters NoSchedule/NoExecute taints the pod does not tolerate, with upstream reasons', () => {
    const f = fixture();
    f.add([
      makeNode('a', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      makeNode('b', { taints: [{ key: 'evict', effect: 'NoExecute' }] }),
      makeNode('c', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }),
    ]);
    const r = run(f, new TaintToleration(), makePod('p'));
    expect(r.a?.reasons).toEqual(['node(s) had untolerated taint {dedicated: gpu}']);
    expect(r.b?.reasons).toEqual(['node(s) had untolerated taint {evict: }']);
    expect(r.c).toBeNull();
    const tol = makePod('t', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }, { operator: 'Exists', effect: 'NoExecute' }] });
    expect(fits(run(f, new TaintToleration(), tol))).toEqual(['a', 'b', 'c']);
  });

  it('scores fewer untolerated PreferNoSchedule taints higher', () => {
    const f = fixture();
    f.add([makeNode('a', { taints: [{ key: 's1', effect: 'PreferNoSchedule' }, { key: 's2', effect: 'PreferNoSchedule' }] }), makeNode('b', { taints: [{ key: 's1', effect: 'PreferNoSchedule' }] }), makeNode('c')]);
    const tt = new TaintToleration();
    const pod = f.info(makePod('p'));
    const state: CycleState = new Map();
    expect(tt.preScore(state, pod, f.cache.nodeList())).toBeNull();
    const scores = Float64Array.from(f.cache.nodeList().map((n) => tt.score(state, pod, n)));
    tt.normalizeScores(state, pod, scores);
    expect([...scores]).toEqual([0, 50, 100]);
  });

  it('matches tolerations as upstream', () => {
    expect(tolerates({ operator: 'Exists' }, { key: 'k', effect: 'NoSchedule' })).toBe(true);
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, { key: 'k', effect: 'NoSchedule' })).toBe(false);
    expect(tolerates({ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(true);
    expect(tolerates({ key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(false);
    expect(tolerates({ value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(false);
  });
});

describe('NodeResourcesFit', () => {
  it('counts assigned pods, init containers (max), sidecars and overhead', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '2', memory: '1Gi' })], [{ ...makePod('old', {}, { cpu: '1500m' }), spec: { ...makePod('old', {}, { cpu: '1500m' }).spec, nodeName: 'a' } }]);
    const fit = new NodeResourcesFit();
    expect(run(f, fit, makePod('p', {}, { cpu: '500m' })).a).toBeNull();
    expect(run(f, fit, makePod('p', {}, { cpu: '600m', memory: '2Gi' })).a?.reasons).toEqual(['Insufficient cpu', 'Insufficient memory']);
    const init = makePod('i', { initContainers: [{ name: 'init', resources: { requests: { cpu: '800m' } } }] }, { cpu: '100m' });
    expect(run(f, fit, init).a?.reasons).toEqual(['Insufficient cpu']);
    const overhead = makePod('o', { overhead: { cpu: '450m' } }, { cpu: '100m' });
    expect(run(f, fit, overhead).a?.reasons).toEqual(['Insufficient cpu']);
    const sidecar = makePod('s', { initContainers: [{ name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } }] }, { cpu: '300m' });
    expect(run(f, fit, sidecar).a?.reasons).toEqual(['Insufficient cpu']);
    const ext = makePod('e', { containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '1' } } }] });
    expect(run(f, fit, ext).a?.reasons).toEqual(['Insufficient nvidia.com/gpu']);
  });

  it('reports Too many pods, and an assumed pod counts at once', () => {
    const f = fixture();
    f.add([makeNode('a', { pods: '1' })]);
    const fit = new NodeResourcesFit();
    expect(run(f, fit, makePod('p')).a).toBeNull();
    f.cache.assume(f.info(makePod('first')), 'a');
    expect(run(f, fit, makePod('p')).a?.reasons).toEqual(['Too many pods']);
    f.cache.forget('default/first');
    expect(run(f, fit, makePod('p')).a).toBeNull();
  });

  it('LeastAllocated and BalancedAllocation prefer emptier, balanced nodes', () => {
    const f = fixture();
    f.add([makeNode('empty', { cpu: '4', memory: '4Gi' }), makeNode('busy', { cpu: '4', memory: '4Gi' })], [{ ...makePod('x', {}, { cpu: '3', memory: '1Gi' }), spec: { ...makePod('x', {}, { cpu: '3', memory: '1Gi' }).spec, nodeName: 'busy' } }]);
    const pod = f.info(makePod('p', {}, { cpu: '1', memory: '1Gi' }));
    const [empty, busy] = f.cache.nodeList();
    const fit = new NodeResourcesFit();
    const state: CycleState = new Map();
    expect(fit.score(state, pod, empty!)).toBe(75);
    expect(fit.score(state, pod, busy!)).toBe(25);
    const bal = new BalancedAllocation();
    expect(bal.score(state, pod, empty!)).toBe(100);
    expect(bal.score(state, pod, busy!)).toBe(75);
  });
});

describe('NodePorts', () => {
  it('rejects nodes where the hostPort is taken (0.0.0.0 conflicts with any address)', () => {
    const f = fixture();
    const withPort = (name: string, port: number, node?: string, hostIP?: string): Pod => {
      const p = makePod(name, { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: port, hostIP }] }] });
      if (node) p.spec.nodeName = node;
      return p;
    };
    f.add([makeNode('a'), makeNode('b'), makeNode('c')], [withPort('x', 8080, 'a'), withPort('y', 9090, 'b', '10.0.0.1')]);
    const r = run(f, new NodePorts(), withPort('p', 8080));
    expect(r.a?.reasons).toEqual(["node(s) didn't have free ports for the requested pod ports"]);
    expect(fits(r)).toEqual(['b', 'c']);
    expect(fits(run(f, new NodePorts(), withPort('q', 9090)))).toEqual(['a', 'c']);
    expect(fits(run(f, new NodePorts(), withPort('r', 9090, undefined, '10.0.0.2')))).toEqual(['a', 'b', 'c']);
  });
});

describe('InterPodAffinity', () => {
  const bound = (name: string, node: string, labels: Record<string, string>, spec: Partial<Pod['spec']> = {}, namespace = 'default'): Pod => {
    const p = makePod(name, spec, { labels, namespace });
    p.spec.nodeName = node;
    return p;
  };
  const zones = () => [makeNode('a1', { labels: { zone: 'a' } }), makeNode('a2', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } })];

  it('required affinity follows matching pods to their topology domain; the first pod of a group may go anywhere', () => {
    const f = fixture();
    f.add(zones(), [bound('db', 'a2', { app: 'db' })]);
    const term = { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' };
    const r = run(f, new InterPodAffinity(f.handle), makePod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }));
    expect(fits(r)).toEqual(['a1', 'a2']);
    expect(r.b1).toMatchObject({ code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't match pod affinity rules"] });
    const self = makePod('s', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'zone' }] } } }, { labels: { app: 'web' } });
    expect(fits(run(f, new InterPodAffinity(f.handle), self))).toEqual(['a1', 'a2', 'b1']);
  });

  it('required anti-affinity of the pod and of existing pods', () => {
    const f = fixture();
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    f.add(zones(), [bound('w1', 'a1', { app: 'web' }, { affinity: anti })]);
    const r = run(f, new InterPodAffinity(f.handle), makePod('w2', { affinity: anti }, { labels: { app: 'web' } }));
    expect(r.a1?.reasons).toEqual(["node(s) didn't match pod anti-affinity rules"]);
    expect(fits(r)).toEqual(['a2', 'b1']);
    // A pod without terms is still kept away by w1's anti-affinity.
    const r2 = run(f, new InterPodAffinity(f.handle), makePod('plain', {}, { labels: { app: 'web' } }));
    expect(r2.a1?.reasons).toEqual(["node(s) didn't satisfy existing pods anti-affinity rules"]);
    expect(fits(run(f, new InterPodAffinity(f.handle), makePod('other', {}, { labels: { app: 'api' } })))).toEqual(['a1', 'a2', 'b1']);
  });

  it('namespaces and namespaceSelector decide which pods a term sees', () => {
    const f = fixture({ prod: { env: 'prod' }, dev: { env: 'dev' } });
    f.add(zones(), [bound('db', 'b1', { app: 'db' }, {}, 'prod')]);
    const term = (extra: object) => makePod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone', ...extra }] } } });
    // Own namespace only by default: no db there, and the pod does not match itself → nowhere.
    expect(fits(run(f, new InterPodAffinity(f.handle), term({})))).toEqual([]);
    expect(fits(run(f, new InterPodAffinity(f.handle), term({ namespaces: ['prod'] })))).toEqual(['b1']);
    expect(fits(run(f, new InterPodAffinity(f.handle), term({ namespaceSelector: { matchLabels: { env: 'prod' } } })))).toEqual(['b1']);
    expect(fits(run(f, new InterPodAffinity(f.handle), term({ namespaceSelector: {} })))).toEqual(['b1']);
  });

  it('scores preferred affinity up and preferred anti-affinity down', () => {
    const f = fixture();
    f.add(zones(), [bound('db', 'b1', { app: 'db' })]);
    const ipa = new InterPodAffinity(f.handle);
    const pod = f.info(makePod('p', { affinity: {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' } }] },
    } }));
    const state: CycleState = new Map();
    const nodes = f.cache.nodeList();
    expect(ipa.preScore(state, pod, nodes)).toBeNull();
    const scores = Float64Array.from(nodes.map((n) => ipa.score(state, pod, n)));
    ipa.normalizeScores(state, pod, scores);
    expect([...scores]).toEqual([0, 0, 100]);
  });
});

describe('PodTopologySpread', () => {
  const bound = (name: string, node: string, labels: Record<string, string>): Pod => {
    const p = makePod(name, {}, { labels });
    p.spec.nodeName = node;
    return p;
  };
  const spread = (o: Record<string, unknown> = {}) => makePod('p', { topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } }, ...o },
  ] }, { labels: { app: 's' } });

  it('keeps the skew within maxSkew and needs the topology label', () => {
    const f = fixture();
    f.add([makeNode('a1', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } }), makeNode('nolabel')], [bound('x', 'a1', { app: 's' })]);
    const r = run(f, new PodTopologySpread(), spread());
    expect(r.a1?.reasons).toEqual(["node(s) didn't match pod topology spread constraints"]);
    expect(r.b1).toBeNull();
    expect(r.nolabel).toMatchObject({ code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"] });
    expect(fits(run(f, new PodTopologySpread(), spread({ maxSkew: 2 })))).toEqual(['a1', 'b1']);
  });

  it('treats the global minimum as 0 below minDomains', () => {
    const f = fixture();
    f.add([makeNode('a1', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } })], [bound('x', 'a1', { app: 's' }), bound('y', 'b1', { app: 's' })]);
    expect(fits(run(f, new PodTopologySpread(), spread()))).toEqual(['a1', 'b1']);
    expect(fits(run(f, new PodTopologySpread(), spread({ minDomains: 3 })))).toEqual([]);
  });

  it('scores ScheduleAnyway constraints: fewer matching pods score higher', () => {
    const f = fixture();
    f.add([makeNode('a1', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } })], [bound('x', 'a1', { app: 's' })]);
    const pts = new PodTopologySpread();
    const pod = f.info(spread({ whenUnsatisfiable: 'ScheduleAnyway' }));
    const state: CycleState = new Map();
    const nodes = f.cache.nodeList();
    expect(pts.preScore(state, pod, nodes)).toBeNull();
    const scores = Float64Array.from(nodes.map((n) => pts.score(state, pod, n)));
    pts.normalizeScores(state, pod, scores);
    expect(scores[1]).toBeGreaterThan(scores[0]!);
  });
});
