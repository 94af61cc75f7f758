// The local cloud provider, for clusters on one machine or a LAN: load balancer addresses from a
// pool or the nodes (see load-balancer.ts); instances are the registered Nodes themselves (a
// node exists while its Node object does, is never "shut down", and its metadata is what the
// agent reported). Zones and Routes are not supported: zones come from node labels, and pod
// routes are the CNI's business on each node.
import type { CloudNode, CloudProvider, CloudService, InstancesV2, LoadBalancer, Routes, Zones } from '../provider.js';
import { AddressPool } from './address-pool.js';
import { LocalLoadBalancer } from './load-balancer.js';

export interface LocalCloudProviderOptions {
  /** --lb-address-pool: "" (the node addresses), a CIDR, or a comma list of addresses, CIDRs and ranges. */
  lbAddressPool?: string;
  /** Services as last seen, to keep addresses held before a restart. */
  listServices?: () => readonly CloudService[];
  /** Without a pool: host ports on the node addresses Services may not take ("TCP/6443"). */
  reservedNodePorts?: readonly string[];
}

export const localProviderName = 'local';

export class LocalCloudProvider implements CloudProvider {
  private readonly lb: LocalLoadBalancer;
  private readonly instances: InstancesV2 = {
    instanceExists: async () => true,
    instanceShutdown: async () => false,
    instanceMetadata: async (node: CloudNode) => ({
      providerID: node.spec?.providerID ?? `${localProviderName}://${node.metadata.name}`,
      instanceType: localProviderName,
      nodeAddresses: node.status?.addresses ?? [],
      zone: node.metadata.labels?.['topology.kubernetes.io/zone'] ?? '',
      region: node.metadata.labels?.['topology.kubernetes.io/region'] ?? '',
    }),
  };

  /** Throws when the pool does not parse (a flag error the server reports at start). */
  constructor(opts: LocalCloudProviderOptions = {}) {
    const spec = opts.lbAddressPool?.trim();
    this.lb = new LocalLoadBalancer({ pool: spec ? AddressPool.parse(spec) : undefined, listServices: opts.listServices, reservedNodePorts: opts.reservedNodePorts });
  }

  providerName(): string { return localProviderName; }
  hasClusterID(): boolean { return false; }
  loadBalancer(): LoadBalancer { return this.lb; }
  instancesV2(): InstancesV2 { return this.instances; }
  zones(): Zones | undefined { return undefined; }
  routes(): Routes | undefined { return undefined; }
}
