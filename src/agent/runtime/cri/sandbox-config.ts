// PodSandboxConfig → CRI's, as the kubelet fills it (kuberuntime generatePodSandboxConfig):
// hostname only for pods on their own network, every declared port as a port mapping, and the
// namespace modes and pod-level security context under `linux`. The pod's `spec.securityContext`
// arrives as `linux.securityContext`; `linux.hostPID`, `linux.hostIPC`,
// `linux.shareProcessNamespace`, `linux.privileged`, `linux.sysctls` (a map) and
// `linux.cgroupParent` are honoured when the agent sets them.
import type { PodSandboxConfig } from '../types.js';
import { podSupplementalGroups, seccompProfile } from './security-context.js';

type Json = Record<string, unknown>;
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE';
export interface NamespaceOption { network: NamespaceMode; pid: NamespaceMode; ipc: NamespaceMode }

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/** The labels the kubelet puts on every sandbox and container of a pod (what `crictl` shows). */
export function podIdentityLabels(sandbox: PodSandboxConfig): Record<string, string> {
  return { 'io.kubernetes.pod.name': sandbox.name, 'io.kubernetes.pod.namespace': sandbox.namespace, 'io.kubernetes.pod.uid': sandbox.uid };
}

export function podSecurityContext(sandbox: PodSandboxConfig): Json | undefined {
  return obj(sandbox.linux?.securityContext);
}

/** kubelet's namespacesForPod: pid is per container unless hostPID or shareProcessNamespace. */
export function namespaceOptions(sandbox: PodSandboxConfig): NamespaceOption {
  const l = sandbox.linux ?? {};
  return {
    network: sandbox.hostNetwork ? 'NODE' : 'POD',
    pid: l.hostPID === true ? 'NODE' : l.shareProcessNamespace === true ? 'POD' : 'CONTAINER',
    ipc: l.hostIPC === true ? 'NODE' : 'POD',
  };
}

export function criSandboxConfig(sandbox: PodSandboxConfig, opts: { seccompRoot: string }): Json {
  const podSc = podSecurityContext(sandbox);
  const securityContext: Json = {
    namespace_options: namespaceOptions(sandbox),
    supplemental_groups: podSupplementalGroups(podSc),
    privileged: sandbox.linux?.privileged === true,
    seccomp: seccompProfile(podSc, opts.seccompRoot),
  };
  if (typeof podSc?.runAsUser === 'number') securityContext.run_as_user = { value: podSc.runAsUser };
  if (typeof podSc?.runAsGroup === 'number') securityContext.run_as_group = { value: podSc.runAsGroup };
  // sysctls: the agent's `linux.sysctls` map, else the pod's securityContext.sysctls list
  const sysctls: Record<string, string> = {};
  const given = obj(sandbox.linux?.sysctls);
  if (given) for (const [k, v] of Object.entries(given)) sysctls[k] = String(v);
  else for (const s of Array.isArray(podSc?.sysctls) ? (podSc!.sysctls as unknown[]) : []) {
    const kv = obj(s);
    if (typeof kv?.name === 'string') sysctls[kv.name] = String(kv.value ?? '');
  }
  const linux: Json = { security_context: securityContext, sysctls };
  if (typeof sandbox.linux?.cgroupParent === 'string') linux.cgroup_parent = sandbox.linux.cgroupParent;
  const config: Json = {
    metadata: { name: sandbox.name, uid: sandbox.uid, namespace: sandbox.namespace, attempt: sandbox.attempt },
    hostname: sandbox.hostNetwork ? '' : sandbox.hostname,
    log_directory: sandbox.logDirectory,
    port_mappings: sandbox.portMappings.map((p) => ({
      protocol: p.protocol, container_port: p.containerPort, host_port: p.hostPort ?? 0, host_ip: p.hostIP ?? '',
    })),
    labels: { ...sandbox.labels, ...podIdentityLabels(sandbox) },
    annotations: sandbox.annotations,
    linux,
  };
  if (sandbox.dnsConfig) config.dns_config = { servers: sandbox.dnsConfig.servers, searches: sandbox.dnsConfig.searches, options: sandbox.dnsConfig.options };
  return config;
}
