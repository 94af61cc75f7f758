// What the service controller needs from a cloud provider: upstream's cloudprovider.LoadBalancer.
// Declared here (the consumer) because controllers depend on api and client only; the providers
// in src/cloud implement the same shape, and the server wires one to the other.
import type { LoadBalancerStatus, NodeSpec, NodeStatus, ServiceSpec, ServiceStatus } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../../api/types.js';

export type ServiceObject = StoredObject & { spec?: ServiceSpec; status?: ServiceStatus };
export type NodeObject = StoredObject & { spec?: NodeSpec; status?: NodeStatus };
export type { LoadBalancerStatus };

export interface LoadBalancerProvider {
  getLoadBalancer(clusterName: string, service: ServiceObject): Promise<{ status?: LoadBalancerStatus; exists: boolean }>;
  getLoadBalancerName(clusterName: string, service: ServiceObject): string;
  ensureLoadBalancer(clusterName: string, service: ServiceObject, nodes: readonly NodeObject[]): Promise<LoadBalancerStatus>;
  updateLoadBalancer(clusterName: string, service: ServiceObject, nodes: readonly NodeObject[]): Promise<void>;
  ensureLoadBalancerDeleted(clusterName: string, service: ServiceObject): Promise<void>;
}

/** The finalizer that keeps a LoadBalancer Service until its balancer is gone (servicehelper.LoadBalancerCleanupFinalizer). */
export const loadBalancerCleanupFinalizer = 'service.kubernetes.io/load-balancer-cleanup';

/** A LoadBalancer Service without a loadBalancerClass is the default controller's (wantsLoadBalancer). */
export function wantsLoadBalancer(svc: ServiceObject): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

export function hasCleanupFinalizer(svc: ServiceObject): boolean {
  return (svc.metadata.finalizers ?? []).includes(loadBalancerCleanupFinalizer);
}

/** needsCleanup: our finalizer is on a Service being deleted or no longer wanting a balancer. */
export function needsCleanup(svc: ServiceObject): boolean {
  if (!hasCleanupFinalizer(svc)) return false;
  return !!svc.metadata.deletionTimestamp || !wantsLoadBalancer(svc);
}
