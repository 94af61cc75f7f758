// CRI responses → the agent's types: enum names to states, nanosecond timestamps to
// milliseconds (0 means "not yet"), and pod IPs (the primary then the additional ones; the
// node's IPs for a sandbox on the node's network, which CRI reports without an address).
import { isAbsolute, join } from 'node:path';
import type { ContainerState, ContainerStatus, ImageInfo, PodSandboxStatus } from '../types.js';

export interface CriMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface CriPodSandboxStatus {
  id: string;
  metadata?: CriMetadata;
  state: string;
  created_at: number;
  network?: { ip: string; additional_ips: Array<{ ip: string }> };
  linux?: { namespaces?: { options?: { network: string } } };
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface CriPodSandbox { id: string; metadata?: CriMetadata; state: string; created_at: number; labels: Record<string, string> }
export interface CriContainerStatus {
  id: string;
  metadata?: { name: string; attempt: number };
  state: string;
  created_at: number;
  started_at: number;
  finished_at: number;
  exit_code: number;
  image?: { image: string };
  image_ref: string;
  reason: string;
  message: string;
  labels: Record<string, string>;
  log_path: string;
}
export interface CriImage { id: string; repo_tags: string[]; repo_digests: string[]; size: number; uid?: { value: number }; username: string }

export const nsToMs = (ns: number): number => Math.floor(ns / 1e6);

const containerStates: Record<string, ContainerState> = {
  CONTAINER_CREATED: 'created', CONTAINER_RUNNING: 'running', CONTAINER_EXITED: 'exited', CONTAINER_UNKNOWN: 'unknown',
};
export const criContainerState: Record<ContainerState, string> = {
  created: 'CONTAINER_CREATED', running: 'CONTAINER_RUNNING', exited: 'CONTAINER_EXITED', unknown: 'CONTAINER_UNKNOWN',
};

export function sandboxStatus(s: CriPodSandboxStatus, nodeIPs: string[]): PodSandboxStatus {
  const ips = [s.network?.ip ?? '', ...(s.network?.additional_ips ?? []).map((a) => a.ip)].filter((ip) => ip !== '');
  const hostNetwork = s.linux?.namespaces?.options?.network === 'NODE';
  return {
    id: s.id,
    state: s.state === 'SANDBOX_READY' ? 'ready' : 'notready',
    createdAt: nsToMs(s.created_at),
    ips: ips.length === 0 && hostNetwork ? [...nodeIPs] : ips,
    metadata: metadata(s.metadata),
  };
}

function metadata(m: CriMetadata | undefined): PodSandboxStatus['metadata'] {
  return { uid: m?.uid ?? '', name: m?.name ?? '', namespace: m?.namespace ?? '', attempt: m?.attempt ?? 0 };
}

export function containerStatus(s: CriContainerStatus, logDirectory?: string): ContainerStatus {
  const state = containerStates[s.state] ?? 'unknown';
  const out: ContainerStatus = {
    id: s.id,
    name: s.metadata?.name ?? '',
    attempt: s.metadata?.attempt ?? 0,
    state,
    createdAt: nsToMs(s.created_at),
    image: s.image?.image ?? '',
    logPath: s.log_path === '' || isAbsolute(s.log_path) || !logDirectory ? s.log_path : join(logDirectory, s.log_path),
  };
  if (s.started_at > 0) out.startedAt = nsToMs(s.started_at);
  if (s.finished_at > 0) out.finishedAt = nsToMs(s.finished_at);
  if (state === 'exited') out.exitCode = s.exit_code;
  if (s.reason) out.reason = s.reason;
  if (s.message) out.message = s.message;
  if (s.image_ref) out.imageRef = s.image_ref;
  return out;
}

export function imageInfo(i: CriImage): ImageInfo {
  return { id: i.id, repoTags: i.repo_tags, repoDigests: i.repo_digests, size: i.size };
}
