// Mutating admission of pods on create, as upstream's plugins do:
//  - ServiceAccount: spec.serviceAccountName defaults to "default", and the API access token volume
//    is mounted (see service-account-volume.ts);
//  - Priority: spec.priority (and preemptionPolicy) from spec.priorityClassName, or from the
//    globalDefault PriorityClass; an unknown class is refused;
//  - DefaultTolerationSeconds: tolerate not-ready and unreachable NoExecute taints for 300 s, so
//    pods leave a lost node after five minutes (unless they say otherwise).
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { mountServiceAccountToken } from './service-account-volume.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export interface PodAdmissionDeps {
  priorityClass(name: string): Promise<KubeObject | undefined>;
  priorityClasses(): Promise<KubeObject[]>;
  /** The pod's ServiceAccount (for its automountServiceAccountToken), when it exists. */
  serviceAccount?(namespace: string, name: string): Promise<KubeObject | undefined>;
  defaultTolerationSeconds?: number;
}

const taintKeys = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export async function admitPodCreate(pod: KubeObject, deps: PodAdmissionDeps): Promise<void> {
  const spec = rec(pod.spec);
  pod.spec = spec;
  if (!spec.serviceAccountName) spec.serviceAccountName = typeof spec.serviceAccount === 'string' && spec.serviceAccount ? spec.serviceAccount : 'default';
  if (!spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  // Upstream refuses a pod whose ServiceAccount does not exist (yet); kites admits it, without
  // the token volume — nothing would serve its token or CA (no service-account controller or
  // root CA publisher runs where a namespace has no ServiceAccount).
  const sa = deps.serviceAccount ? await deps.serviceAccount(pod.metadata?.namespace ?? '', String(spec.serviceAccountName)) : undefined;
  if (sa) mountServiceAccountToken(pod, sa);

  let cls: KubeObject | undefined;
  const name = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  if (name) {
    cls = await deps.priorityClass(name);
    if (!cls) throw errors.forbidden('', 'pods', pod.metadata?.name ?? '', `no PriorityClass with name ${name} was found`);
  } else {
    cls = (await deps.priorityClasses()).find((c) => (c as Obj).globalDefault === true);
    if (cls) spec.priorityClassName = cls.metadata?.name;
  }
  const value = cls ? Number((cls as Obj).value ?? 0) : 0;
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value) {
    throw errors.forbidden('', 'pods', pod.metadata?.name ?? '', 'the integer value of priority must not be provided in pod spec; priority admission controller computed ' + value + ' from the given PriorityClass name');
  }
  spec.priority = value;
  if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = (cls as Obj | undefined)?.preemptionPolicy ?? 'PreemptLowerPriority';

  const seconds = deps.defaultTolerationSeconds ?? 300;
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations.map(rec) : [];
  for (const key of taintKeys) {
    const covered = tolerations.some((t) => (t.operator === 'Exists' && !t.key) || (t.key === key && (!t.effect || t.effect === 'NoExecute')));
    if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  spec.tolerations = tolerations;
}

/** The PriorityClasses every cluster has. */
export const systemPriorityClasses: KubeObject[] = [
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-node-critical' }, value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.', preemptionPolicy: 'PreemptLowerPriority' },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-cluster-critical' }, value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.', preemptionPolicy: 'PreemptLowerPriority' },
];
