export { createNodeProxy, type NodeProxy, type NodeProxyOptions, type ProxyTarget, type PodSubresource } from './node-proxy.js';
export { resolveContainer, agentEndpoint } from './pod-target.js';
