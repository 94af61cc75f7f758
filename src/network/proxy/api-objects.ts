// The parts of core/v1 Service and discovery.k8s.io/v1 EndpointSlice the service proxy reads.
// src/api has no typed Service yet; these are the upstream field names, all optional as served.
import type { StoredObject } from '../../api/types.js';

export interface ServicePortSpec {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePortSpec[];
  externalIPs?: string[];
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  loadBalancerSourceRanges?: string[];
  externalName?: string;
}

export interface ServiceObject extends StoredObject {
  spec?: ServiceSpec;
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string; ipMode?: string }> } };
}

export interface EndpointSpec {
  addresses: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
  zone?: string;
  hostname?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export interface EndpointSlicePortSpec {
  name?: string | null;
  protocol?: string | null;
  port?: number | null;
  appProtocol?: string;
}

export interface EndpointSliceObject extends StoredObject {
  addressType?: string;
  endpoints?: EndpointSpec[] | null;
  ports?: EndpointSlicePortSpec[] | null;
}

/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';
/** Services (and their slices) carrying this label belong to another proxy, as upstream. */
export const serviceProxyNameLabel = 'service.kubernetes.io/service-proxy-name';

export const servicesResource = { group: '', version: 'v1', resource: 'services', namespaced: true } as const;
export const endpointSlicesResource = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true } as const;
