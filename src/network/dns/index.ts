// Cluster DNS (the CoreDNS role): see README.md.
export { startClusterDns, type ClusterDns, type ClusterDnsOptions } from './server.js';
export { startNodeLocalClusterDns, prepareClusterDnsAddress, releaseClusterDnsAddress, clusterDnsLink, type NodeLocalClusterDns, type NodeLocalClusterDnsOptions } from './node-local.js';
export { ensureClusterDnsService, kubeDnsService, kubeDnsEndpointSlice, kubeDnsEndpoints, type ClusterDnsServiceOptions } from './service.js';
export { serviceFragment, type ClusterDnsState, type ServiceFragment } from './records.js';
export { ClusterZoneIndex, buildClusterZone, type ClusterZone } from './zone-index.js';
export { DnsMetrics } from './metrics.js';
export type { ListenAddress } from './listeners.js';
