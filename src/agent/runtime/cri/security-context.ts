// The Linux security settings the kubelet sends with a container (kuberuntime's
// determineEffectiveSecurityContext): the container's securityContext merged over the pod's
// (container wins for runAsUser, runAsGroup, runAsNonRoot and seccompProfile; privileged,
// capabilities, readOnlyRootFilesystem and allowPrivilegeEscalation are per container),
// supplemental groups plus fsGroup from the pod, and the default masked / read-only /proc paths
// unless privileged. An unset seccomp profile is sent as Unconfined, as kubelets without
// SeccompDefault do.

type Json = Record<string, unknown>;

/** kubelet's securitycontext default masked paths (ProcMountType Default). */
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** A container the kubelet refuses before creating it (the agent reports CreateContainerConfigError). */
export class ContainerConfigRefusedError extends Error {
  readonly reason = 'CreateContainerConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigRefusedError';
  }
}

export interface SecurityProfile { profile_type: 'RuntimeDefault' | 'Unconfined' | 'Localhost'; localhost_ref?: string }

export interface LinuxContainerSecurityContext {
  capabilities?: { add_capabilities: string[]; drop_capabilities: string[] };
  privileged: boolean;
  run_as_user?: { value: number };
  run_as_group?: { value: number };
  readonly_rootfs: boolean;
  supplemental_groups: number[];
  no_new_privs: boolean;
  masked_paths: string[];
  readonly_paths: string[];
  seccomp: SecurityProfile;
}

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

export function seccompProfile(sc: Json | undefined, localhostRoot: string): SecurityProfile {
  const p = obj(sc?.seccompProfile);
  switch (p?.type) {
    case 'RuntimeDefault': return { profile_type: 'RuntimeDefault' };
    case 'Localhost': return { profile_type: 'Localhost', localhost_ref: `${localhostRoot}/${String(p.localhostProfile ?? '')}` };
    default: return { profile_type: 'Unconfined' };
  }
}

/** The pod's supplemental groups followed by its fsGroup. */
export function podSupplementalGroups(podSc: Json | undefined): number[] {
  const groups = Array.isArray(podSc?.supplementalGroups) ? (podSc!.supplementalGroups as unknown[]).map(int).filter((n): n is number => n !== undefined) : [];
  const fsGroup = int(podSc?.fsGroup);
  if (fsGroup !== undefined && !groups.includes(fsGroup)) groups.push(fsGroup);
  return groups;
}

export interface EffectiveSecurity {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot: boolean;
  context: LinuxContainerSecurityContext;
}

export function effectiveSecurityContext(podSc: Json | undefined, containerSc: Json | undefined, opts: { seccompRoot: string }): EffectiveSecurity {
  const pick = (k: string): unknown => (containerSc && containerSc[k] !== undefined ? containerSc[k] : podSc?.[k]);
  const privileged = containerSc?.privileged === true;
  const caps = obj(containerSc?.capabilities);
  const runAsUser = int(pick('runAsUser'));
  const runAsGroup = int(pick('runAsGroup'));
  const seccompSource = containerSc?.seccompProfile !== undefined ? containerSc : podSc;
  const context: LinuxContainerSecurityContext = {
    privileged,
    readonly_rootfs: containerSc?.readOnlyRootFilesystem === true,
    supplemental_groups: podSupplementalGroups(podSc),
    no_new_privs: containerSc?.allowPrivilegeEscalation === false,
    masked_paths: privileged ? [] : DEFAULT_MASKED_PATHS,
    readonly_paths: privileged ? [] : DEFAULT_READONLY_PATHS,
    seccomp: privileged ? { profile_type: 'Unconfined' } : seccompProfile(seccompSource, opts.seccompRoot),
  };
  if (caps) context.capabilities = { add_capabilities: strings(caps.add), drop_capabilities: strings(caps.drop) };
  if (runAsUser !== undefined) context.run_as_user = { value: runAsUser };
  if (runAsGroup !== undefined) context.run_as_group = { value: runAsGroup };
  return { runAsUser, runAsGroup, runAsNonRoot: pick('runAsNonRoot') === true, context };
}

/**
 * kubelet's verifyRunAsNonRoot: with runAsNonRoot the effective user must be a known non-zero uid;
 * without runAsUser that is the image's user (uid 0 when the image names none).
 */
export function verifyRunAsNonRoot(eff: EffectiveSecurity, image: { uid?: number; username?: string }, where: string): void {
  if (!eff.runAsNonRoot) return;
  if (eff.runAsUser !== undefined) {
    if (eff.runAsUser === 0) throw new ContainerConfigRefusedError(`container's runAsUser breaks non-root policy (${where})`);
    return;
  }
  if (image.uid === undefined && image.username) {
    throw new ContainerConfigRefusedError(`container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root (${where})`);
  }
  if ((image.uid ?? 0) === 0) throw new ContainerConfigRefusedError(`container has runAsNonRoot and image will run as root (${where})`);
}
