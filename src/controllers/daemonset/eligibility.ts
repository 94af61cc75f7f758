// Which nodes a DaemonSet's pod belongs on (upstream daemon_controller.go NodeShouldRunDaemonPod
// and util.AddOrUpdateDaemonPodTolerations): the template's nodeName, nodeSelector and required
// node affinity must match; untolerated NoSchedule taints keep new pods off (existing ones stay),
// untolerated NoExecute taints also evict. Daemon pods tolerate the node-condition taints upstream
// adds to every daemon pod.
import type { Node, PodSpec, Toleration } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../../api/types.js';
import { anyTermMatchesNode, tolerated } from '../../api/scheduling/node-matching.js';

export type NodeObject = StoredObject & { spec?: Node['spec']; status?: Node['status'] };
export const nodesResource = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;

/** The tolerations upstream adds to daemon pods so node problems neither block nor evict them. */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const out: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec?.hostNetwork) out.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return out;
}

/** The template's tolerations plus the daemon ones not already present (same key and effect). */
export function withDaemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const own = [...(spec?.tolerations ?? [])];
  for (const t of daemonTolerations(spec)) {
    if (!own.some((o) => o.key === t.key && o.effect === t.effect && o.operator === t.operator)) own.push(t);
  }
  return own;
}

export interface Placement {
  /** A new daemon pod should be created on the node. */
  shouldRun: boolean;
  /** An existing daemon pod may stay on the node. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: NodeObject, spec: PodSpec | undefined): Placement {
  const no = { shouldRun: false, shouldContinueRunning: false };
  const name = node.metadata.name;
  if (spec?.nodeName && spec.nodeName !== name) return no;
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return no;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !anyTermMatchesNode(terms, labels, name)) return no;
  const tolerations = withDaemonTolerations(spec);
  let shouldRun = true;
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (tolerated(tolerations, taint)) continue;
    if (taint.effect === 'NoExecute') return no;
    shouldRun = false;
  }
  return { shouldRun, shouldContinueRunning: true };
}

/** The node a daemon pod is meant for: spec.nodeName, or the single name its node affinity pins (upstream GetTargetNodeName). */
export function targetNodeName(spec: PodSpec | undefined): string | undefined {
  if (spec?.nodeName) return spec.nodeName;
  for (const term of spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
