// The cloud provider interface and the local provider (load balancer addresses for one machine or a LAN).
export * from './provider.js';
export { LocalCloudProvider, localProviderName, type LocalCloudProviderOptions } from './local/local-provider.js';
export { LocalLoadBalancer, nodeAddresses, excludeFromLoadBalancersLabel } from './local/load-balancer.js';
export { AddressPool } from './local/address-pool.js';
