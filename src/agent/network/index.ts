export { setupPodNetwork, removePodNetwork, defaultBridge, type PodNetwork, type PodNetworkOptions } from './setup.js';
export { podNetworkConflist, writeConflist, conflistName, cniVersion, type CniConfList } from './cni-config.js';
export { waitForPodCidr, nodesRef, PodCidrTimeoutError, type NodeGetter } from './pod-cidr.js';
export { ensureBridge, bridgeMac } from './bridge.js';
export { ensurePodNetworkSysctls, podNetworkSysctls } from './sysctls.js';
