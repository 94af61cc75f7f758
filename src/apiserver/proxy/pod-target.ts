// Resolving a pods/log|exec|attach|portforward request to the node agent that serves it, with the
// API server's messages (k8s.io/kubernetes pkg/registry/core/pod strategy: LogLocation,
// streamLocation): a missing pod, an unscheduled one, an invalid or ambiguous container.
import { errors, StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';

interface ContainerSpec { name?: string }
interface PodLike {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string; containers?: ContainerSpec[]; initContainers?: ContainerSpec[]; ephemeralContainers?: ContainerSpec[] };
}

const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

function names(list: ContainerSpec[] | undefined): string[] {
  return (list ?? []).map((c) => c.name ?? '').filter(Boolean);
}

/** The container a request addresses: the given one if valid, else the only or default one. */
export function resolveContainer(podObj: KubeObject, container: string | null | undefined): string {
  const pod = podObj as PodLike;
  const name = pod.metadata?.name ?? '';
  const spec = pod.spec ?? {};
  const all = [...names(spec.initContainers), ...names(spec.containers), ...names(spec.ephemeralContainers)];
  if (container) {
    if (!all.includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
    return container;
  }
  const regular = names(spec.containers);
  if (regular.length === 1) return regular[0]!;
  if (regular.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
  const preferred = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (preferred && all.includes(preferred)) return preferred;
  throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
}

export interface AgentEndpoint { host: string; port: number }

interface NodeLike {
  metadata?: { name?: string };
  status?: { addresses?: { type?: string; address?: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

/** The node's agent address: InternalIP, else Hostname, else ExternalIP; port from daemonEndpoints. */
export function agentEndpoint(nodeObj: KubeObject): AgentEndpoint {
  const node = nodeObj as NodeLike;
  const addrs = node.status?.addresses ?? [];
  const pick = (t: string) => addrs.find((a) => a.type === t && a.address)?.address;
  const host = pick('InternalIP') ?? pick('Hostname') ?? pick('ExternalIP');
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host) throw errors.internal(`no preferred addresses found; known addresses: []`);
  if (!port) throw errors.internal(`node ${node.metadata?.name ?? ''} reports no kubelet endpoint port`);
  return { host, port };
}

export function nodeNameOf(podObj: KubeObject): string {
  const pod = podObj as PodLike;
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw errors.badRequest(`pod ${pod.metadata?.name ?? ''} does not have a host assigned`);
  return nodeName;
}

