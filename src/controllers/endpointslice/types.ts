// Typed views of the objects the endpoint controllers read and write: Services, EndpointSlices
// (discovery.k8s.io/v1), legacy Endpoints and Nodes, as stored objects.
import type { ServiceSpec, ServiceStatus, EndpointSubset, NodeSpec, NodeStatus } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { StoredObject } from '../../api/types.js';

export type { Endpoint, EndpointPort, EndpointSubset, ServiceSpec };

export type ServiceObject = StoredObject & { spec?: ServiceSpec; status?: ServiceStatus };
export type EndpointSliceObject = StoredObject & { addressType: string; endpoints?: Endpoint[] | null; ports?: EndpointPort[] | null };
export type EndpointsObject = StoredObject & { subsets?: EndpointSubset[] };
export type NodeObject = StoredObject & { spec?: NodeSpec; status?: NodeStatus };

export const servicesResource = { group: '', version: 'v1', resource: 'services', namespaced: true } as const;
export const endpointsResource = { group: '', version: 'v1', resource: 'endpoints', namespaced: true } as const;
export const endpointSlicesResource = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true } as const;
export const nodesResource = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;

/** Label naming the Service a slice belongs to (discovery.LabelServiceName). */
export const labelServiceName = 'kubernetes.io/service-name';
/** Label naming the controller that manages a slice (discovery.LabelManagedBy). */
export const labelManagedBy = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';
/** Set on slices and Endpoints of headless Services (v1.IsHeadlessService label). */
export const labelHeadless = 'service.kubernetes.io/headless';
/** Endpoints the endpoints controller manages carry this so the mirroring controller skips them. */
export const labelSkipMirror = 'endpointslice.kubernetes.io/skip-mirror';
export const annotationTriggerTime = 'endpoints.kubernetes.io/last-change-trigger-time';
export const annotationOverCapacity = 'endpoints.kubernetes.io/over-capacity';
export const zoneLabel = 'topology.kubernetes.io/zone';

export const isHeadless = (svc: ServiceObject) => svc.spec?.clusterIP === 'None';
