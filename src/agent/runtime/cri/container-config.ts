// ContainerConfig → CRI's, as the kubelet fills it (kuberuntime generateContainerConfig): the
// entrypoint and arguments as given (both empty lets the image's ENTRYPOINT/CMD apply), the log
// path relative to the sandbox's log directory, cgroup resources and the effective security
// context, with the pod's namespace modes repeated for the container.
import { relative } from 'node:path';
import type { ContainerConfig, PodSandboxConfig } from '../types.js';
import { linuxContainerResources, type QOSClass } from './linux-resources.js';
import { effectiveSecurityContext, verifyRunAsNonRoot } from './security-context.js';
import { namespaceOptions, podIdentityLabels, podSecurityContext } from './sandbox-config.js';

type Json = Record<string, unknown>;

const propagation = {
  private: 'PROPAGATION_PRIVATE',
  hostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  bidirectional: 'PROPAGATION_BIDIRECTIONAL',
} as const;

export interface ContainerConfigOptions {
  memoryCapacityBytes: number;
  seccompRoot: string;
  /** The image's user as ImageStatus reports it (for runAsNonRoot). */
  imageUser: () => Promise<{ uid?: number; username?: string }>;
}

export async function criContainerConfig(c: ContainerConfig, sandbox: PodSandboxConfig, opts: ContainerConfigOptions): Promise<Json> {
  const eff = effectiveSecurityContext(podSecurityContext(sandbox), c.securityContext, { seccompRoot: opts.seccompRoot });
  if (eff.runAsNonRoot) {
    const where = `pod: "${sandbox.name}_${sandbox.namespace}(${sandbox.uid})", container: ${c.name}`;
    verifyRunAsNonRoot(eff, eff.runAsUser === undefined ? await opts.imageUser() : {}, where);
  }
  const qos = sandbox.linux?.qosClass;
  const config: Json = {
    metadata: { name: c.name, attempt: c.attempt },
    image: { image: c.image },
    command: c.command,
    args: c.args,
    working_dir: c.workingDir ?? '',
    envs: c.env.map((e) => ({ key: e.name, value: e.value })),
    mounts: c.mounts.map((m) => ({
      container_path: m.containerPath, host_path: m.hostPath, readonly: m.readOnly, propagation: propagation[m.propagation ?? 'private'],
    })),
    labels: { ...c.labels, ...podIdentityLabels(sandbox), 'io.kubernetes.container.name': c.name },
    annotations: { ...c.annotations, 'io.kubernetes.container.restartCount': String(c.attempt) },
    log_path: relative(sandbox.logDirectory, c.logPath),
    stdin: c.stdin,
    stdin_once: c.stdinOnce,
    tty: c.tty,
    linux: {
      resources: linuxContainerResources(c.resources, {
        memoryCapacityBytes: opts.memoryCapacityBytes,
        qosClass: qos === 'Guaranteed' || qos === 'Burstable' || qos === 'BestEffort' ? (qos as QOSClass) : undefined,
      }),
      security_context: { ...eff.context, namespace_options: namespaceOptions(sandbox) },
    },
  };
  return config;
}
