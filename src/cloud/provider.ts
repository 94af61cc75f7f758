// The CloudProvider interface, shaped like upstream's k8s.io/cloud-provider: a provider offers
// optional capabilities (LoadBalancer, InstancesV2, Zones, Routes); each accessor returns
// undefined where the provider does not support it, as upstream's (impl, ok) pairs do.
// Objects are the plain API shapes (kubernetes-types), so any component can pass what it reads.
import type { LoadBalancerStatus, NodeAddress, NodeSpec, NodeStatus, ServiceSpec, ServiceStatus } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from '../api/types.js';

export type { LoadBalancerStatus };

/** A Service as a provider needs it. */
export interface CloudService {
  metadata: ObjectMeta & { name: string; uid: string };
  spec?: ServiceSpec;
  status?: ServiceStatus;
}

export interface CloudNode {
  metadata: ObjectMeta & { name: string };
  spec?: NodeSpec;
  status?: NodeStatus;
}

/** upstream cloudprovider.LoadBalancer. */
export interface LoadBalancer {
  /** The current status of the Service's balancer, and whether it exists. */
  getLoadBalancer(clusterName: string, service: CloudService): Promise<{ status?: LoadBalancerStatus; exists: boolean }>;
  /** A name for the balancer, unique per Service ("a" + the UID without dashes, as upstream's default). */
  getLoadBalancerName(clusterName: string, service: CloudService): string;
  /** Creates or updates the balancer for the Service over these nodes; returns its status. */
  ensureLoadBalancer(clusterName: string, service: CloudService, nodes: readonly CloudNode[]): Promise<LoadBalancerStatus>;
  /** The set of nodes changed: move the balancer's backends. */
  updateLoadBalancer(clusterName: string, service: CloudService, nodes: readonly CloudNode[]): Promise<void>;
  /** Deletes the balancer if it exists; no error when it does not. */
  ensureLoadBalancerDeleted(clusterName: string, service: CloudService): Promise<void>;
}

/** upstream cloudprovider.InstancesV2. */
export interface InstancesV2 {
  instanceExists(node: CloudNode): Promise<boolean>;
  instanceShutdown(node: CloudNode): Promise<boolean>;
  instanceMetadata(node: CloudNode): Promise<{ providerID: string; instanceType: string; nodeAddresses: NodeAddress[]; zone: string; region: string }>;
}

/** upstream cloudprovider.Zones. */
export interface Zones {
  getZoneByNodeName(nodeName: string): Promise<{ failureDomain: string; region: string }>;
}

/** upstream cloudprovider.Routes: pod CIDR routes between nodes. */
export interface Route { name: string; targetNode: string; destinationCIDR: string }
export interface Routes {
  listRoutes(clusterName: string): Promise<Route[]>;
  createRoute(clusterName: string, nameHint: string, route: Route): Promise<void>;
  deleteRoute(clusterName: string, route: Route): Promise<void>;
}

export interface CloudProvider {
  providerName(): string;
  /** Whether the provider tags its resources with a cluster ID. */
  hasClusterID(): boolean;
  loadBalancer(): LoadBalancer | undefined;
  instancesV2(): InstancesV2 | undefined;
  zones(): Zones | undefined;
  routes(): Routes | undefined;
}

/** upstream cloudprovider.DefaultLoadBalancerName: "a" followed by the UID without dashes, at most 32 characters. */
export function defaultLoadBalancerName(service: CloudService): string {
  return `a${service.metadata.uid.replace(/-/g, '')}`.slice(0, 32);
}
