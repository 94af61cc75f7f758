// From a Service and a pod to the endpoint that pod contributes (upstream endpointslice util and
// podutil.FindPort): which pods count, which ports they serve, their conditions, hostname, zone.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ServicePort } from 'kubernetes-types/core/v1.js';
import { isPodReady } from '../common/pods.js';
import type { PodObject } from '../common/types.js';
import { isHeadless, zoneLabel, type Endpoint, type EndpointPort, type NodeObject, type ServiceObject } from './types.js';

/**
 * Whether a pod belongs in a Service's endpoints (ShouldPodBeInEndpoints): it has an IP, has not
 * finished (Succeeded/Failed, or any terminal phase under restartPolicy Never/OnFailure), and
 * is not being deleted unless terminating pods are wanted.
 */
export function shouldPodBeInEndpoints(pod: PodObject, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/**
 * The container port a Service port reaches on a pod (FindPort): a number as is; a name looked up
 * among the pod's container ports (and restartable init containers) with the same protocol.
 * Undefined when the name does not resolve on this pod.
 */
export function findPort(pod: Pick<Pod, 'spec'>, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target === 0 ? svcPort.port : target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = svcPort.protocol ?? 'TCP';
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** The slice ports a pod serves for a Service (getEndpointPorts): unresolved named ports are left out. */
export function endpointPorts(svc: ServiceObject, pod: PodObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/**
 * A pod's DNS hostname in a headless Service: set when the pod names a hostname and its
 * subdomain is this Service (upstream sets it only for headless Services).
 */
export function podHostname(svc: ServiceObject, pod: PodObject): string | undefined {
  const h = pod.spec?.hostname;
  if (!h || !isHeadless(svc) || pod.spec?.subdomain !== svc.metadata.name) return undefined;
  return h;
}

/**
 * The endpoint of one pod (podToEndpoint). serving follows readiness; terminating marks a pod
 * being deleted; ready is serving and not terminating — except that publishNotReadyAddresses
 * makes every endpoint ready and serving.
 */
export function podToEndpoint(svc: ServiceObject, pod: PodObject, node: NodeObject | undefined): Endpoint {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const serving = publish || isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = publish || (serving && !terminating);
  const ep: Endpoint = {
    addresses: [pod.status?.podIP ?? ''],
    conditions: { ready, serving, terminating },
  };
  const hostname = podHostname(svc, pod);
  if (hostname) ep.hostname = hostname;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[zoneLabel];
  if (zone) ep.zone = zone;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return ep;
}

/**
 * The identity of an endpoint within a Service's slices (upstream hashEndpoint): its addresses,
 * hostname and target pod — so pods sharing the node's address still count separately.
 */
export function endpointKey(ep: Endpoint): string {
  const addrs = [...ep.addresses].sort().join(',');
  return `${addrs}|${ep.hostname ?? ''}|${ep.targetRef?.namespace ?? ''}/${ep.targetRef?.name ?? ''}`;
}

/** A stable key for a set of ports (upstream portMapKey): order-independent. */
export function portsKey(ports: readonly EndpointPort[] | null | undefined): string {
  return (ports ?? [])
    .map((p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port ?? ''}/${p.appProtocol ?? ''}`)
    .sort()
    .join(';');
}

/**
 * When a pod last changed in a way endpoints care about (upstream getPodTriggerTime): its Ready
 * condition's transition, else its creation.
 */
export function podTriggerTime(pod: PodObject): number | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  const t = Date.parse(ready ?? pod.metadata.creationTimestamp);
  return Number.isNaN(t) ? undefined : t;
}
