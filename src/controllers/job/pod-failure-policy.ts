// spec.podFailurePolicy (upstream pkg/controller/job/pod_failure_policy.go): the first rule that
// matches a failed pod decides. onExitCodes looks at terminated containers (a zero exit code never
// matches, as upstream), onPodConditions at the pod's conditions. The message is upstream's.
import type { PodFailurePolicy, PodFailurePolicyRule } from 'kubernetes-types/batch/v1.js';
import type { PodObject } from '../common/types.js';

export type FailureAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PolicyMatch {
  action: FailureAction;
  message: string;
}

/** The action of the first matching rule, or undefined when no rule matches (the failure counts). */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: PodObject): PolicyMatch | undefined {
  if (!policy?.rules) return undefined;
  for (const [index, rule] of policy.rules.entries()) {
    const action = rule.action as FailureAction;
    const ns = pod.metadata.namespace, name = pod.metadata.name;
    const exit = matchExitCodes(rule, pod);
    if (exit) return { action, message: `Container ${exit.container} for pod ${ns}/${name} failed with exit code ${exit.code} matching ${action} rule at index ${index}` };
    const cond = matchConditions(rule, pod);
    if (cond) return { action, message: `Pod ${ns}/${name} has condition ${cond} matching ${action} rule at index ${index}` };
  }
  return undefined;
}

function matchExitCodes(rule: PodFailurePolicyRule, pod: PodObject): { container: string; code: number } | undefined {
  const req = rule.onExitCodes;
  if (!req) return undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    const code = cs.state?.terminated?.exitCode;
    if (code === undefined || code === 0) continue;
    if (req.containerName && req.containerName !== cs.name) continue;
    const listed = req.values.includes(code);
    if (req.operator === 'In' ? listed : !listed) return { container: cs.name, code };
  }
  return undefined;
}

function matchConditions(rule: PodFailurePolicyRule, pod: PodObject): string | undefined {
  for (const pattern of rule.onPodConditions ?? []) {
    const want = pattern.status ?? 'True';
    const c = pod.status?.conditions?.find((x) => x.type === pattern.type && x.status === want);
    if (c) return c.type;
  }
  return undefined;
}
